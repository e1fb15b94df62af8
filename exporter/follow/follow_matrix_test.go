package follow

import (
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// The rotation matrix: rotation style × watch mode × content, run
// against both implementations. In every cell a writer numbers its lines
// and the check demands every line exactly once, in order.

type rotation string

const (
	rRename       rotation = "rename+create"
	rCopyTruncate rotation = "copy+truncate"
	rDelete       rotation = "delete+create"
	rStopped      rotation = "while-stopped"
	rTwice        rotation = "two-rollovers"
)

var (
	rotations = []rotation{rRename, rCopyTruncate, rDelete, rStopped, rTwice}
	contents  = []content{cPartial, cCRLF, cBOM, cUTF16, cAcross, cBurst}
	modes     = []bool{false, true} // Poll
)

func modeName(poll bool) string {
	if poll {
		return "poll"
	}
	return "notify"
}

func TestMatrixOwn(t *testing.T) {
	for _, rot := range rotations {
		for _, poll := range modes {
			for _, c := range contents {
				t.Run(fmt.Sprintf("%s/%s/%s", rot, modeName(poll), c), func(t *testing.T) {
					if reason := notApplicable(Own, rot, c); reason != "" {
						t.Skip(reason)
					}
					res := runCell(t, Own, rot, poll, c)
					if res.lost != 0 || res.doubled != 0 || res.bad != 0 {
						t.Errorf("lost %d, doubled %d, corrupt %d of %d lines", res.lost, res.doubled, res.bad, res.total)
					}
				})
			}
		}
	}
}

// notApplicable: the nxadm matrix keeps its measured scope. There a file
// rotated in and out between two looks is never read, so a line split
// across it cannot be joined. The own follower reads such middle files
// (middle.go), so for it every cell applies.
func notApplicable(impl Implementation, rot rotation, c content) string {
	if impl == Nxadm && rot == rTwice && c == cAcross {
		return "a line split across a file that is rotated in and out between two looks cannot be joined: its middle is in that file"
	}
	return ""
}

type cellResult struct {
	lost, doubled, bad, total int
	middleRead                bool
}

// shiftRotated moves path.1 to path.2, as a rotator keeping two old files.
func shiftRotated(t *testing.T, path string) {
	if _, err := os.Stat(path + ".1"); err == nil {
		if err := os.Rename(path+".1", path+".2"); err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = src.Close() }() // read only
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// rotate performs one rollover the way a writer and a rotator do it. For
// rename and delete the writer still writes two lines through its old
// handle before starting the new file (it learns of the rollover late).
func rotate(t *testing.T, w *writer, style rotation, across bool) {
	var rest []byte
	switch style {
	case rRename, rStopped, rTwice:
		shiftRotated(t, w.path)
		if err := os.Rename(w.path, w.path+".1"); err != nil {
			t.Fatal(err)
		}
		w.lines(2)
		if across {
			rest = w.half()
		}
		w.create()
	case rDelete:
		if err := os.Remove(w.path); err != nil {
			t.Fatal(err)
		}
		w.lines(2)
		if across {
			rest = w.half()
		}
		w.create()
	case rCopyTruncate:
		if across {
			rest = w.half()
		}
		shiftRotated(t, w.path)
		copyFile(t, w.path, w.path+".1")
		if err := os.Truncate(w.path, 0); err != nil {
			t.Fatal(err)
		}
		w.written = 0
		w.gen++
	}
	if rest != nil {
		w.raw(rest)
	}
}

func runCell(t *testing.T, impl Implementation, rot rotation, poll bool, c content) cellResult {
	path := tempLog(t)
	w := newWriter(t, path, c)
	defer w.close()
	n0, n1, n2 := 10, 5, 10
	if c == cBurst {
		n0, n1, n2 = 1000, 49_000, 50_000
	}
	w.lines(n0)
	cfg := Config{Path: path, Poll: poll, FromStart: true, Implementation: impl}
	r := start(t, cfg)
	w.sync = func(size int64) {
		if impl == Nxadm {
			time.Sleep(3 * nxadmPoll) // no trigger to wait on; see look()
			return
		}
		r.waitRead(size)
	}
	r.waitLines(n0)
	w.lines(n1) // not yet read (poll mode) when the rollover comes
	style := rot
	if rot == rStopped {
		r.look()
		r.stop()
		saved := r.f.Position()
		pf := t.TempDir() + "/positions.json"
		if err := SavePositions(pf, []Position{saved}); err != nil {
			t.Fatal(err)
		}
		sync := w.sync
		w.sync = nil // nobody reads while stopped
		w.lines(3)   // written while stopped
		rotate(t, w, rRename, c == cAcross)
		w.lines(n2)
		w.sync = sync
		loaded, _, err := LoadPositions(pf)
		if err != nil {
			t.Fatal(err)
		}
		p := loaded[path]
		first := r.got()
		cfg.Resume, cfg.FromStart = &p, false
		r = start(t, cfg)
		total := w.next - len(first)
		waitAll(r, impl, total)
		got := append(first, r.got()...)
		lost, doubled, bad := check(t, got, w, nil)
		return cellResult{lost: lost, doubled: doubled, bad: bad, total: w.next}
	}
	rotate(t, w, style, c == cAcross)
	mayLose := map[int]bool{}
	middle := 0
	if rot == rTwice {
		// The middle file is written whole and rolled away again without
		// a look in between (in poll mode; notify mode may look anyway).
		// With "across" a line also spans the second rollover.
		middle = w.gen
		w.lines(n2 / 2)
		rotate(t, w, style, c == cAcross)
	}
	w.lines(n2)
	middleLines := 0
	for _, g := range w.genOf {
		if g == middle {
			middleLines++
		}
	}
	want := w.next
	if impl == Nxadm {
		// nxadm/tail never reads a middle file: excused as a whole.
		mayLose[middle] = true
		want -= middleLines
	}
	waitAll(r, impl, want)
	got := r.got()
	lost, doubled, bad := check(t, got, w, mayLose)
	res := cellResult{lost: lost, doubled: doubled, bad: bad, total: w.next}
	if rot == rTwice {
		res.middleRead = len(got) > w.next-middleLines
		t.Logf("middle file read: %v", res.middleRead)
	}
	return res
}

// waitAll waits for n lines, then for one more complete look, so a line
// delivered twice shows up. nxadm has no trigger: its wait ends when the
// count stops changing.
func waitAll(r *running, impl Implementation, n int) {
	r.t.Helper()
	if impl == Nxadm {
		stable, last := 0, -1
		end := time.Now().Add(5 * time.Second) // nxadm may trickle re-read lines
		for r.count() < n && stable < 40 && time.Now().Before(end) {
			time.Sleep(nxadmPoll)
			if c := r.count(); c == last {
				stable++
			} else {
				stable, last = 0, c
			}
		}
		r.look()
		return
	}
	r.waitLines(n)
	r.look()
	r.look()
}

// TestMatrixNxadm runs the same matrix over nxadm/tail v1.4.11. Where the
// loss is structural the test asserts it, so a fixed nxadm/tail shows up
// here (then revisit choose in follow.go and docs/reliability.md). Where the loss
// depends on timing (notify mode, bursts) the cell reports what this run
// measured and is skipped, with the reason.
func TestMatrixNxadm(t *testing.T) {
	if testing.Short() {
		t.Skip("the nxadm/tail matrix documents a library we do not use")
	}
	needNxadm(t)
	for _, rot := range rotations {
		for _, poll := range modes {
			for _, c := range contents {
				t.Run(fmt.Sprintf("%s/%s/%s", rot, modeName(poll), c), func(t *testing.T) {
					if reason := notApplicable(Nxadm, rot, c); reason != "" {
						t.Skip(reason)
					}
					res := runCell(t, Nxadm, rot, poll, c)
					measured := fmt.Sprintf("lost %d, doubled %d, corrupt %d of %d lines", res.lost, res.doubled, res.bad, res.total)
					defect := res.lost+res.doubled+res.bad > 0
					if why := nxadmStructural(rot, poll, c); why != "" {
						if !defect {
							t.Errorf("nxadm/tail passed a cell it was measured to fail (%s): revisit choose() and docs/reliability.md", why)
						}
						t.Logf("known nxadm/tail defect (%s): %s", why, measured)
						return
					}
					if defect {
						t.Skipf("nxadm/tail fails this cell intermittently (timing-dependent, not asserted); this run: %s", measured)
					}
					t.Skipf("nxadm/tail fails this cell intermittently (timing-dependent); this run passed")
				})
			}
		}
	}
}

// nxadmStructural names the defect that makes nxadm/tail fail a cell every
// time, or "" where its failures depend on timing: in poll mode it loses
// what was written after its last poll and before the rollover (it closes
// the old handle without reading it to its end), which in this matrix is nearly every run but not all.
func nxadmStructural(rot rotation, _ bool, c content) string {
	switch {
	case c == cUTF16:
		return "UTF-16 not decoded: lines split on byte 0x0A"
	case rot == rStopped:
		return "no resume by file identity: the rolled-over file is not drained"
	}
	return ""
}

// TestDrainBeforeSwitch: lines the writer adds to the old file after the
// follower's last read but before it looks at the path (and finds another
// file there) are read before the switch. The window is opened
// deterministically by an injected stat.
func TestDrainBeforeSwitch(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(5)
	var oldFile *os.File
	var late []byte // numbered before the new file's lines, written after them
	r := startHooked(t, Config{Path: path, Poll: true, FromStart: true}, func(tl *tailer) {
		tl.stat = func(p string) (pathStat, error) {
			st, err := statPath(p)
			if err == nil && st.id != tl.id && oldFile != nil {
				// The writer's last lines land in the window.
				if _, err := oldFile.Write(late); err != nil {
					panic(err)
				}
				if err := oldFile.Close(); err != nil {
					panic(err)
				}
				oldFile = nil
			}
			return st, err
		}
	})
	r.waitLines(5)
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		late = append(late, w.encode(w.take())...)
	}
	oldFile, w.f = w.f, nil
	w.create()
	w.lines(2)
	r.waitLines(10)
	r.look()
	if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}
