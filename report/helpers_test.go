package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/azuremfa/azuremfa_exporter/exporter"
	"github.com/azuremfa/azuremfa_exporter/loggen"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// generated is a set of generated logs with what the generator says of them.
type generated struct {
	key    genKey
	dir    string
	logs   []Log
	data   map[string][]byte
	expect loggen.Expected
	truth  map[string]*loggen.Truth
}

var logFileName = map[loggen.Kind]string{
	loggen.KindRadius:  "MultiFactorAuthRadiusSvc.log",
	loggen.KindIIS:     "MultiFactorAuthIisNm.log",
	loggen.KindService: "MultiFactorAuthSvc.log",
	loggen.KindSyslog:  "syslog",
}

// genCache keeps the generated logs of a configuration, shared by the tests that read them.
var genCache sync.Map

type genKey struct {
	lines     int
	malformed float64
	seed      uint64
}

// generate writes a log of every kind (lines each) into a fresh folder; the bytes and the
// truth are generated once per configuration and test binary.
func generate(t testing.TB, lines int, malformed float64) *generated {
	t.Helper()
	key := genKey{lines, malformed, 5}
	v, ok := genCache.Load(key)
	if !ok {
		g := &generated{data: map[string][]byte{}, expect: loggen.Expected{}, truth: map[string]*loggen.Truth{}}
		for _, k := range loggen.Kinds {
			var buf bytes.Buffer
			exp, truth, err := loggen.GenerateTruth(&buf, loggen.Config{Seed: key.seed + uint64(len(k)), Lines: lines, Kind: k,
				Malformed: malformed, CRLF: k == loggen.KindIIS, Users: 800})
			if err != nil {
				t.Fatal(err)
			}
			g.data[string(k)] = buf.Bytes()
			g.truth[string(k)] = truth
			for s, n := range exp {
				g.expect[s] = n
			}
		}
		v, _ = genCache.LoadOrStore(key, g)
	}
	src := v.(*generated)
	g := &generated{key: key, dir: t.TempDir(), data: src.data, expect: src.expect, truth: src.truth}
	for _, k := range loggen.Kinds {
		p := filepath.Join(g.dir, logFileName[k])
		if err := os.WriteFile(p, g.data[string(k)], 0o644); err != nil {
			t.Fatal(err)
		}
		g.logs = append(g.logs, Log{Name: string(k), Path: p})
	}
	return g
}

// options are the report's options for the logs, with the generator's rules.
func (g *generated) options() Options {
	return Options{Logs: g.logs, Pipeline: exporter.PipelineConfig{Correlator: logparse.CorrelatorConfig{
		Timeout: 5 * time.Minute, DuplicateWindow: 30 * time.Second}}}
}

// reportCache keeps the report of a generated configuration with the default options, which
// several tests read (and none modifies).
var reportCache sync.Map

// report is the report of g with its default options, built once per configuration.
func (g *generated) report(t testing.TB) *Report {
	t.Helper()
	key := g.key
	if r, ok := reportCache.Load(key); ok {
		return r.(*Report)
	}
	r, _ := reportCache.LoadOrStore(key, build(t, g.options()))
	return r.(*Report)
}

func build(t testing.TB, opts Options) *Report {
	t.Helper()
	r, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sampleDir is the repository's sample logs.
const sampleDir = "../testdata/sample"

func sampleOptions() Options {
	var logs []Log
	for _, f := range []struct{ name, file string }{{"radius", "MultiFactorAuthRadiusSvc.log"}, {"iis", "MultiFactorAuthIisNm.log"},
		{"service", "MultiFactorAuthSvc.log"}, {"syslog", "syslog.log"}} {
		logs = append(logs, Log{Name: f.name, Path: filepath.Join(sampleDir, f.file)})
	}
	return Options{Logs: logs, Pipeline: exporter.PipelineConfig{SyslogYear: 2026}, Top: 20}
}
