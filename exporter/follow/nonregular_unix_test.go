//go:build unix

package follow

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFIFOAtPath: a FIFO at the log path is refused once, with a read error, never opened
// for reading (which would block until a writer came); the follower keeps looking and
// follows a regular file that takes its place, from 0.
func TestFIFOAtPath(t *testing.T) {
	path := tempLog(t)
	mkfifo(t, path)
	logs := &logCounter{}
	r := start(t, Config{Path: path, Poll: true, Logger: slog.New(logs)})
	for range 10 {
		r.look()
	}
	r.stillRunning()
	if n := r.obs.get(func(o *recObserver) int { return o.readErrors }); n != 1 {
		t.Errorf("ReadError called %d times over 10 polls, want 1", n)
	}
	if errs := r.obs.errs; len(errs) == 0 || !errors.Is(errs[0], errNotRegular) {
		t.Errorf("errors %v, want not a regular file", errs)
	}
	if n := logs.count("WARN cannot read log file"); n != 1 {
		t.Errorf("FIFO logged %d times over 10 polls, want once: %v", n, logs.msgs)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(4)
	r.waitLines(4)
	r.look()
	if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}

// TestFIFORaceNeverBlocks: the path looked like a regular file, but a FIFO is there when it
// is opened. The open must not wait for a writer: the follower reports the error and stops
// promptly when asked.
func TestFIFORaceNeverBlocks(t *testing.T) {
	path := tempLog(t)
	mkfifo(t, path)
	r := startHooked(t, Config{Path: path, Poll: true, FromStart: true}, func(tl *tailer) {
		tl.stat = func(string) (pathStat, error) { return pathStat{id: fileID{1, 2}}, nil } // "a regular file"
	})
	r.look()
	r.look()
	if n := r.obs.get(func(o *recObserver) int { return o.readErrors }); n != 1 {
		t.Errorf("ReadError called %d times, want 1", n)
	}
	r.stop() // fails the test if Run is stuck in open
}

// TestOneShotFIFO: replaying a FIFO is an error at once, not a wait for a writer.
func TestOneShotFIFO(t *testing.T) {
	path := tempLog(t)
	mkfifo(t, path)
	f, err := New(Config{Path: path, OneShot: true})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Run(context.Background(), func([]byte) {}) }()
	select {
	case err := <-done:
		if !errors.Is(err, errNotRegular) {
			t.Errorf("one-shot on a FIFO: %v, want not a regular file", err)
		}
	case <-time.After(deadline):
		// Unblock the open so the goroutine ends.
		if w, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			_ = w.Close() // opened only to unblock the follower's open
		}
		t.Fatal("one-shot on a FIFO did not return")
	}
}

// TestPathBecomesSymlinkLoop: the path turns into a symbolic link loop while its file is
// held and still read: one warning and one read error for the whole time, not one per
// poll, and one line when it is fixed.
func TestPathBecomesSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.log")
	path := filepath.Join(dir, "MultiFactorAuthSvc.log")
	w := newWriter(t, target, cCRLF)
	defer w.close()
	w.lines(3)
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	logs := &logCounter{}
	r := start(t, Config{Path: path, Poll: true, FromStart: true, Logger: slog.New(logs)})
	r.waitLines(3)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path, path); err != nil { // a loop: stat says ELOOP
		t.Fatal(err)
	}
	for range 10 {
		r.look()
	}
	if n := r.obs.get(func(o *recObserver) int { return o.readErrors }); n != 1 {
		t.Errorf("ReadError called %d times over 10 polls, want 1", n)
	}
	if n := logs.count("WARN cannot read log file"); n != 1 {
		t.Errorf("%d warnings over 10 polls, want 1: %v", n, logs.msgs)
	}
	w.lines(2) // the held file is still read
	r.waitLines(5)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	r.look()
	r.look()
	if n := logs.count("INFO log file readable again"); n != 1 {
		t.Errorf("recovery logged %d times, want 1: %v", n, logs.msgs)
	}
}

// TestFolderPermissionRemoved: the log's folder loses its permissions while the file is
// held: one warning and one read error, not one per poll. Needs a user that permissions
// apply to (.ci/run runs it as one).
func TestFolderPermissionRemoved(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: root can look into a folder without permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "MultiFactorAuthSvc.log")
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(3)
	logs := &logCounter{}
	r := start(t, Config{Path: path, Poll: true, FromStart: true, Logger: slog.New(logs)})
	r.waitLines(3)
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // before TempDir removes it
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Error(err)
		}
	})
	for range 10 {
		r.look()
	}
	if n := r.obs.get(func(o *recObserver) int { return o.readErrors }); n != 1 {
		t.Errorf("ReadError called %d times over 10 polls, want 1", n)
	}
	if n := logs.count("WARN cannot read log file"); n != 1 {
		t.Errorf("%d warnings over 10 polls, want 1: %v", n, logs.msgs)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w.lines(2)
	r.waitLines(5)
	r.look()
	if n := logs.count("INFO log file readable again"); n != 1 {
		t.Errorf("recovery logged %d times, want 1", n)
	}
}
