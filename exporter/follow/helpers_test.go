package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/nxadm/tail/watch"
	"go.uber.org/goleak"
)

// nxadmPoll replaces nxadm/tail's package-wide 250ms poll so its cells run
// quickly. nxadm has no injectable trigger: its tests wait with deadlines.
const nxadmPoll = 10 * time.Millisecond

func TestMain(m *testing.M) {
	watch.POLL_DURATION = nxadmPoll // before any nxadm goroutine exists
	// nxadm/tail keeps one process-wide inotify watcher for ever: start it
	// now so that IgnoreCurrent excludes exactly its
	// goroutines and a leak of our own fsnotify watcher still shows.
	dir, err := os.MkdirTemp("", "follow-warmup")
	if err != nil {
		panic(err)
	}
	warm := filepath.Join(dir, "warm.log")
	if err := os.WriteFile(warm, nil, 0o644); err != nil {
		panic(err)
	}
	if err := watch.Watch(warm); err != nil {
		panic(err)
	}
	if err := watch.RemoveWatch(warm); err != nil {
		panic(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		panic(err)
	}
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

// recObserver records what a follower reported.
type recObserver struct {
	mu                                           sync.Mutex
	opened, closed, missing, tooLong, readErrors int
	damaged                                      int
	reopens                                      map[string]int
	errs                                         []error
	size, offset                                 atomic.Int64
}

func newRecObserver() *recObserver { return &recObserver{reopens: map[string]int{}} }

func (o *recObserver) FileOpened()  { o.mu.Lock(); o.opened++; o.mu.Unlock() }
func (o *recObserver) FileClosed()  { o.mu.Lock(); o.closed++; o.mu.Unlock() }
func (o *recObserver) Missing()     { o.mu.Lock(); o.missing++; o.mu.Unlock() }
func (o *recObserver) LineTooLong() { o.mu.Lock(); o.tooLong++; o.mu.Unlock() }
func (o *recObserver) LineDamaged() { o.mu.Lock(); o.damaged++; o.mu.Unlock() }
func (o *recObserver) Reopened(r string) {
	o.mu.Lock()
	o.reopens[r]++
	o.mu.Unlock()
}
func (o *recObserver) ReadError(err error) {
	o.mu.Lock()
	o.readErrors++
	o.errs = append(o.errs, err)
	o.mu.Unlock()
}
func (o *recObserver) Progress(off, size int64) { o.offset.Store(off); o.size.Store(size) }

func (o *recObserver) get(f func(o *recObserver) int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return f(o)
}

// testLog sends the follower's log to t.Log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// running is one follower under test, collecting its lines.
type running struct {
	t      *testing.T
	f      *Follower
	obs    *recObserver
	wake   chan struct{}
	poll   bool // pokes drive it (own follower, poll mode)
	cancel context.CancelFunc
	done   chan error
	mu     sync.Mutex
	lines  []string
	ended  bool
}

const deadline = 20 * time.Second

// start runs a follower on cfg. A Wake channel is always injected into the
// own follower; in notify mode it only replaces the safety poll.
func start(t *testing.T, cfg Config) *running {
	t.Helper()
	return startHooked(t, cfg, nil)
}

// startHooked is start with a hook that adjusts the own follower before it
// runs (to inject a stat, for example).
func startHooked(t *testing.T, cfg Config, hook func(*tailer)) *running {
	t.Helper()
	r := &running{t: t, obs: newRecObserver(), wake: make(chan struct{}), done: make(chan error, 1)}
	if cfg.Observer == nil {
		cfg.Observer = r.obs
	}
	if cfg.Implementation != Nxadm {
		cfg.Wake = r.wake
		r.poll = cfg.Poll
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = nxadmPoll
	}
	if cfg.Logger == nil {
		// Shown only when the test fails (or with -v).
		cfg.Logger = slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	f, err := newFollower(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.f = f
	if hook != nil {
		hook(f.r.(*tailer))
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		r.done <- f.Run(ctx, func(b []byte) {
			r.mu.Lock()
			r.lines = append(r.lines, string(b))
			r.mu.Unlock()
		})
	}()
	t.Cleanup(func() { r.stop() })
	return r
}

func (r *running) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...)
}

func (r *running) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lines)
}

// poke triggers one poll if the follower is waiting for one.
func (r *running) poke() {
	select {
	case r.wake <- struct{}{}:
	case <-time.After(time.Millisecond):
	}
}

// look makes the own follower finish one complete look: the second wake is
// received only after the first one's reads and checks are done.
func (r *running) look() {
	if r.f.Implementation() == Nxadm {
		time.Sleep(5 * nxadmPoll) // nxadm has no trigger to wait on
		return
	}
	for range 2 {
		select {
		case r.wake <- struct{}{}:
		case <-time.After(deadline):
			r.t.Fatal("follower did not come back to wait for a poll")
		}
	}
}

// until waits for cond, poking in poll mode. Deadline-bound, never a fixed sleep.
func (r *running) until(what string, cond func() bool) {
	r.t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			r.t.Fatalf("timed out waiting for %s (have %d lines)", what, r.count())
		}
		if r.poll {
			r.poke()
		} else {
			time.Sleep(time.Millisecond)
		}
	}
}

func (r *running) waitLines(n int) {
	r.t.Helper()
	r.until(fmt.Sprintf("%d lines", n), func() bool { return r.count() >= n })
}

