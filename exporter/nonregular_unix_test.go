//go:build unix

package exporter

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/promslog"
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
