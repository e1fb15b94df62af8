package exporter

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// radiusLines is n well-formed RADIUS log lines.
func radiusLines(first, n int) string {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "2026-11-23T08:%02d:%02d.000000Z|0|1412|%d|pfrad|hello %d\n", i/60%60, i%60, i, i)
	}
	return b.String()
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// waitUntil polls cond until it holds, failing after a generous deadline (never a timing
// assertion: only how long a failure takes to show).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// running is an exporter under test.
type running struct {
	e      *Exporter
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan error
}

func startExporter(t *testing.T, cfg Config) *running {
	t.Helper()
	if cfg.Pipeline.Correlator.Timeout == 0 {
		cfg.Pipeline = testPipelineConfig()
	}
	if cfg.Follow.PollInterval == 0 {
		cfg.Follow.PollInterval = 5 * time.Millisecond
	}
	cfg.Follow.Poll = true
	reg := prometheus.NewRegistry()
	e, err := New(cfg, reg, promslog.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{e: e, reg: reg, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- e.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after ctx was done")
	}
}

func (r *running) count(log string) int {
	for _, l := range r.e.logs {
		if l.Name == log {
			return int(testutil.ToFloat64(l.metrics.lines))
		}
	}
	return -1
}

// stuckFollower never returns from Run until released: a follower blocked in a system call.
type stuckFollower struct {
	release chan struct{}
	pos     follow.Position
}

func (s *stuckFollower) Run(context.Context, func([]byte)) error { <-s.release; return nil }
func (s *stuckFollower) Position() follow.Position               { return s.pos }

// TestStopNeverWaitsOnOneLog: a stop returns even while one follower is stuck, and positions
// are saved for every other log; the straggler keeps the position saved before.
func TestStopNeverWaitsOnOneLog(t *testing.T) {
	dir := t.TempDir()
	positions := filepath.Join(dir, "positions.json")
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	iis := filepath.Join(dir, "MultiFactorAuthIisNm.log")
	appendTo(t, radius, radiusLines(0, 5))
	saved := follow.Position{Path: iis, Identity: "1:2", Offset: 99}
	if err := follow.SavePositions(positions, []follow.Position{saved}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Logs:   []LogFile{{Name: LogRadius, Path: radius}, {Name: LogIIS, Path: iis}},
		Follow: FollowConfig{FromStart: true, PositionsFile: positions, PositionsInterval: time.Hour, StopGrace: 10 * time.Millisecond},
	}
	reg := prometheus.NewRegistry()
	e, err := New(cfg, reg, promslog.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	stuck := &stuckFollower{release: make(chan struct{})}
	defer close(stuck.release)
	e.logs[1].follower = stuck
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	waitUntil(t, "the radius log read", func() bool { return testutil.ToFloat64(e.logs[0].metrics.lines) == 5 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run waits on the stuck follower")
	}
	got, _, err := follow.LoadPositions(positions)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(radius)
	if p := got[radius]; p.Offset != st.Size() {
		t.Errorf("radius saved at %d, want its end %d", p.Offset, st.Size())
	}
	if p := got[iis]; p.Identity != saved.Identity || p.Offset != saved.Offset {
		t.Errorf("the stuck log saved as %+v, want its previous position %+v", p, saved)
	}
}

// TestCheckpointSavesRollover: a rollover is saved at once, not at the next periodic save.
func TestCheckpointSavesRollover(t *testing.T) {
	dir := t.TempDir()
	positions := filepath.Join(dir, "positions.json")
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendTo(t, radius, radiusLines(0, 3))
	r := startExporter(t, Config{
		Logs:   []LogFile{{Name: LogRadius, Path: radius}},
		Follow: FollowConfig{FromStart: true, PositionsFile: positions, PositionsInterval: time.Hour},
	})
	waitUntil(t, "3 lines", func() bool { return r.count(LogRadius) == 3 })
	if err := os.Rename(radius, radius+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(t, radius, radiusLines(3, 2))
	newID, err := follow.PathIdentity(radius)
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the new file in the positions file", func() bool {
		ps, _, err := follow.LoadPositions(positions)
		return err == nil && ps[radius].Identity == newID
	})
}

// TestPositionsWrittenOnlyWhenMoved: a save that would write the same offsets does not
// write (nor fsync) the file.
func TestPositionsWrittenOnlyWhenMoved(t *testing.T) {
	dir := t.TempDir()
	positions := filepath.Join(dir, "positions.json")
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendTo(t, radius, radiusLines(0, 3))
	r := startExporter(t, Config{
		Logs:   []LogFile{{Name: LogRadius, Path: radius}},
		Follow: FollowConfig{FromStart: true, PositionsFile: positions, PositionsInterval: time.Hour},
	})
	waitUntil(t, "3 lines", func() bool { return r.count(LogRadius) == 3 })
	if err := r.e.SavePositions(); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(positions)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := r.e.SavePositions(); err != nil {
			t.Fatal(err)
		}
	}
	if after, _ := os.Stat(positions); !os.SameFile(before, after) {
		t.Errorf("the positions file was written again with no offset moved")
	}
	appendTo(t, radius, radiusLines(3, 1))
	waitUntil(t, "4 lines", func() bool { return r.count(LogRadius) == 4 })
	if err := r.e.SavePositions(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(positions); os.SameFile(before, after) {
		t.Errorf("the positions file was not written after the offset moved")
	}
	r.stop(t)

	// A restart with nothing new to read writes nothing either.
	before, _ = os.Stat(positions)
	again := startExporter(t, Config{
		Logs:   []LogFile{{Name: LogRadius, Path: radius}},
		Follow: FollowConfig{PositionsFile: positions, PositionsInterval: time.Hour},
	})
	waitUntil(t, "the log opened", func() bool { return testutil.ToFloat64(again.e.logs[0].metrics.fileOpen) == 1 })
	if err := again.e.SavePositions(); err != nil {
		t.Fatal(err)
	}
	again.stop(t)
	if after, _ := os.Stat(positions); !os.SameFile(before, after) {
		t.Errorf("a restart that read nothing wrote the positions file")
	}
}

// TestOneFileUnderTwoNames: two log names for one file are refused, however the paths are
// spelled: through a symbolic link to the file or to its folder, or a hard link.
func TestOneFileUnderTwoNames(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendTo(t, file, radiusLines(0, 1))
	other := filepath.Join(dir, "other.log")
	appendTo(t, other, radiusLines(0, 1))
	links := map[string]func(string) error{
		"symlink":        func(p string) error { return os.Symlink(file, p) },
		"folder symlink": nil,
		"hard link":      func(p string) error { return os.Link(file, p) },
	}
	for name, link := range links {
		t.Run(name, func(t *testing.T) {
			alias := filepath.Join(t.TempDir(), "alias.log")
			if link == nil {
				d := filepath.Join(t.TempDir(), "logs")
				if err := os.Symlink(dir, d); err != nil {
					t.Skip("cannot make a symbolic link here:", err)
				}
				alias = filepath.Join(d, filepath.Base(file))
			} else if err := link(alias); err != nil {
				t.Skip("cannot make the link here:", err)
			}
			_, err := New(Config{Logs: []LogFile{{Name: LogRadius, Path: file}, {Name: LogIIS, Path: alias}}, Pipeline: testPipelineConfig()},
				prometheus.NewRegistry(), promslog.NewNopLogger())
			if err == nil || !strings.Contains(err.Error(), "one file") {
				t.Errorf("New with %s and its alias %s: %v; want refused as one file", file, alias, err)
			}
		})
	}
	if _, err := New(Config{Logs: []LogFile{{Name: LogRadius, Path: file}, {Name: LogIIS, Path: other}}, Pipeline: testPipelineConfig()},
		prometheus.NewRegistry(), promslog.NewNopLogger()); err != nil {
		t.Errorf("two different files refused: %v", err)
	}
}
