package follow

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// logCounter counts log records by level, to prove "logged once, not once
// a poll".
type logCounter struct {
	mu   sync.Mutex
	msgs []string
}

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	c.mu.Lock()
	c.msgs = append(c.msgs, r.Level.String()+" "+r.Message)
	c.mu.Unlock()
	return nil
}
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *logCounter) WithGroup(string) slog.Handler      { return c }

func (c *logCounter) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.msgs {
		if strings.HasPrefix(m, prefix) {
			n++
		}
	}
	return n
}

func (r *running) stillRunning() {
	r.t.Helper()
	select {
	case err := <-r.done:
		r.t.Fatalf("Run returned early: %v", err)
	default:
	}
}

func TestMissingFile(t *testing.T) {
	path := tempLog(t)
	logs := &logCounter{}
	r := start(t, Config{Path: path, Poll: true, Logger: slog.New(logs)})
	for range 10 {
		r.look()
	}
	if n := r.obs.get(func(o *recObserver) int { return o.missing }); n != 1 {
		t.Errorf("Missing() called %d times over 10 polls, want 1", n)
	}
	if n := logs.count("INFO log file missing"); n != 1 {
		t.Errorf("missing file logged %d times over 10 polls, want once: %v", n, logs.msgs)
	}
	r.stillRunning()
	// It appears later: read from 0, even though FromStart is false.
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(3)
	r.waitLines(3)
	// Deleted again: one more transition to missing, then back.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	for range 2*goneGrace + 2 {
		r.look()
	}
	if n := r.obs.get(func(o *recObserver) int { return o.missing }); n != 2 {
		t.Errorf("Missing() called %d times after one deletion, want 2", n)
	}
	w.create()
	w.lines(2)
	r.waitLines(5)
	r.look()
	if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}

func TestPermissionDenied(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("chmod on Windows only sets the read-only attribute: permission denied cannot be produced this way")
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root: root can read a file without read permission, so permission denied cannot be produced")
	}
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(3)
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	logs := &logCounter{}
	r := start(t, Config{Path: path, Poll: true, FromStart: true, Logger: slog.New(logs)})
	for range 10 {
		r.look()
	}
	r.stillRunning()
	if n := r.obs.get(func(o *recObserver) int { return o.readErrors }); n != 1 {
		t.Errorf("ReadError called %d times over 10 polls, want 1", n)
	}
	if n := logs.count("WARN"); n != 1 {
		t.Errorf("%d warnings over 10 polls, want 1", n)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	r.waitLines(3) // readable again: not present-at-start any more, so from 0
}

func TestDirectoryAtPath(t *testing.T) {
	path := tempLog(t)
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	logs := &logCounter{}
	r := start(t, Config{Path: path, Poll: true, Logger: slog.New(logs)})
	for range 10 {
		r.look()
	}
	r.stillRunning()
	if n := r.obs.get(func(o *recObserver) int { return o.readErrors }); n != 1 {
		t.Errorf("ReadError called %d times over 10 polls, want 1", n)
	}
	if n := logs.count("WARN cannot read log file"); n != 1 {
		t.Errorf("directory logged %d times over 10 polls, want once: %v", n, logs.msgs)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(4)
	r.waitLines(4)
}

func TestLineTooLong(t *testing.T) {
	for _, c := range []content{cCRLF, cUTF16} {
		t.Run(string(c), func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, c)
			defer w.close()
			w.lines(1)
			long := w.encode(strings.Repeat("x", 10<<20)) // 10 MiB (20 MiB in UTF-16)
			w.raw(long[:len(long)/3])                     // in pieces, read in between
			r := start(t, Config{Path: path, Poll: true, FromStart: true})
			r.waitRead(w.written)
			w.raw(long[len(long)/3:])
			w.lines(2)
			r.waitLines(3)
			r.look()
			r.stop()
			if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
				t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
			}
			if n := r.obs.get(func(o *recObserver) int { return o.tooLong }); n != 1 {
				t.Errorf("LineTooLong called %d times, want 1", n)
			}
			tl := r.f.r.(*tailer)
			if got, limit := cap(tl.lr.buf), tl.lr.maxBuffer(); got > limit || limit > defaultMaxLineBytes+chunkSize+4 {
				t.Errorf("buffer grew to %d bytes; cap is %d", got, limit)
			}
		})
	}
}

