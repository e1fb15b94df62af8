package follow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPositionsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	pf := filepath.Join(dir, "positions.json")
	want := []Position{
		{Path: `C:\Logs\MultiFactorAuthSvc.log`, Identity: "1a:2b", Offset: 12345, Encoding: "utf-16le", Check: []byte("abc\r\n")},
		{Path: "/var/log/mfa/radius.log", Identity: "3:4", Offset: 0, Encoding: "utf-8"},
	}
	if err := SavePositions(pf, want); err != nil {
		t.Fatal(err)
	}
	got, _, err := LoadPositions(pf)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range want {
		if !reflect.DeepEqual(got[p.Path], p) {
			t.Errorf("got %+v, want %+v", got[p.Path], p)
		}
	}
	var raw map[string]any
	b, _ := os.ReadFile(pf)
	if err := json.Unmarshal(b, &raw); err != nil || raw["version"] != float64(1) {
		t.Errorf("file is not versioned JSON: %s", b)
	}
	// Overwrite: still one file, no temporary files left behind.
	if err := SavePositions(pf, want[:1]); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d files after saving, want 1", len(ents))
	}
	if got, _, _ := LoadPositions(pf); len(got) != 1 {
		t.Errorf("after overwrite: %d positions, want 1", len(got))
	}
}

func TestLoadPositionsBad(t *testing.T) {
	dir := t.TempDir()
	if got, _, err := LoadPositions(filepath.Join(dir, "none.json")); err != nil || len(got) != 0 {
		t.Errorf("missing file: got %v, %v; want empty, nil (first run)", got, err)
	}
	for name, body := range map[string]string{
		"corrupt":       `{"version":1,"positions":[{"path":"a","offs`,
		"foreign":       `{"server":{"http_listen_port":9080}}`,
		"other-version": `{"version":2,"positions":[]}`,
		"binary":        "\x00\x01\x02garbage",
		"array":         `[1,2,3]`,
	} {
		t.Run(name, func(t *testing.T) {
			pf := filepath.Join(dir, name)
			if err := os.WriteFile(pf, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, _, err := LoadPositions(pf); err == nil {
				t.Error("want an error the caller logs and ignores")
			}
		})
	}
	t.Run("tolerant", func(t *testing.T) {
		pf := filepath.Join(dir, "tolerant")
		body := `{"version":1,"written_by":"future","positions":[{"path":"a","identity":"1:2","offset":7,"extra":true},{"offset":3},{"path":"b","offset":-1}]}`
		if err := os.WriteFile(pf, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		got, skipped, err := LoadPositions(pf)
		if err != nil || len(got) != 1 || got["a"].Offset != 7 {
			t.Errorf("got %v, %v; want only entry a (unknown fields ignored, bad entries skipped)", got, err)
		}
		want := []string{"entry 2 has no path", "entry 3 (b) has a negative offset -1"}
		if !slices.Equal(skipped, want) {
			t.Errorf("skipped = %q, want %q: every entry left out is said", skipped, want)
		}
	})
}

// restart stops r and starts a follower resuming at its saved position,
// going through the positions file as the exporter does.
func restart(t *testing.T, r *running, cfg Config) *running {
	t.Helper()
	r.stop()
	pf := filepath.Join(t.TempDir(), "positions.json")
	if err := SavePositions(pf, []Position{r.f.Position()}); err != nil {
		t.Fatal(err)
	}
	ps, _, err := LoadPositions(pf)
	if err != nil {
		t.Fatal(err)
	}
	p := ps[cfg.Path]
	cfg.Resume = &p
	return start(t, cfg)
}

func TestResumeExactByte(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(10)
	cfg := Config{Path: path, Poll: true}
	r := start(t, cfg)
	r.look()
	if r.count() != 0 {
		t.Fatalf("a file present at start is read from its end; got %d lines", r.count())
	}
	w.lines(5)
	r.waitLines(5)
	if p := r.f.Position(); p.Offset != w.written {
		t.Errorf("position %d after reading everything, want the file size %d", p.Offset, w.written)
	}
	r2 := restart(t, r, cfg)
	w.lines(5)
	r2.waitLines(5)
	r2.look()
	got := append(r.got(), r2.got()...)
	if lost, doubled, bad := check(t, got, w, map[int]bool{1: false}); lost != 10 || doubled != 0 || bad != 0 {
		t.Errorf("lost %d (want the 10 lines before the first start), doubled %d, corrupt %d", lost, doubled, bad)
	}
	if n := r2.obs.get(func(o *recObserver) int { return len(o.reopens) }); n != 0 {
		t.Errorf("resume at the same byte of the same file reported reopens %v", r2.obs.reopens)
	}
}

// TestRestartMidStream stops and restarts the follower three times while a
// writer keeps writing, once with a rollover in between: nothing lost,
// nothing doubled.
func TestRestartMidStream(t *testing.T) {
	for _, withRollover := range []bool{false, true} {
		t.Run(fmt.Sprintf("rollover=%v", withRollover), func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, cCRLF)
			defer w.close()
			cfg := Config{Path: path, Poll: true, FromStart: true}
			r := start(t, cfg)
			var all []string
			for round := range 4 {
				// The follower polls while the writer writes.
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func(r *running) {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
							r.poke()
						}
					}
				}(r)
				for range 20 {
					w.lines(100)
				}
				close(stop)
				wg.Wait()
				if withRollover && round == 2 {
					r.poke()
					rotate(t, w, rRename, false)
					w.lines(500)
					r.poke()
				}
				if round < 3 {
					next := restart(t, r, cfg) // stops r: its lines are final
					all = append(all, r.got()...)
					r = next
				}
			}
			r.waitLines(w.next - len(all))
			r.look()
			r.stop()
			all = append(all, r.got()...)
			if lost, doubled, bad := check(t, all, w, nil); lost+doubled+bad != 0 {
				t.Errorf("lost %d, doubled %d, corrupt %d of %d lines", lost, doubled, bad, w.next)
			}
		})
	}
}

