package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/azuremfa/azuremfa_exporter/loggen"
)

// TestRollOver: the generator's lines spread over the file and its rolled copies, every
// line whole and in order, none lost beyond what keep drops, each copy near the limit.
func TestRollOver(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	var want bytes.Buffer
	cfg := loggen.Config{Seed: 4, Lines: 3000, CRLF: true}
	if _, err := loggen.Generate(&want, cfg); err != nil {
		t.Fatal(err)
	}
	const limit = 64 << 10
	if err := run(cfg, path, limit, 100, 0, filepath.Join(dir, "expected.prom"), filepath.Join(dir, "users.csv")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	files := 0
	for i := 100; i >= 0; i-- {
		name := path
		if i > 0 {
			name = fmt.Sprintf("%s.%d", path, i)
		}
		b, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		files++
		if i > 0 && (len(b) < limit || len(b) > limit+512) {
			t.Errorf("%s holds %d bytes, want just past %d", name, len(b), limit)
		}
		if len(b) > 0 && !bytes.HasSuffix(b, []byte("\r\n")) {
			t.Errorf("%s ends inside a line", name)
		}
		got = append(got, b...)
	}
	if files < 3 {
		t.Fatalf("%d files: the log did not roll", files)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("the rolled files together are not the log")
	}
	users, err := os.ReadFile(filepath.Join(dir, "users.csv"))
	if err != nil || !strings.HasPrefix(string(users), "log,user,requests,duplicates,prompted_twice,") || strings.Count(string(users), "\nradius,") < 50 {
		t.Fatalf("users file: %v\n%.500s", err, users)
	}
	exp, err := os.ReadFile(filepath.Join(dir, "expected.prom"))
	if err != nil || !strings.Contains(string(exp), `azuremfa_exporter_log_lines_total{log="radius"} 3000`) {
		t.Fatalf("expected file: %v\n%s", err, exp)
	}
}

func TestRollKeepsOnlyKeep(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.log")
	if err := run(loggen.Config{Seed: 1, Lines: 2000}, path, 8<<10, 2, 0, "", ""); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + ".1", path + ".2"} {
		if _, err := os.Stat(name); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(path + ".3"); !os.IsNotExist(err) {
		t.Errorf("%s.3 kept beyond --roll-keep=2 (%v)", path, err)
	}
}

// TestPacerWaitsForEachLine uses a fake clock: at 100 lines/s the 50th line is due at
// 0.5 s, and every line has been flushed before the pacer waits.
func TestPacerWaitsForEachLine(t *testing.T) {
	var out bytes.Buffer
	s := &countingSink{w: &out}
	now := time.Unix(0, 0)
	var slept time.Duration
	p := &pacer{sink: s, rate: 100, start: now,
		now:   func() time.Time { return now.Add(slept) },
		sleep: func(d time.Duration) { slept += d; s.flushedAtSleep = append(s.flushedAtSleep, s.flushed) },
	}
	for i := range 50 {
		if _, err := fmt.Fprintf(p, "line %d\n", i); err != nil {
			t.Fatal(err)
		}
	}
	if slept != 500*time.Millisecond {
		t.Errorf("slept %v for 50 lines at 100/s, want 500ms", slept)
	}
	for i, n := range s.flushedAtSleep {
		if n != i {
			t.Fatalf("wait %d: %d lines flushed, want %d", i, n, i)
		}
	}
}

type countingSink struct {
	w              *bytes.Buffer
	pending        int
	flushed        int
	flushedAtSleep []int
}

func (c *countingSink) Write(p []byte) (int, error) { c.pending++; return c.w.Write(p) }
func (c *countingSink) Flush() error                { c.flushed += c.pending; c.pending = 0; return nil }

// TestCheckCompares: --check passes on an exact scrape and lists what differs otherwise.
func TestCheckCompares(t *testing.T) {
	dir := t.TempDir()
	exp := filepath.Join(dir, "expected.prom")
	if err := run(loggen.Config{Seed: 1, Lines: 500}, filepath.Join(dir, "x.log"), 0, 1, 0, exp, ""); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(exp)
	if err != nil {
		t.Fatal(err)
	}
	scrape := filepath.Join(dir, "scrape.prom")
	same := "# HELP x y\n" + string(want) + `azuremfa_exporter_build_info{version="1"} 1` + "\n"
	if err := os.WriteFile(scrape, []byte(same), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := compare(exp, scrape); err != nil || d != nil {
		t.Fatalf("same values: %v %v", d, err)
	}
	changed := strings.Replace(same, `azuremfa_exporter_log_lines_total{log="radius"} 500`, `azuremfa_exporter_log_lines_total{log="radius"} 499`, 1)
	if err := os.WriteFile(scrape, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := compare(exp, scrape); err != nil || len(d) != 1 || !strings.Contains(d[0], "want 500, got 499") {
		t.Fatalf("one value changed: %v %v", d, err)
	}
	if _, err := compare("", scrape); err == nil {
		t.Error("--check without --expected: no error")
	}
}