func TestLineLengthBoundary(t *testing.T) {
	path := tempLog(t)
	body := strings.Repeat("a", 100) + "\r\n" + strings.Repeat("b", 101) + "\r\n" + "c\r\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	r := start(t, Config{Path: path, OneShot: true, MaxLineBytes: 100})
	if err := <-r.done; err != nil {
		t.Fatal(err)
	}
	r.ended = true
	got := r.got()
	if len(got) != 2 || got[0] != strings.Repeat("a", 100) || got[1] != "c" {
		t.Errorf("got %q; want the 100-byte line and c, the 101-byte line dropped", got)
	}
	if n := r.obs.get(func(o *recObserver) int { return o.tooLong }); n != 1 {
		t.Errorf("LineTooLong called %d times, want 1", n)
	}
}

func TestBinaryFile(t *testing.T) {
	path := tempLog(t)
	garbage := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	garbage[0] = 0 // not sniffed as BOM-less UTF-16
	garbage = append(garbage, '\n')
	if err := os.WriteFile(path, garbage, 0o644); err != nil {
		t.Fatal(err)
	}
	r := start(t, Config{Path: path, Poll: true, FromStart: true})
	want := bytes.Count(garbage, []byte("\n"))
	r.waitLines(want)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("after the garbage\r\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r.waitLines(want + 1)
	r.look()
	got := r.got()
	if len(got) != want+1 || got[len(got)-1] != "after the garbage" {
		t.Errorf("got %d lines ending %q; want %d ending with the appended line", len(got), got[len(got)-1], want+1)
	}
}

func TestShrinkToZeroAndRegrow(t *testing.T) {
	for _, regrowPast := range []bool{false, true} {
		name := "regrow-later"
		if regrowPast {
			name = "regrow-past-offset-between-polls"
		}
		t.Run(name, func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(10)
			// The file is changed while the follower is parked in its look
			// at the path, never while it reads: a truncate that regrows
			// past our offset in the microseconds between the check and
			// the read of one batch is the one window left open (the
			// writer would have to rewrite the whole old file in them).
			var gate atomic.Bool
			parked, release := make(chan struct{}), make(chan struct{})
			r := startHooked(t, Config{Path: path, Poll: true, FromStart: true}, func(tl *tailer) {
				tl.stat = func(p string) (pathStat, error) {
					if gate.Load() {
						parked <- struct{}{}
						<-release
					}
					return statPath(p)
				}
			})
			r.waitLines(10)
			gate.Store(true)
			r.until("the follower to park", func() bool {
				select {
				case <-parked:
					return true
				default:
					return false
				}
			})
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			w.written = 0
			w.gen++
			if regrowPast {
				w.lines(40) // longer than before, before the follower looks again
			}
			gate.Store(false)
			release <- struct{}{}
			if !regrowPast {
				r.look()
				r.look()
				w.lines(5)
			}
			r.waitLines(w.next)
			r.look()
			if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
				t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
			}
			if n := r.obs.get(func(o *recObserver) int { return o.reopens[ReasonTruncated] }); n != 1 {
				t.Errorf("reopens{truncated} = %d, want 1", n)
			}
		})
	}
}

// TestAccessDeniedThatLasts simulates what Windows answers for the path:
// access denied means delete-pending for a moment, then the file is gone
// or back; if it lasts, it is a permission problem, reported once.
func TestAccessDeniedThatLasts(t *testing.T) {
	path := tempLog(t)
	tl := newTailer(Config{Path: path, MaxLineBytes: defaultMaxLineBytes, Logger: slog.New(slog.DiscardHandler)})
	obs := newRecObserver()
	tl.obs = obs
	tl.stat = func(string) (pathStat, error) {
		return pathStat{}, &os.PathError{Op: "stat", Path: path, Err: errGone}
	}
	for range deniedGrace {
		tl.atEOF(context.Background(), nil)
		tl.ticks++
	}
	if obs.missing != 1 || obs.readErrors != 0 {
		t.Errorf("during the grace: missing %d, read errors %d; want 1, 0 (delete pending)", obs.missing, obs.readErrors)
	}
	for range 5 {
		tl.atEOF(context.Background(), nil)
		tl.ticks++
	}
	if obs.readErrors != 1 {
		t.Errorf("access denied for %d polls: %d read errors, want 1", deniedGrace+5, obs.readErrors)
	}
}

// TestReplacedByEmptyFile: the old file is read for as long as it grows
// (its writer may finish lines through its own handle) but not held for
// ever once an empty file replaced it: a deleted file held open keeps its
// disk space.
func TestReplacedByEmptyFile(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(5)
	r := start(t, Config{Path: path, Poll: true, FromStart: true})
	r.waitLines(5)
	old := w.f
	w.f = nil
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	w.create() // empty
	r.look()   // two timed polls: fewer than goneGrace
	late := &writer{t: t, path: path, content: cCRLF, f: old}
	late.next, late.genOf = w.next, w.genOf
	late.lines(2) // the writer finishes through its old handle
	w.next, w.genOf = late.next, late.genOf
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	r.waitLines(7)
	if n := r.obs.get(func(o *recObserver) int { return o.reopens[ReasonRotated] }); n != 0 {
		t.Fatalf("switched to the empty file while the old one still grew")
	}
	for range goneGrace + 1 {
		r.look()
	}
	if n := r.obs.get(func(o *recObserver) int { return o.reopens[ReasonRotated] }); n != 1 {
		t.Errorf("reopens{rotated} = %d after %d polls without growth, want 1", n, goneGrace+1)
	}
	w.lines(3)
	r.waitLines(10)
	r.look()
	if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}

