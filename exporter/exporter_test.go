package exporter

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// TestPositionsKeepLogsNotSeenThisRun: a log that is missing during a whole run keeps the
// position the previous run saved, so that it resumes there when it comes back.
func TestPositionsKeepLogsNotSeenThisRun(t *testing.T) {
	dir := t.TempDir()
	positions := filepath.Join(dir, "positions.json")
	present := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	away := filepath.Join(dir, "MultiFactorAuthIisNm.log")
	if err := os.WriteFile(present, []byte("2026-11-23T08:00:00Z|0|1|1|pfrad|hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := follow.Position{Path: away, Identity: "1:2", Offset: 1234}
	if err := follow.SavePositions(positions, []follow.Position{saved}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Logs:     []LogFile{{Name: LogRadius, Path: present}, {Name: LogIIS, Path: away}},
		Follow:   FollowConfig{FromStart: true, PositionsFile: positions, PollInterval: 10 * time.Millisecond},
		Pipeline: testPipelineConfig(),
	}
	e, err := New(cfg, prometheus.NewRegistry(), promslog.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	// Stop once the present log has been read to its end (whatever the machine's speed).
	deadline := time.Now().Add(10 * time.Second)
	for e.logs[0].follower.Position().Offset == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got, _, err := follow.LoadPositions(positions)
	if err != nil {
		t.Fatal(err)
	}
	if p := got[away]; p.Identity != saved.Identity || p.Offset != saved.Offset {
		t.Errorf("position of the missing log = %+v, want the saved %+v", p, saved)
	}
	if p := got[present]; p.Identity == "" || p.Offset == 0 {
		t.Errorf("position of the present log = %+v, want its identity and end", p)
	}
}
