package main

import (
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/version"
)

// buildStamp is what --version, azuremfa_exporter_build_info and the landing page show about
// the build: the fields of github.com/prometheus/common/version that a release build sets with
// -ldflags -X (make build, make release).
type buildStamp struct {
	Version, Revision, Branch, BuildUser, BuildDate string
}

// stampFromBuildInfo fills what a build without ldflags leaves empty from what the Go toolchain
// recorded in the binary. A field that is already set is kept.
//
//   - go install github.com/azuremfa/azuremfa_exporter/cmd/azuremfa_exporter@v0.1.0 records the
//     module version: the version is 0.1.0.
//   - go build in a git clone records a module version derived from the tags (v0.1.0 on a tagged
//     commit, a pseudo-version such as v0.1.1-0.20261202041750-bcd02bf3e4a1 after it, +dirty for
//     uncommitted changes): the version is that, without the "v". It also records vcs.revision,
//     vcs.time and vcs.modified: the revision and the build date come from them.
//   - go run, go test, or a build outside a clone record "(devel)" and maybe a revision: the
//     version is "devel", followed by +<12-digit revision>[.dirty] when the revision is known.
func stampFromBuildInfo(s buildStamp, bi *debug.BuildInfo) buildStamp {
	if bi == nil {
		if s.Version == "" {
			s.Version = "devel"
		}
		return s
	}
	var revision, vcsTime string
	var modified bool
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			revision = kv.Value
		case "vcs.time":
			vcsTime = kv.Value
		case "vcs.modified":
			modified = kv.Value == "true"
		}
	}
	if s.Version == "" {
		switch v := bi.Main.Version; {
		case v != "" && v != "(devel)":
			s.Version = strings.TrimPrefix(v, "v")
		case revision != "":
			short := revision
			if len(short) > 12 {
				short = short[:12]
			}
			s.Version = "devel+" + short
			if modified {
				s.Version += ".dirty"
			}
		default:
			s.Version = "devel"
		}
	}
	if s.Revision == "" && revision != "" {
		s.Revision = revision
		if modified {
			s.Revision += "-modified"
		}
	}
	if s.BuildDate == "" && vcsTime != "" {
		// The commit time, in the layout promu stamps (20060102-15:04:05).
		if t, err := time.Parse(time.RFC3339, vcsTime); err == nil {
			s.BuildDate = t.UTC().Format("20060102-15:04:05")
		}
	}
	return s
}

// stampVersion completes github.com/prometheus/common/version from the binary's build info
// when -ldflags did not set it, so that no build reports an empty version. run calls it before
// anything reads the version; only the first call writes (tests run the exporter many times).
var stampVersion = sync.OnceFunc(func() {
	bi, _ := debug.ReadBuildInfo()
	s := stampFromBuildInfo(buildStamp{
		Version: version.Version, Revision: version.Revision, Branch: version.Branch,
		BuildUser: version.BuildUser, BuildDate: version.BuildDate,
	}, bi)
	version.Version, version.Revision, version.Branch = s.Version, s.Revision, s.Branch
	version.BuildUser, version.BuildDate = s.BuildUser, s.BuildDate
})
