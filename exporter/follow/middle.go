package follow

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Two rollovers between two looks: while we still hold file A, the writer
// rolls A away, writes a whole file B, rolls B away too and starts C. At
// the next look the path holds C; B exists only beside it (x.log.1), and
// nothing at the path ever named it. Such middle files are found among the
// siblings by three facts, never by name:
//   - identity: not A, not C, not a sibling already there at start, and
//     not a file already read (known: a bounded set);
//   - time: last modified at or after A's last write (a writer fills B
//     only after it is done with A; older rolled files were done before);
//   - content: not a compressed archive of a rolled file.
//
// They are read completely, oldest first, before C is read from 0. The
// same search finds the generations written while the exporter was
// stopped (resume.go): there A is the file of the saved position, and the
// siblings present at start are candidates too.

// compressedMagic: rotators compress old rolled files (logrotate compress,
// x.log.2.gz) or archive them; such a file is never a log to read.
var compressedMagic = [][]byte{
	{0x1F, 0x8B},                       // gzip
	[]byte("BZh"),                      // bzip2
	{0xFD, '7', 'z', 'X', 'Z', 0x00},   // xz
	{0x28, 0xB5, 0x2F, 0xFD},           // zstd
	[]byte("PK\x03\x04"),               // zip
	{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}, // 7z
	{0x04, 0x22, 0x4D, 0x18},           // lz4
	[]byte("MSCF"),                     // cab
	[]byte("Rar!\x1A\x07"),             // rar
}

