package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/alecthomas/kingpin/v2"
)

var update = flag.Bool("update", false, "rewrite the flags table of docs/configuration.md")

const (
	configurationDoc = "../../docs/configuration.md"
	tableStart       = "<!-- flags table: generated from the flags by `go test ./cmd/azuremfa_exporter -run TestConfigurationDoc -update`; do not edit by hand -->\n"
	tableEnd         = "<!-- end of the flags table -->\n"
)

// flagsTable renders every flag of the application, the exporter toolkit's and promslog's
// included, as a Markdown table: name, default (per system where it differs), allowed
// values, meaning.
func flagsTable(t *testing.T) string {
	models := map[string]*kingpin.ApplicationModel{}
	for _, goos := range []string{"linux", "windows"} {
		models[goos] = newApp(&options{}, goos).Model()
	}
	defaults := func(goos, name string) string {
		for _, f := range models[goos].Flags {
			if f.Name == name {
				return strings.Join(f.Default, ", ")
			}
		}
		return ""
	}
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	code := func(s string) string {
		if strings.Contains(s, "`") {
			return "`` " + s + " ``"
		}
		return "`" + s + "`"
	}
	var b strings.Builder
	b.WriteString("| flag | default | allowed | meaning |\n|---|---|---|---|\n")
	for _, f := range models["linux"].Flags {
		if f.Hidden {
			continue
		}
		name := "--" + f.Name
		if f.IsBoolFlag() && f.Name != "help" && f.Name != "version" {
			name = "--[no-]" + f.Name
		}
		name = code(name)
		if f.Short != 0 {
			name = code("-"+string(f.Short)) + ", " + name
		}
		def := "none"
		switch linux, windows := defaults("linux", f.Name), defaults("windows", f.Name); {
		case f.Name == "help" || f.Name == "version":
			def = ""
		case f.Name == "log.file": // chosen at start: newLogOutput
			def = "`stderr`; `eventlog` as a Windows service"
		case f.IsBoolFlag() && linux == "":
			def = "off"
		case linux != windows:
			def = fmt.Sprintf("Windows: %s; elsewhere: %s", orNone(windows, code), orNone(linux, code))
		case linux != "":
			def = code(linux)
		}
		allow := allowed(f.Name)
		if allow == "" && f.Name != "help" && f.Name != "version" {
			t.Errorf("--%s has no allowed values: add them to allowed() in validate.go", f.Name)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, cell(def), cell(allow), cell(f.Help))
	}
	return b.String()
}

func orNone(s string, code func(string) string) string {
	if s == "" {
		return "none"
	}
	return code(s)
}

// TestConfigurationDoc: the flags table in docs/configuration.md is the application's flags,
// with their defaults and allowed values; -update rewrites it.
func TestConfigurationDoc(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the table is generated on Linux: --web.systemd-socket exists only there")
	}
	data, err := os.ReadFile(configurationDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, tableStart), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers of the flags table", configurationDoc)
	}
	want := flagsTable(t)
	got := doc[i+len(tableStart) : j]
	if got == want {
		return
	}
	if *update {
		doc = doc[:i+len(tableStart)] + want + doc[j:]
		if err := os.WriteFile(configurationDoc, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	gotRows, wantRows := strings.Split(got, "\n"), strings.Split(want, "\n")
	for k := range max(len(gotRows), len(wantRows)) {
		var g, w string
		if k < len(gotRows) {
			g = gotRows[k]
		}
		if k < len(wantRows) {
			w = wantRows[k]
		}
		if g != w {
			t.Errorf("%s: the flags table differs from the flags at row %d:\n got %s\nwant %s\n(run go test ./cmd/azuremfa_exporter -run TestConfigurationDoc -update)",
				filepath.Base(configurationDoc), k, g, w)
			break
		}
	}
}
