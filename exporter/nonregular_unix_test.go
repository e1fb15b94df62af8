//go:build unix

package exporter

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// TestOneShotFIFO: replaying a log whose path is a FIFO is an error for that log, counted,
// and the others are still read; it never waits for a writer.
func TestOneShotFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "MultiFactorAuthIisNm.log")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	logs := []LogFile{
		{Name: LogRadius, Path: filepath.Join(sampleDir, "MultiFactorAuthRadiusSvc.log")},
		{Name: LogIIS, Path: fifo},
	}
	reg := prometheus.NewRegistry()
	e, err := New(Config{Logs: logs, Follow: FollowConfig{OneShot: true}, Pipeline: testPipelineConfig()}, reg, promslog.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.Run(context.Background()) }()
	select {
	case err = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("one-shot replay of a FIFO hangs")
	}
	if err == nil || !strings.Contains(err.Error(), "iis") || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Run = %v, want an error for the iis log: not a regular file", err)
	}
	if n := testutil.ToFloat64(e.logs[1].metrics.readErrors); n != 1 {
		t.Errorf("read errors of the FIFO log = %v, want 1", n)
	}
	if n := testutil.ToFloat64(e.logs[0].metrics.lines); n == 0 {
		t.Errorf("the radius log was not replayed")
	}
}

// TestSIGTERMWithFIFOLog: the real binary with a FIFO configured as one log refuses it (one
// read error, never a blocked open), follows the other, and on SIGTERM exits promptly with
// the other log's position saved.
func TestSIGTERMWithFIFOLog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	fifo := filepath.Join(dir, "MultiFactorAuthIisNm.log")
	positions := filepath.Join(dir, "positions.json")
	appendTo(t, radius, radiusLines(0, 3))
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	x := startBinary(t, buildExporter(t), "--mfa.radius-log="+radius, "--mfa.iis-log="+fifo, "--tail.from-start",
		"--tail.positions-file="+positions, "--tail.poll", "--tail.poll-interval=10ms")
	if got := x.waitCount(t, 3); got != 3 {
		t.Fatalf("radius lines %d, want 3\n%s", got, x.logs())
	}
	waitUntil(t, "the FIFO refused", func() bool {
		return x.scrape(`azuremfa_exporter_log_read_errors_total{log="iis"}`) == 1
	})
	if err := x.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	defer func() { t.Logf("exited %v after SIGTERM", time.Since(sent)) }()
	done := make(chan error, 1)
	go func() { done <- x.cmd.Wait() }()
	select {
	case err := <-done:
		x.dead = true
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, x.logs())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("still running after SIGTERM\n%s", x.logs())
	}
	ps, _, err := follow.LoadPositions(positions)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(radius)
	if p := ps[radius]; p.Offset != st.Size() {
		t.Errorf("radius saved at %d, want its end %d", p.Offset, st.Size())
	}
	if !strings.Contains(x.logs(), "not a regular file") {
		t.Errorf("the FIFO was not reported:\n%s", x.logs())
	}
}