// Compressed says whether a file that starts with head is a compressed archive, which the
// follower never reads as a rolled generation.
func Compressed(head []byte) bool {
	for _, m := range compressedMagic {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// heldFile is what is remembered of the last file closed: its identity and
// when it was last written.
type heldFile struct {
	id  fileID
	mod time.Time
}

// middleSearch says which siblings can be middle files.
type middleSearch struct {
	after   time.Time // last written at or after this (A's last write)
	exclude fileID    // A
	all     bool      // siblings present at start are candidates too (a resume)
}

// middlesSince is where the search for middle files starts: after the file
// closed last. When none was (the path was missing at start), a file that
// appears there may already have been rolled over, once or many times,
// before the first look: the generations written since Run started are
// read first. mtimeSlack allows for file systems that store coarse times.
func (t *tailer) middlesSince() *middleSearch {
	if t.last.id == (fileID{}) {
		return &middleSearch{after: t.startedAt.Add(-mtimeSlack)}
	}
	return &middleSearch{after: t.last.mod, exclude: t.last.id}
}

// mtimeSlack is the coarsest modification-time resolution in use (FAT: 2 s).
// A sibling present at start is excluded by identity, not by this time.
const mtimeSlack = 2 * time.Second

// maxKnown bounds the identities remembered. Forgetting one is safe: a
// file read or present long ago was also last written before the file
// held now, and the time rule excludes it.
const maxKnown = 2 * maxSiblings

// knownFiles is a bounded set of identities, the oldest forgotten first.
type knownFiles struct {
	set   map[fileID]struct{}
	order []fileID
}

func (k *knownFiles) add(id fileID) {
	if id == (fileID{}) {
		return
	}
	if k.set == nil {
		k.set = map[fileID]struct{}{}
	}
	if _, ok := k.set[id]; ok {
		return
	}
	if len(k.order) == maxKnown {
		delete(k.set, k.order[0])
		k.order = append(k.order[:0], k.order[1:]...)
	}
	k.set[id] = struct{}{}
	k.order = append(k.order, id)
}

func (k *knownFiles) has(id fileID) bool {
	_, ok := k.set[id]
	return ok
}

// noteKnown records the siblings present at start (historic rolled files):
// never middle files of this run. Every file read later is added by setFile.
func (t *tailer) noteKnown() {
	eachSibling(t.dir, t.base, func(_ *os.File, id fileID, _ int64) (bool, bool) {
		t.known.add(id)
		return false, false
	})
}

// middleFile is one candidate, open.
type middleFile struct {
	f   *os.File
	id  fileID
	mod time.Time
}

// findMiddles opens the middle files that s accepts, excluding next (the
// file now at the path), oldest first.
func (t *tailer) findMiddles(s middleSearch, next fileID) []middleFile {
	var out []middleFile
	eachSibling(t.dir, t.base, func(f *os.File, id fileID, size int64) (bool, bool) {
		fi, err := f.Stat()
		if err != nil || (!s.all && t.known.has(id)) || id == s.exclude || id == next || size == 0 ||
			fi.ModTime().Before(s.after) || compressed(f) {
			return false, false
		}
		out = append(out, middleFile{f: f, id: id, mod: fi.ModTime()})
		return true, false
	})
	slices.SortStableFunc(out, func(a, b middleFile) int {
		if c := a.mod.Compare(b.mod); c != 0 {
			return c
		}
		return olderByName(a.f.Name(), b.f.Name())
	})
	return out
}

// olderByName orders two rolled files whose modification times are equal: a rotator that
// rolls twice within the file system's timestamp resolution (a few milliseconds on Linux)
// leaves two generations with one time. The digits of the names tell: a rotation number is
// larger on the older file (x.log.2 before x.log.1), a date (8 digits or more) smaller
// (x-2026-11-22.log before x-2026-11-23.log). Names without digits, with the same ones, or
// one with a date and one without, keep the directory's order.
func olderByName(a, b string) int {
	na, da, oka := rollNumber(a)
	nb, db, okb := rollNumber(b)
	switch {
	case !oka || !okb || na == nb || da != db:
		return 0
	case da: // dates: the earlier first
		return cmp.Compare(na, nb)
	default: // rotation numbers: the larger first
		return cmp.Compare(nb, na)
	}
}

// rollNumber is the digits of a file's name read as one number (x.log.2: 2;
// x-2026-11-23.log: 20261123), and whether it is a date (8 digits or more); false when the
// name has no digit or too many.
func rollNumber(path string) (n uint64, date, ok bool) {
	digits := 0
	for _, c := range []byte(filepath.Base(path)) {
		if c >= '0' && c <= '9' {
			if digits++; digits > 18 {
				return 0, false, false
			}
			n = n*10 + uint64(c-'0')
		}
	}
	return n, digits >= 8, digits > 0
}

func compressed(f *os.File) bool {
	var head [8]byte
	n, _ := f.ReadAt(head[:], 0)
	return Compressed(head[:n])
}

// readMiddles reads every middle file completely, from 0, in order, each as
// a rollover (a line split across a rollover joins across them too). It
// returns false if ctx ended while reading: Position is then in that file,
// and a restart drains it by identity.
func (t *tailer) readMiddles(ctx context.Context, emit func([]byte), since *middleSearch, next fileID) bool {
	if since == nil {
		return true
	}
	mids := t.findMiddles(*since, next)
	defer func() {
		for _, m := range mids {
			if m.f != nil {
				_ = m.f.Close()
			}
		}
	}()
	for i := range mids {
		m := &mids[i]
		t.log.Info("file rolled in and out between two looks; reading it whole", "file", m.f.Name())
		t.obs.Reopened(ReasonRotated)
		t.setFile(m.f, m.id)
		m.f = nil // owned by the tailer now
		t.obs.FileOpened()
		t.lr.switchFile(0)
		t.consumed.Store(0)
		t.settle()
		t.drainMiddle(ctx, emit)
		if ctx.Err() != nil {
			return false
		}
		t.closeFile()
	}
	return true
}

// drainMiddle reads the current (rolled, no longer written) file to its
// end. A read error ends it with a warning: the file is not ours to retry.
func (t *tailer) drainMiddle(ctx context.Context, emit func([]byte)) {
	if !t.sniff() {
		return // empty or half a BOM
	}
	for ctx.Err() == nil {
		n, err := t.lr.fill(t.file)
		if n > 0 {
			t.lr.scan(emit)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			t.log.Warn("cannot read rolled-over file; its remaining lines are lost", "file", t.file.Name(), "err", err)
			break
		}
		if n == 0 {
			break
		}
	}
	t.obs.Progress(t.consumed.Load(), t.lr.pos)
}