func TestResumeTruncatedWhileStopped(t *testing.T) {
	for _, regrow := range []bool{false, true} {
		t.Run(fmt.Sprintf("regrown=%v", regrow), func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(10)
			cfg := Config{Path: path, Poll: true, FromStart: true}
			r := start(t, cfg)
			r.waitLines(10)
			r.stop()
			// copy-and-truncate while stopped, without a copy to find
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
			w.written = 0
			w.gen++
			if regrow {
				w.lines(30) // past the saved offset: only the check bytes tell
			} else {
				w.lines(3)
			}
			r2 := restart(t, r, cfg)
			r2.waitLines(w.next - 10)
			r2.look()
			got := append(r.got(), r2.got()...)
			if lost, doubled, bad := check(t, got, w, nil); lost+doubled+bad != 0 {
				t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
			}
			if n := r2.obs.get(func(o *recObserver) int { return o.reopens[ReasonTruncated] }); n != 1 {
				t.Errorf("reopens{truncated} = %d, want 1", n)
			}
		})
	}
}

func TestResumeRolledOverWhileStopped(t *testing.T) {
	for _, oldKept := range []bool{true, false} {
		t.Run(fmt.Sprintf("old-file-kept=%v", oldKept), func(t *testing.T) {
			path := tempLog(t)
			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(10)
			cfg := Config{Path: path, Poll: true, FromStart: true}
			r := start(t, cfg)
			r.waitLines(10)
			r.stop()
			w.lines(4) // after the saved position, in the old file
			rotate(t, w, rRename, false)
			if !oldKept {
				if err := os.Remove(path + ".1"); err != nil {
					t.Fatal(err)
				}
			}
			w.lines(6)
			r2 := restart(t, r, cfg)
			want := w.next - 10
			if !oldKept {
				want -= 6 // 4 + 2 late lines went to the deleted old file
			}
			r2.waitLines(want)
			r2.look()
			got := append(r.got(), r2.got()...)
			lost, doubled, bad := check(t, got, w, nil)
			if doubled+bad != 0 || (oldKept && lost != 0) || (!oldKept && lost != 6) {
				t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
			}
			if n := r2.obs.get(func(o *recObserver) int { return o.reopens[ReasonRotated] }); n != 1 {
				t.Errorf("reopens{rotated} = %d, want 1", n)
			}
		})
	}
}

