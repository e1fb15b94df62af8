# azuremfa_exporter: build, test and release.
#
#   make build         the exporter for this machine, ./azuremfa_exporter
#   make test          every test (.ci/run)
#   make lint          golangci-lint (.golangci.yml) on both modules, for Linux and Windows
#   make crossbuild    linux/amd64, linux/arm64, windows/amd64 into dist/build/
#   make tarball zip   the Linux archives and the Windows zip
#   make msi           the Windows installer (needs wixl and msitools)
#   make release       all of it into dist/, with dist/sha256sums.txt (needs LICENSE)
#   make reproducible  builds every artifact twice, the second time with an empty Go cache,
#                      and fails unless both give the same bytes
#
# The version is the one in VERSION. Builds are reproducible: the same commit gives the same
# bytes. Every date in them is the commit's (SOURCE_DATE_EPOCH overrides it), the build user
# is "make" unless BUILD_USER says otherwise, paths are trimmed and cgo is off.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

NAME := azuremfa_exporter
PKG := ./cmd/azuremfa_exporter
VERSION := $(shell tr -d '[:space:]' < VERSION)
# Windows Installer versions are numeric: 0.1.0-rc.1 installs as 0.1.0.
MSI_VERSION := $(firstword $(subst -, ,$(VERSION)))
PLATFORMS := linux/amd64 linux/arm64 windows/amd64
DIST ?= dist

GO ?= go
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -modified)
BRANCH ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null)
BUILD_USER ?= make
BUILD_DATE := $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y%m%d-%H:%M:%S)

VERSION_PKG := github.com/prometheus/common/version
LDFLAGS := -s -w \
	-X $(VERSION_PKG).Version=$(VERSION) \
	-X $(VERSION_PKG).Revision=$(REVISION) \
	-X $(VERSION_PKG).Branch=$(BRANCH) \
	-X $(VERSION_PKG).BuildUser=$(BUILD_USER) \
	-X $(VERSION_PKG).BuildDate=$(BUILD_DATE)
# -buildvcs=false: the stamps above say what the VCS would, and a build from a git worktree
# or a source tarball gives the same bytes as one from a clone.
GOBUILD := CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=false -ldflags '$(LDFLAGS)'

