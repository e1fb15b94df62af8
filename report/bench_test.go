package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// reportOfUsers is a report of 50,000 users.
func reportOfUsers() *Report {
	r := &Report{Coverage: map[string]*Coverage{}, Summary: map[string]*Summary{}}
	t := time.Date(2026, 11, 23, 8, 0, 0, 123456000, time.UTC)
	for i := range 50000 {
		r.Users = append(r.Users, UserRow{Log: "radius", User: fmt.Sprintf("user%d@contoso.com", i),
			Counts: Counts{Requests: int64(i % 97), Failures: int64(i % 7), FirstSeen: &t, LastSeen: &t}})
	}
	return r
}

// BenchmarkWriteJSON writes the JSON of a report of 50,000 users: the users table is most of
// a report's JSON.
func BenchmarkWriteJSON(b *testing.B) {
	r := reportOfUsers()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteCSV writes the users table of 50,000 users in CSV.
func BenchmarkWriteCSV(b *testing.B) {
	r := reportOfUsers()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteCSV(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
