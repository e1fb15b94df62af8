package follow

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
)

// shiftAll renames path.k to path.k+1 for every rolled file, newest last, then path to path.1:
// a rename rotation that keeps every old file.
func shiftAll(t *testing.T, path string) {
	t.Helper()
	n := 1
	for {
		if _, err := os.Stat(fmt.Sprintf("%s.%d", path, n)); err != nil {
			break
		}
		n++
	}
	for k := n - 1; k >= 1; k-- {
		if err := os.Rename(fmt.Sprintf("%s.%d", path, k), fmt.Sprintf("%s.%d", path, k+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
}

// TestResumeAfterRolloversWhileDown: the position was saved in F1; F1 rolled over (F2 begun)
// before the next save, the process died, and while it was down F2 rolled over too (F3
// begun). On restart F1 is drained from the saved byte, then F2 whole, then F3: every
// generation written since the saved position, oldest first.
func TestResumeAfterRolloversWhileDown(t *testing.T) {
	for _, f1Kept := range []bool{true, false} {
		t.Run(fmt.Sprintf("f1-kept=%v", f1Kept), func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(10)
			cfg := Config{Path: path, Poll: true, FromStart: true}
			r := start(t, cfg)
			r.waitLines(10)
			r.stop() // the saved position: end of F1's first 10 lines
			w.lines(3)
			shiftAll(t, path)
			w.lines(2) // late lines through F1's handle
			w.create() // F2
			w.lines(10)
			shiftAll(t, path) // F1 at .2, F2 at .1
			w.create()        // F3
			w.lines(10)
			if !f1Kept {
				if err := os.Remove(path + ".2"); err != nil {
					t.Fatal(err)
				}
			}
			r2 := restart(t, r, cfg)
			want := w.next - 10
			if !f1Kept {
				want -= 5
			}
			r2.waitLines(want)
			r2.look()
			r2.look()
			lost, doubled, bad := check(t, append(r.got(), r2.got()...), w, nil)
			wantLost := 0
			if !f1Kept {
				wantLost = 5 // written to F1 after the save, and F1 is gone
			}
			if lost != wantLost || doubled+bad != 0 {
				t.Errorf("lost %d (want %d), doubled %d, corrupt %d", lost, wantLost, doubled, bad)
			}
		})
	}
}

// TestCheckpointAfterResumeAndRollover: the follower asks for a save right after a resume
// and after every rollover, with its position already in the new file.
func TestCheckpointAfterResumeAndRollover(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(5)
	var calls atomic.Int32
	var seen atomic.Value
	cfg := Config{Path: path, Poll: true, FromStart: true}
	r := start(t, cfg)
	r.waitLines(5)
	r.stop()
	saved := r.f.Position()
	w.lines(2)
	shiftAll(t, path)
	w.create()
	w.lines(3)
	var tl *tailer
	cfg.Resume = &saved
	cfg.Checkpoint = func() {
		calls.Add(1)
		seen.Store(tl.position())
	}
	r2 := startHooked(t, cfg, func(x *tailer) { tl = x })
	r2.waitLines(5)
	r2.look()
	if n := calls.Load(); n < 1 {
		t.Fatalf("no checkpoint after the resume")
	}
	id, _ := statPath(path)
	if p := seen.Load().(Position); p.Identity != id.id.String() {
		t.Errorf("position at the last checkpoint is %+v; want in the new file %s", p, id.id)
	}
	before := calls.Load()
	shiftAll(t, path)
	w.create()
	w.lines(1)
	r2.waitLines(6)
	r2.look()
	if calls.Load() == before {
		t.Errorf("no checkpoint after a rollover")
	}
}

// TestStopDuringMiddleFile: a stop that arrives while a middle file is being read leaves the
// position in that file; a restart finds it by identity, finishes it and reads on.
func TestStopDuringMiddleFile(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(5)
	cfg := Config{Path: path, Poll: true, FromStart: true}
	wake := make(chan struct{})
	cfg.Wake = wake
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	var middleFirst atomic.Int64
	middleFirst.Store(-1)
	done := make(chan error, 1)
	go func() {
		done <- f.Run(ctx, func(b []byte) {
			got = append(got, string(b))
			if int64(len(got)) == middleFirst.Load()+1 {
				cancel() // the first line of the middle file: stop now
			}
		})
	}()
	wake <- struct{}{} // one look done: the 5 lines are read
	wake <- struct{}{}
	rotate(t, w, rRename, false)
	middleFirst.Store(int64(w.next))
	w.lines(4)
	rotate(t, w, rRename, false) // the middle file is at .1 now, never looked at
	w.lines(3)
	for stopped := false; !stopped; {
		select {
		case wake <- struct{}{}:
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			stopped = true
		}
	}
	middleID, err := statPath(path + ".1")
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Position(); p.Identity != middleID.id.String() {
		t.Fatalf("stopped in the middle file, position %+v; want in it (%s)", p, middleID.id)
	}
	r2 := restart(t, &running{t: t, f: f, ended: true}, Config{Path: path, Poll: true, FromStart: true})
	r2.waitLines(w.next - len(got))
	r2.look()
	if lost, doubled, bad := check(t, append(got, r2.got()...), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}
