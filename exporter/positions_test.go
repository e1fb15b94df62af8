package exporter

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// TestPositionsFollowAnotherSpelling: stopped with the log given as a relative path,
// restarted with the absolute path (or through a symbolic link to its folder): the lines
// written meanwhile are read, not skipped.
func TestPositionsFollowAnotherSpelling(t *testing.T) {
	for _, second := range []string{"absolute", "through a folder link"} {
		t.Run(second, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if err := os.Mkdir("logs", 0o755); err != nil {
				t.Fatal(err)
			}
			rel := filepath.Join("logs", "MultiFactorAuthRadiusSvc.log")
			positions := filepath.Join(dir, "positions.json")
			appendTo(t, rel, radiusLines(0, 4))
			first := startExporter(t, Config{
				Logs:   []LogFile{{Name: LogRadius, Path: rel}},
				Follow: FollowConfig{FromStart: true, PositionsFile: positions, PositionsInterval: time.Hour},
			})
			waitUntil(t, "4 lines", func() bool { return first.count(LogRadius) == 4 })
			first.stop(t)
			appendTo(t, rel, radiusLines(4, 3)) // written while stopped

			path := filepath.Join(dir, rel)
			if second != "absolute" {
				link := filepath.Join(t.TempDir(), "mfa")
				if err := os.Symlink(filepath.Join(dir, "logs"), link); err != nil {
					t.Skip("cannot make a symbolic link here:", err)
				}
				path = filepath.Join(link, "MultiFactorAuthRadiusSvc.log")
			}
			again := startExporter(t, Config{
				Logs:   []LogFile{{Name: LogRadius, Path: path}},
				Follow: FollowConfig{PositionsFile: positions, PositionsInterval: time.Hour},
			})
			waitUntil(t, "the 3 lines written while stopped", func() bool { return again.count(LogRadius) == 3 })
		})
	}
}

// TestPositionsKeepEntriesOfNoLog: an entry that matches no configured log is said and kept
// in the file, not dropped.
func TestPositionsKeepEntriesOfNoLog(t *testing.T) {
	dir := t.TempDir()
	positions := filepath.Join(dir, "positions.json")
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendTo(t, radius, radiusLines(0, 2))
	gone := follow.Position{Path: filepath.Join(dir, "elsewhere", "MultiFactorAuthIisNm.log"), Identity: "7:8", Offset: 42}
	if err := follow.SavePositions(positions, []follow.Position{gone}); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e, err := New(Config{
		Logs:     []LogFile{{Name: LogRadius, Path: radius}},
		Follow:   FollowConfig{FromStart: true, PositionsFile: positions},
		Pipeline: testPipelineConfig(),
	}, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "entry for no configured log") || !strings.Contains(logs.String(), gone.Path) {
		t.Errorf("the unmatched entry was not reported:\n%s", logs.String())
	}
	if err := e.SavePositions(); err != nil {
		t.Fatal(err)
	}
	got, _, err := follow.LoadPositions(positions)
	if err != nil {
		t.Fatal(err)
	}
	if p := got[gone.Path]; p.Identity != gone.Identity || p.Offset != gone.Offset {
		t.Errorf("entry of no configured log after a save: %+v, want kept as %+v", p, gone)
	}
}

// TestPositionsUnusableEntrySaid: an entry the exporter cannot use (a negative offset, hand
// edited or written by something else) is named in a warning, not dropped without a word; its
// log is read as if it had no entry.
func TestPositionsUnusableEntrySaid(t *testing.T) {
	dir := t.TempDir()
	positions := filepath.Join(dir, "positions.json")
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendTo(t, radius, radiusLines(0, 2))
	body := `{"version":1,"positions":[{"path":` + strconv.Quote(radius) + `,"identity":"1:2","offset":-5}]}`
	if err := os.WriteFile(positions, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	if _, err := New(Config{
		Logs:     []LogFile{{Name: LogRadius, Path: radius}},
		Follow:   FollowConfig{FromStart: true, PositionsFile: positions},
		Pipeline: testPipelineConfig(),
	}, prometheus.NewRegistry(), slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "Ignoring an entry of the positions file") || !strings.Contains(logs.String(), "negative offset -5") {
		t.Errorf("the unusable entry was not reported:\n%s", logs.String())
	}
}
