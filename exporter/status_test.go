package exporter

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/promslog"
)

type fakeInfo struct {
	fs.FileInfo
	mode fs.FileMode
}

func (f fakeInfo) Mode() fs.FileMode { return f.mode }

func TestWaitingReason(t *testing.T) {
	regular, dir := fakeInfo{mode: 0o644}, fakeInfo{mode: fs.ModeDir | 0o755}
	pathErr := func(err error) error { return &fs.PathError{Op: "open", Path: `C:\Logs\x.log`, Err: err} }
	for _, tc := range []struct {
		name    string
		info    fs.FileInfo
		statErr error
		openErr error
		want    string
	}{
		{"missing", nil, pathErr(syscall.ENOENT), nil, WaitingMissing},
		{"directory not searchable", nil, pathErr(syscall.EACCES), nil, WaitingPermissionDenied},
		{"a directory at the path", dir, nil, nil, WaitingNotRegular},
		{"a file it may not read", regular, nil, pathErr(fs.ErrPermission), WaitingPermissionDenied},
		{"another error, without the path", regular, nil, pathErr(errors.New("the file is locked")), "the file is locked"},
		{"readable", regular, nil, nil, WaitingNotOpenedYet},
	} {
		stat := func(string) (fs.FileInfo, error) { return tc.info, tc.statErr }
		open := func(string) error { return tc.openErr }
		if got := waitingReason(`C:\Logs\x.log`, stat, open); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestStatus follows a real file while other logs are missing or not files, and checks what
// Status reports for each against what was written.
func TestStatus(t *testing.T) {
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	lines := "2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\\pnigam', '', 1)\n" +
		"this line has no layout\n" +
		"2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|authResult = 1\n" +
		"2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21\n"
	if err := os.WriteFile(radius, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	notAFile := filepath.Join(dir, "service")
	if err := os.Mkdir(notAFile, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Logs: []LogFile{
			{Name: LogRadius, Path: radius},
			{Name: LogIIS, Path: filepath.Join(dir, "MultiFactorAuthIisNm.log")},
			{Name: LogService, Path: notAFile},
		},
		Follow:   FollowConfig{FromStart: true, Poll: true, PollInterval: 10 * time.Millisecond},
		Pipeline: testPipelineConfig(),
	}
	e, err := New(cfg, prometheus.NewRegistry(), promslog.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	before := e.Status()
	if len(before) != 3 || before[0].Followed || before[0].Waiting != WaitingNotOpenedYet || before[0].Lines != 0 {
		t.Errorf("before Run: %+v", before)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	want := []LogStatus{
		{Name: LogRadius, Path: radius, Followed: true, Lines: 4, Malformed: 1,
			LastEntry: time.Date(2017, 2, 14, 2, 57, 24, 600871000, time.UTC)},
		{Name: LogIIS, Path: cfg.Logs[1].Path, Waiting: WaitingMissing},
		{Name: LogService, Path: notAFile, Waiting: WaitingNotRegular, ReadErrors: 1},
	}
	// The follower counts a line in steps (read, then malformed, then its time), so the
	// status is polled until it all agrees, or the deadline passes.
	var diffs []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		diffs = diffs[:0]
		got := e.Status()
		for i := range want {
			g, w := got[i], want[i]
			if g.Name != w.Name || g.Path != w.Path || g.Followed != w.Followed || g.Waiting != w.Waiting ||
				g.Lines != w.Lines || g.Malformed != w.Malformed || g.ReadErrors != w.ReadErrors ||
				g.LastEntry.Sub(w.LastEntry).Abs() > time.Microsecond {
				diffs = append(diffs, fmt.Sprintf("log %s:\n got %+v\nwant %+v", w.Name, g, w))
			}
		}
		if len(diffs) == 0 {
			return
		}
	}
	t.Error(strings.Join(diffs, "\n"))
}