// waitRead waits until the follower has read the file up to size bytes.
func (r *running) waitRead(size int64) {
	r.t.Helper()
	r.until(fmt.Sprintf("read up to %d", size), func() bool { return r.obs.size.Load() >= size })
}

// stop cancels Run and waits for it to return.
func (r *running) stop() {
	if r.ended {
		return
	}
	r.ended = true
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil && !errors.Is(err, context.Canceled) {
			r.t.Errorf("Run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		r.t.Fatal("Run did not return within 5s of cancel")
	}
}

// content is how the writer encodes lines.
type content string

const (
	cPartial content = "partial" // each line in three writes
	cCRLF    content = "crlf"
	cBOM     content = "utf8bom"
	cUTF16   content = "utf16le"
	cAcross  content = "across" // one line split across the rollover
	cBurst   content = "burst"  // 100,000 lines
)

// writer is a logger that numbers its lines and remembers which file each
// went to, so the check can say exactly what was lost or doubled.
type writer struct {
	t       *testing.T
	path    string
	content content
	f       *os.File
	next    int
	gen     int
	genOf   []int            // line number → file generation
	written int64            // bytes in the current file
	sync    func(size int64) // waits until the follower read up to size (partial writes)
}

func newWriter(t *testing.T, path string, c content) *writer {
	w := &writer{t: t, path: path, content: c}
	w.create()
	return w
}

// create starts a new file at path, with a BOM if the content has one.
func (w *writer) create() {
	w.t.Helper()
	if w.f != nil {
		if err := w.f.Close(); err != nil {
			w.t.Fatal(err)
		}
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		w.t.Fatal(err)
	}
	w.f, w.written = f, 0
	w.gen++
	switch w.content {
	case cBOM:
		w.raw(bomUTF8)
	case cUTF16:
		w.raw(bomUTF16LE)
	}
}

func (w *writer) raw(b []byte) {
	w.t.Helper()
	if _, err := w.f.Write(b); err != nil {
		w.t.Fatal(err)
	}
	w.written += int64(len(b))
}

func lineText(n int) string { return fmt.Sprintf("line %07d Grüße ✓ payload", n) }

func (w *writer) encode(s string) []byte {
	switch w.content {
	case cCRLF, cBOM:
		return []byte(s + "\r\n")
	case cUTF16:
		var b []byte
		for _, u := range utf16.Encode([]rune(s + "\r\n")) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	return []byte(s + "\n")
}

// lines writes k numbered lines to the current file.
func (w *writer) lines(k int) {
	w.t.Helper()
	if w.content == cBurst {
		var buf []byte
		for range k {
			buf = append(buf, w.encode(w.take())...)
			if len(buf) > 256<<10 {
				w.raw(buf)
				buf = buf[:0]
			}
		}
		w.raw(buf)
		return
	}
	for i := range k {
		b := w.encode(w.take())
		if w.content == cPartial {
			// Three writes; for the first line the follower is made to
			// read each piece, so it really holds a partial line.
			for j, p := range [][]byte{b[:5], b[5 : len(b)-3], b[len(b)-3:]} {
				w.raw(p)
				if i == 0 && j < 2 && w.sync != nil {
					w.sync(w.written)
				}
			}
			continue
		}
		w.raw(b)
	}
}

func (w *writer) take() string {
	n := w.next
	w.next++
	w.genOf = append(w.genOf, w.gen)
	return lineText(n)
}

// half writes the first half of the next line (the rest goes to the next
// file: a line written across the rollover) and returns the rest.
func (w *writer) half() []byte {
	b := w.encode(w.take())
	cut := len(b) / 2 &^ 1
	w.raw(b[:cut])
	return b[cut:]
}

func (w *writer) close() {
	if w.f != nil {
		if err := w.f.Close(); err != nil {
			w.t.Error(err)
		}
		w.f = nil
	}
}

// check compares what was received with what was written: every line
// exactly once, in order (bad counts corrupt and out-of-order lines), except the lines of generations in mayLose,
// which must be all there or all missing.
func check(t *testing.T, got []string, w *writer, mayLose map[int]bool) (lost, doubled, bad int) {
	t.Helper()
	want := map[string]int{}
	for n := range w.next {
		want[lineText(n)] = n
	}
	seen := make([]int, w.next)
	last := -1
	for _, s := range got {
		n, ok := want[s]
		if !ok {
			bad++
			if bad <= 3 {
				t.Logf("unexpected line %q", s)
			}
			continue
		}
		seen[n]++
		if n <= last && seen[n] == 1 {
			bad++ // out of order
			if bad <= 3 {
				t.Logf("line %d after line %d: out of order", n, last)
			}
		}
		last = max(last, n)
	}
	perGen := map[int][2]int{} // generation → seen, total
	for n, c := range seen {
		g := w.genOf[n]
		p := perGen[g]
		p[1]++
		if c > 0 {
			p[0]++
		}
		perGen[g] = p
		switch {
		case c == 0:
			lost++
		case c > 1:
			doubled += c - 1
		}
	}
	for g, p := range perGen {
		if mayLose[g] && p[0] == 0 {
			lost -= p[1] // excused only if the whole file was never read
		}
	}
	return lost, doubled, bad
}

func tempLog(t *testing.T) string {
	return filepath.Join(t.TempDir(), "MultiFactorAuthSvc.log")
}
