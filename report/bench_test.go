package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/azuremfa/azuremfa_exporter/loggen"
)

// BenchmarkBuild is the report of a generated RADIUS log of 200,000 lines, end to end: files,
// follower, parser, correlator and the report's sink. Its ns/op divided by 200,000 is the cost
// of a line.
func BenchmarkBuild(b *testing.B) {
	p := filepath.Join(b.TempDir(), "MultiFactorAuthRadiusSvc.log")
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := loggen.Generate(f, loggen.Config{Seed: 1, Lines: 200000, Kind: loggen.KindRadius, Malformed: 0.0001, CRLF: true}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	opts := Options{Logs: []Log{{Name: "radius", Path: p}}}
	b.ReportAllocs()
	for b.Loop() {
		build(b, opts)
	}
}