// TestStopDuringResumeDrain: a stop that arrives while the rolled-over file
// is being drained must leave the position in that file, not jump to the
// new one (which would lose the rest of the old file on the next start).
func TestStopDuringResumeDrain(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(10)
	cfg := Config{Path: path, Poll: true, FromStart: true}
	r := start(t, cfg)
	r.waitLines(10)
	r.stop()
	saved := r.f.Position()
	w.lines(5)
	rotate(t, w, rRename, false)
	w.lines(5)

	cfg.Resume = &saved
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Run(ctx, func([]byte) {}); err != nil {
		t.Fatal(err)
	}
	if p := f.Position(); p.Identity != saved.Identity || p.Offset != saved.Offset {
		t.Errorf("position after a stop during the drain: %+v; want still %+v", p, saved)
	}
	r2 := restart(t, &running{t: t, f: f, ended: true}, cfg)
	r2.waitLines(w.next - 10)
	r2.look()
	if lost, doubled, bad := check(t, append(r.got(), r2.got()...), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}

// TestResumeWhenPathMissingAtStart: the log was rolled over while the exporter was stopped and
// the writer has not started the new file yet. The saved position still holds: once the new
// file appears, the old one is found by identity and read from the saved byte, then the new
// one from 0. Nothing lost, nothing doubled.
func TestResumeWhenPathMissingAtStart(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(10)
	cfg := Config{Path: path, Poll: true, FromStart: true}
	r := start(t, cfg)
	r.waitLines(10)
	r.stop()
	w.lines(4) // after the saved position, in the old file
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	w.lines(2) // still through the old handle
	r2 := restart(t, r, Config{Path: path, Poll: true})
	r2.look()
	if n := r2.count(); n != 0 {
		t.Fatalf("read %d lines before the new file appeared", n)
	}
	w.create()
	w.lines(6)
	r2.waitLines(12)
	r2.look()
	got := append(r.got(), r2.got()...)
	if lost, doubled, bad := check(t, got, w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
	if n := r2.obs.get(func(o *recObserver) int { return o.reopens[ReasonRotated] }); n != 1 {
		t.Errorf("reopens{rotated} = %d, want 1", n)
	}
}

// TestPositionDuringSwitch: while a newly taken-up file has no offset yet, Position keeps
// answering with the previous file's, never {new file, old offset} or {new file, 0 before a
// seek to its end}, which a positions save in between would turn into skipped or replayed
// lines after a restart.
func TestPositionDuringSwitch(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	if err := os.WriteFile(a, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("three\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tl := newTailer(Config{Path: a, Logger: slog.New(slog.DiscardHandler), Observer: nopObserver{}, MaxLineBytes: 1 << 20})
	if !tl.open(8, true) {
		t.Fatal("cannot open a.log")
	}
	before := tl.position()
	if before.Offset != 8 || before.Identity == "" {
		t.Fatalf("position after opening at the end = %+v", before)
	}
	f, err := openShared(b)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := handleIdentity(f)
	if err != nil {
		t.Fatal(err)
	}
	tl.setFile(f, id)
	if p := tl.position(); p.Identity != before.Identity || p.Offset != before.Offset {
		t.Errorf("position during the switch = %+v, want the previous %+v", p, before)
	}
	tl.consumed.Store(0)
	tl.settle()
	if p := tl.position(); p.Identity != id.String() || p.Offset != 0 {
		t.Errorf("position after the switch = %+v, want b.log at 0", p)
	}
	tl.closeFile()
}

// TestPositionWaitsForTheBatch: the consumed offset is stored once per read batch, yet Position
// counts every line whose emit has returned: asked while a batch is being emitted, it answers
// once the batch has ended. Asked while the follower is stuck in its emit (a blocked logger,
// say), it does not wait for it: it answers with the offset stored last.
func TestPositionWaitsForTheBatch(t *testing.T) {
	const line = "2026-11-23T08:00:00.000000Z|0|1412|6452|pfrad|rawCallStatus = 21\n"
	for _, stuck := range []bool{false, true} {
		t.Run(map[bool]string{false: "batch ends", true: "emit stuck"}[stuck], func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "radius.log")
			if err := os.WriteFile(path, []byte(strings.Repeat(line, 10)), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := New(Config{Path: path, OneShot: true})
			if err != nil {
				t.Fatal(err)
			}
			tl := f.r.(*tailer)
			tl.batchWait = time.Minute
			if stuck {
				tl.batchWait = 50 * time.Millisecond
			}
			inEmit, release := make(chan struct{}), make(chan struct{})
			emitted := 0
			done := make(chan error, 1)
			go func() {
				done <- f.Run(context.Background(), func([]byte) {
					if emitted++; emitted == 5 {
						close(inEmit)
						<-release
					}
				})
			}()
			<-inEmit // five lines emitted, the fifth not returned yet; the batch holds all ten
			asked := make(chan Position, 1)
			go func() { asked <- f.Position() }()
			want := int64(0) // stuck: the offset stored before the batch
			if !stuck {
				time.Sleep(20 * time.Millisecond) // Position is waiting for the batch
				close(release)
				want = int64(10 * len(line))
			}
			select {
			case p := <-asked:
				if p.Offset != want {
					t.Errorf("Position().Offset = %d, want %d", p.Offset, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Position did not answer")
			}
			if stuck {
				close(release)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if p := f.Position(); p.Offset != int64(10*len(line)) {
				t.Errorf("after the replay, Position().Offset = %d, want %d", p.Offset, 10*len(line))
			}
		})
	}
}