# What the archives hold besides the binary: the docs the README links to, the dashboards and
# rules, and the systemd unit (Linux) or the flags file template (Windows).
DOCS := README.md $(wildcard LICENSE CHANGELOG.md SECURITY.md docs/*.md docs/*.png docs/runbooks/*.md)
DASHBOARDS := $(wildcard dashboards/*.json) $(filter-out %_test.yml,$(wildcard dashboards/rules/*.yml))
UNIT := packaging/systemd/$(NAME).service

binary = $(DIST)/build/$(1)-$(2)/$(NAME)$(if $(filter windows,$(1)),.exe)
TARBALLS := $(foreach p,$(filter linux/%,$(PLATFORMS)),$(DIST)/$(NAME)-$(VERSION).$(subst /,-,$(p)).tar.gz)
ZIPS := $(foreach p,$(filter windows/%,$(PLATFORMS)),$(DIST)/$(NAME)-$(VERSION).$(subst /,-,$(p)).zip)
MSI := $(DIST)/$(NAME)-$(VERSION)-amd64.msi
BINARIES := $(foreach p,$(PLATFORMS),$(call binary,$(word 1,$(subst /, ,$(p))),$(word 2,$(subst /, ,$(p)))))
ARTIFACTS := $(TARBALLS) $(ZIPS) $(MSI)

.PHONY: build test lint crossbuild tarball zip msi release reproducible check-license clean FORCE

build:
	$(GOBUILD) -o $(NAME) $(PKG)

test:
	bash .ci/run

# golangci-lint of this version: the one on PATH if it is this version, else the same built from
# the Go proxy by go run (a few minutes the first time, cached after). It lints the exporter
# module, scripts/idle_conns.go (built only by go run) and the dashboards module (its own
# go.mod, the same .golangci.yml), each for Linux and for Windows (the *_windows.go files).
GOLANGCI_LINT_VERSION ?= v2.15.0
lint:
	@if [ "v$$(golangci-lint version --short 2>/dev/null)" = "$(GOLANGCI_LINT_VERSION)" ]; then lint=golangci-lint; \
	else lint="$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)"; fi; \
	for goos in linux windows; do \
		echo "golangci-lint $(GOLANGCI_LINT_VERSION), GOOS=$$goos: ./... scripts/idle_conns.go dashboards/..."; \
		GOOS=$$goos $$lint run ./...; \
		GOOS=$$goos $$lint run scripts/idle_conns.go; \
		(cd dashboards && GOOS=$$goos $$lint run --config ../.golangci.yml ./...); \
	done

crossbuild: $(BINARIES)

# FORCE: go build decides what is stale; make only names the outputs.
$(DIST)/build/%: FORCE
	@mkdir -p $(@D)
	osarch=$(notdir $(@D)); GOOS=$${osarch%-*} GOARCH=$${osarch#*-} $(GOBUILD) -o $@ $(PKG)

tarball: $(TARBALLS)
zip: $(ZIPS)
msi: $(MSI)

RELTOOL := $(DIST)/build/reltool
$(RELTOOL): FORCE
	@mkdir -p $(@D)
	$(GO) build -o $@ ./scripts/reltool

# archive OUT BINARY EXTRA...: the binary, the docs, the dashboards and EXTRA in one folder
# named like the archive.
define archive
@echo "archive $(1)"
@$(RELTOOL) archive $(1) $(patsubst %.zip,%,$(patsubst %.tar.gz,%,$(notdir $(1)))) $(SOURCE_DATE_EPOCH) \
	$(2) $(foreach f,$(DOCS) $(DASHBOARDS),$(f)=$(f)) $(3)
endef

$(DIST)/$(NAME)-$(VERSION).linux-%.tar.gz: $(DIST)/build/linux-%/$(NAME) $(RELTOOL) $(UNIT) $(DOCS) $(DASHBOARDS)
	$(call archive,$@,$<,$(UNIT)=systemd/$(NAME).service)

$(DIST)/$(NAME)-$(VERSION).windows-%.zip: $(DIST)/build/windows-%/$(NAME).exe $(RELTOOL) installer/flags.txt $(DOCS) $(DASHBOARDS)
	$(call archive,$@,$<,installer/flags.txt=flags.txt)

$(MSI): $(DIST)/build/windows-amd64/$(NAME).exe installer/build.sh installer/azuremfa_exporter.wxs installer/flags.txt
	installer/build.sh $< $(MSI_VERSION) $@

$(DIST)/sha256sums.txt: $(ARTIFACTS)
	cd $(DIST) && LC_ALL=C sha256sum $(notdir $(sort $(ARTIFACTS))) > sha256sums.txt

check-license:
	@[ -f LICENSE ] || { echo "release: LICENSE is missing; the archives must carry the license" >&2; exit 1; }

release: check-license $(DIST)/sha256sums.txt
	@cat $(DIST)/sha256sums.txt

# Builds everything a second time into a scratch folder and compares. The second build uses
# an empty Go cache unless REPRO_GOCACHE=keep (.ci/run): with the cache kept, the Go binaries
# are relinked only if their inputs changed (a stamp that moved would show), the archives and
# the installer are always rebuilt.
REPRO_GOCACHE ?= fresh
reproducible: $(DIST)/sha256sums.txt
	@scratch=$$(mktemp -d); trap 'chmod -R u+w "$$scratch"; rm -rf "$$scratch"' EXIT; \
	if [ "$(REPRO_GOCACHE)" = fresh ]; then export GOCACHE=$$scratch/gocache; fi; \
	$(MAKE) --no-print-directory DIST=$$scratch/dist $$scratch/dist/sha256sums.txt >/dev/null; \
	if diff $(DIST)/sha256sums.txt $$scratch/dist/sha256sums.txt; then \
		echo "reproducible: a second build ($(REPRO_GOCACHE) Go cache) gave the same bytes:"; cat $(DIST)/sha256sums.txt; \
	else echo "reproducible: the second build differs (above)" >&2; exit 1; fi

clean:
	rm -rf $(DIST) $(NAME)
