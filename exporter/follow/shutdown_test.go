package follow

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestShutdown: cancelling ctx returns Run promptly, while waiting and in
// the middle of a large read, in both modes and both implementations, and
// leaves no goroutine behind.
func TestShutdown(t *testing.T) {
	for _, impl := range []Implementation{Own, Nxadm} {
		for _, poll := range modes {
			for _, busy := range []bool{false, true} {
				name := implName(impl) + "/" + modeName(poll)
				if busy {
					name += "/mid-read"
				}
				t.Run(name, func(t *testing.T) {
					if impl == Nxadm {
						needNxadm(t)
					}
					defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
					path := tempLog(t)
					w := newWriter(t, path, cBurst)
					defer w.close()
					if busy {
						w.lines(300_000)
					}
					r := start(t, Config{Path: path, Poll: poll, FromStart: true, Implementation: impl})
					if busy {
						r.until("some lines", func() bool { return r.count() > 0 })
					} else {
						r.look()
					}
					start := time.Now()
					r.stop() // fails the test if Run takes more than 5s
					t.Logf("Run returned %v after cancel", time.Since(start))
					if impl == Own {
						p := r.f.Position()
						if got := r.count(); p.Offset != int64(got)*int64(len(w.encode(lineText(0)))) {
							t.Errorf("position %d after %d consumed lines of equal length", p.Offset, got)
						}
					}
				})
			}
		}
	}
}

func TestOneShot(t *testing.T) {
	for _, impl := range []Implementation{Own, Nxadm} {
		for _, c := range []content{cCRLF, cBOM, cUTF16, cPartial} {
			t.Run(implName(impl)+"/"+string(c), func(t *testing.T) {
				if impl == Nxadm {
					needNxadm(t)
				}
				if impl == Nxadm && c == cUTF16 {
					t.Skip("nxadm/tail does not decode UTF-16")
				}
				path := tempLog(t)
				w := newWriter(t, path, c)
				w.lines(100)
				last := w.half() // no newline at the end: replay emits it anyway
				w.close()
				r := start(t, Config{Path: path, OneShot: true, Implementation: impl})
				select {
				case err := <-r.done:
					r.ended = true
					if err != nil {
						t.Fatal(err)
					}
				case <-time.After(deadline):
					t.Fatal("one-shot Run did not return at end of file")
				}
				got := r.got()
				if len(got) != 101 {
					t.Fatalf("got %d lines, want 101", len(got))
				}
				if lost, doubled, bad := check(t, got[:100], w, map[int]bool{}); lost != 1 || doubled+bad != 0 {
					t.Errorf("lost %d (want only the unfinished one), doubled %d, corrupt %d", lost, doubled, bad)
				}
				if len(last) == 0 || got[100] == "" {
					t.Errorf("unfinished last line not emitted: %q", got[100])
				}
			})
		}
	}
	t.Run("missing", func(t *testing.T) {
		f, _ := New(Config{Path: tempLog(t), OneShot: true})
		if err := f.Run(context.Background(), func([]byte) {}); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("one-shot on a missing file: %v, want not-exist", err)
		}
	})
}

func TestNewChoosesOwn(t *testing.T) {
	for _, cfg := range []Config{{Path: "x"}, {Path: "x", Poll: true}, {Path: "x", Resume: &Position{}}} {
		f, err := New(cfg)
		if err != nil || f.Implementation() != Own {
			t.Errorf("New(%+v) chose %v, %v; the matrix proves only the own follower", cfg, f.Implementation(), err)
		}
	}
	if _, err := New(Config{}); err == nil {
		t.Error("New without a path: want an error")
	}
}

// TestRealTimers runs the own follower with its real timers (every other
// test injects Wake): the poll ticker, and in notify mode the events plus
// the safety poll.
func TestRealTimers(t *testing.T) {
	for _, poll := range modes {
		t.Run(modeName(poll), func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			path := tempLog(t)
			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(3)
			f, err := New(Config{Path: path, Poll: poll, FromStart: true, PollInterval: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var got []string
			count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- f.Run(ctx, func(b []byte) { mu.Lock(); got = append(got, string(b)); mu.Unlock() })
			}()
			waitFor := func(n int) {
				end := time.Now().Add(deadline)
				for count() < n {
					if time.Now().After(end) {
						t.Fatalf("timed out waiting for %d lines (have %d)", n, count())
					}
					time.Sleep(time.Millisecond)
				}
			}
			waitFor(3)
			w.lines(2)
			rotate(t, w, rRename, false)
			w.lines(3)
			waitFor(10)
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if lost, doubled, bad := check(t, got, w, nil); lost+doubled+bad != 0 {
				t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
			}
		})
	}
}