// TestDeletePendingClosedAtOnce: when Windows says a held file is being
// deleted, the follower drains and closes it at once (no grace), or the
// writer could not create the new file.
func TestDeletePendingClosedAtOnce(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(3)
	var pending atomic.Bool
	r := startHooked(t, Config{Path: path, Poll: true, FromStart: true}, func(tl *tailer) {
		tl.stat = func(p string) (pathStat, error) {
			if pending.Load() {
				return pathStat{}, &os.PathError{Op: "stat", Path: p, Err: errGone}
			}
			return statPath(p)
		}
	})
	r.waitLines(3)
	r.look()
	w.lines(2) // written before the delete: must still be read
	pending.Store(true)
	r.look()
	if n := r.obs.get(func(o *recObserver) int { return o.missing }); n != 1 {
		t.Errorf("Missing() = %d one poll after the delete, want 1 (closed at once)", n)
	}
	if got := r.count(); got != 5 {
		t.Errorf("%d lines; the held file must be drained before it is closed", got)
	}
}

// TestLastingPathErrorReportedOnce: a path error that lasts while the held file still reads
// (the folder's permission removed, say) is reported once, not once per poll; a different
// error is a new report; recovery is said once.
func TestLastingPathErrorReportedOnce(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(3)
	var fault atomic.Pointer[error]
	logs := &logCounter{}
	r := startHooked(t, Config{Path: path, Poll: true, FromStart: true, Logger: slog.New(logs)}, func(tl *tailer) {
		tl.stat = func(p string) (pathStat, error) {
			if err := fault.Load(); err != nil {
				return pathStat{}, &os.PathError{Op: "stat", Path: p, Err: *err}
			}
			return statPath(p)
		}
	})
	r.waitLines(3)
	setFault := func(err error) { fault.Store(&err) }
	setFault(syscall.EACCES)
	for range 10 {
		r.look()
	}
	errs := func() int { return r.obs.get(func(o *recObserver) int { return o.readErrors }) }
	if n := errs(); n != 1 {
		t.Errorf("ReadError called %d times over 10 polls, want 1", n)
	}
	setFault(syscall.ELOOP)
	for range 3 {
		r.look()
	}
	if n := errs(); n != 2 {
		t.Errorf("ReadError called %d times after the error changed, want 2", n)
	}
	if n := logs.count("WARN cannot read log file"); n != 2 {
		t.Errorf("%d warnings, want 2: %v", n, logs.msgs)
	}
	fault.Store(nil)
	w.lines(2)
	r.waitLines(5)
	r.look()
	r.look()
	if n := logs.count("INFO log file readable again"); n != 1 {
		t.Errorf("recovery logged %d times, want 1: %v", n, logs.msgs)
	}
}

// TestUTF16StrayByte: one stray byte in a UTF-16 file costs the line it is in, counted as
// damaged (malformed), and nothing after it: the follower steps back in line at that
// line's ending.
func TestUTF16StrayByte(t *testing.T) {
	for _, oneShot := range []bool{false, true} {
		t.Run(map[bool]string{false: "live", true: "one-shot"}[oneShot], func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, cUTF16)
			defer w.close()
			w.lines(5)
			b := w.encode(w.take()) // line 5, with a stray byte in its middle
			w.raw(b[:9])
			w.raw([]byte{0x41})
			w.raw(b[9:])
			w.lines(5)
			r := start(t, Config{Path: path, Poll: true, FromStart: true, OneShot: oneShot})
			r.waitLines(10)
			if !oneShot {
				w.lines(3) // and later lines, once in step again
				r.waitLines(13)
				r.look()
			}
			r.stop()
			lost, doubled, bad := check(t, r.got(), w, nil)
			if lost != 1 || doubled+bad != 0 {
				t.Errorf("lost %d (want only the damaged line), doubled %d, corrupt %d", lost, doubled, bad)
			}
			if n := r.obs.get(func(o *recObserver) int { return o.damaged }); n != 1 {
				t.Errorf("LineDamaged called %d times, want 1", n)
			}
		})
	}
}
