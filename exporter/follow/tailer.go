package follow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

const (
	// goneGrace: a file missing from its path is kept open (Unix) until it
	// has not grown for this many timed polls (not file-system events, which
	// come in bursts): a writer may still finish its last lines through its
	// own handle after renaming the file away.
	goneGrace = 3
	// maxBackoff bounds the looks skipped between retries of a locked file.
	maxBackoff = 16
	// deniedGrace: a delete-pending file (Windows) disappears as soon as the
	// last handle closes; access denied that lasts this many timed polls is
	// a permission problem and reported as an error, not as a missing file.
	deniedGrace = 8
)

var errIsDir = errors.New("is a directory, not a file")

// tailer is the package's own follower (mtail shape). Everything except
// consumed and the fields under mu belongs to the Run goroutine.
type tailer struct {
	cfg  Config
	log  *slog.Logger
	obs  Observer
	dir  string
	base string

	file *os.File
	id   fileID
	lr   lineReader

	consumed atomic.Int64 // offset just past the last consumed line
	mu       sync.Mutex
	posID    fileID
	posFile  *os.File // = file, for Position's check bytes
	posEnc   encoding
	closed   Position // check bytes of the last closed file, for Position after Run returns
	// switching: a file was just taken up and its offset is not set yet; Position answers
	// held, the position before the switch.
	switching bool
	held      Position

	missing   bool
	errMsg    string // current error state: logged and counted once
	ticks     int    // timed polls so far
	goneSince int    // ticks when the held file was last seen missing and not growing; -1: not missing
	gonePos   int64
	denied    int // ticks when access denied (delete pending?) began; -1: not denied
	waitLooks int // looks to skip before retrying a locked file
	backoff   int
	lost      *Position // where a read error left us, to resume the same file
	// startPending: the start position (Resume, FromStart or the end) is still to be
	// decided, because the path could not be opened at start.
	startPending bool
	last         heldFile   // the file closed last: where a search for middle files starts
	known        knownFiles // rolled files never to read again as middle files (middle.go)

	stat func(path string) (pathStat, error) // statPath; replaced in tests
}

func newTailer(cfg Config) *tailer {
	t := &tailer{cfg: cfg, log: cfg.Logger.With("path", cfg.Path), obs: cfg.Observer,
		dir: filepath.Dir(cfg.Path), base: filepath.Base(cfg.Path), goneSince: -1, denied: -1, stat: statPath}
	t.lr = newLineReader(cfg.MaxLineBytes, &t.consumed, cfg.Observer)
	return t
}

func (t *tailer) position() Position {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.switching {
		return t.held
	}
	return t.positionLocked()
}

// positionLocked is position with t.mu held.
func (t *tailer) positionLocked() Position {
	p := Position{Path: t.cfg.Path, Identity: t.posID.String(), Offset: t.consumed.Load(), Encoding: t.posEnc.String()}
	switch {
	case t.posFile != nil:
		p.Check = checkBytes(t.posFile, p.Offset)
	case t.closed.Identity == p.Identity && t.closed.Offset == p.Offset:
		p.Check = t.closed.Check
	}
	return p
}

// checkBytes reads the bytes just before off: Position.Check.
func checkBytes(f *os.File, off int64) []byte {
	n := min(off, tailLen)
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	if m, _ := f.ReadAt(b, off-n); int64(m) != n {
		return nil
	}
	return b
}

func (t *tailer) run(ctx context.Context, emit func([]byte)) error {
	if t.cfg.OneShot {
		return t.oneShot(ctx, emit)
	}
	w := newWaker(t.cfg, t.dir, t.base, t.log)
	defer w.close()
	defer t.closeFile()
	t.start(ctx, emit)
	for {
		if t.waitLooks > 0 {
			t.waitLooks-- // backing off from a locked file
		} else {
			if t.file != nil {
				t.readToEOF(ctx, emit, true)
			}
			if ctx.Err() != nil {
				return nil
			}
			if t.atEOF(ctx, emit) {
				continue // now on another file: read it at once
			}
		}
		woke, tick := w.wait(ctx)
		if !woke {
			return nil
		}
		if tick {
			t.ticks++
		}
	}
}

func (t *tailer) oneShot(ctx context.Context, emit func([]byte)) error {
	f, err := openShared(t.cfg.Path)
	if err != nil {
		return err
	}
	id, _, err := handleIdentity(f)
	if err != nil {
		f.Close()
		return err
	}
	t.setFile(f, id)
	defer t.closeFile()
	t.obs.FileOpened()
	t.lr.switchFile(0)
	t.settle()
	if !t.sniff() {
		t.lr.setEncoding(encUTF8) // too short to tell
	}
	for ctx.Err() == nil {
		n, err := t.lr.fill(t.file)
		t.lr.scan(emit)
		if err == io.EOF || (err == nil && n == 0) {
			break
		}
		if err != nil {
			t.obs.ReadError(err)
			return err
		}
	}
	if ctx.Err() == nil {
		t.lr.flush(emit)
	}
	t.obs.Progress(t.consumed.Load(), t.lr.pos)
	return nil
}

// readToEOF reads and emits until a read returns nothing. With verify it
// checks before each read that the file was not truncated and rewritten
// past our offset.
func (t *tailer) readToEOF(ctx context.Context, emit func([]byte), verify bool) {
	t.settle() // reading at the right offset: whatever switch came before is done
	if t.lr.enc == encUnknown && !t.sniff() {
		return
	}
	for ctx.Err() == nil {
		// Before every read, not just the first: a copy-and-truncate that
		// regrew between two reads of one batch would otherwise be read
		// from the middle. (Between this check and the read is a window
		// of microseconds; filling it would take the writer rewriting the
		// whole old file in them.)
		if verify && !t.tailIntact() {
			t.truncated(ctx, emit)
		}
		before := t.lr.tailState()
		n, err := t.lr.fill(t.file)
		if n > 0 && verify && !t.stillIntact(before) {
			// Truncated (and regrown) between the check and the read: what was read is the
			// new file's, at our old offset. Forget it and handle the truncation now, from
			// the copy if there is one.
			t.lr.unfill(n, before)
			t.truncated(ctx, emit)
			continue
		}
		if n > 0 {
			t.lr.scan(emit)
		}
		if err != nil && err != io.EOF {
			t.readFailed(err)
			return
		}
		t.recovered()
		if n == 0 {
			break
		}
	}
	t.obs.Progress(t.consumed.Load(), t.lr.pos)
}

// atEOF looks at the path after a read returned nothing: rotation,
// truncation, removal. It reports whether it switched to another file.
func (t *tailer) atEOF(ctx context.Context, emit func([]byte)) bool {
	st, err := t.stat(t.cfg.Path)
	if !errors.Is(err, errGone) {
		t.denied = -1
	} else if t.file == nil {
		if t.denied < 0 {
			t.denied = t.ticks
		}
		if t.ticks-t.denied >= deniedGrace {
			t.fail("stat", err)
			return false
		}
	}
	switch {
	case isGone(err):
		if t.file != nil {
			// A delete-pending file (Windows) is closed at once: while we
			// hold it, the writer cannot create a new file of that name.
			if !errors.Is(err, errGone) && t.mayStillGrow() {
				return false
			}
			t.readToEOF(ctx, emit, false)
			if ctx.Err() != nil {
				return false
			}
			t.closeFile()
			t.log.Info("file removed; waiting for it to reappear")
		}
		t.setMissing()
		return false
	case err != nil:
		t.fail("stat", err)
		return false
	case st.isDir:
		t.fail("stat", fmt.Errorf("%s %w", t.cfg.Path, errIsDir))
		return false
	}
	if t.file == nil {
		if t.startPending {
			t.startAt(ctx, emit, st)
			t.startPending = t.file == nil
			return t.file != nil
		}
		if l := t.lost; l != nil && l.Identity == st.id.String() {
			if t.open(l.Offset, false) {
				t.lost = nil
				t.obs.Reopened(ReasonError)
			}
			return t.file != nil
		}
		if t.lost == nil {
			// Back after the file was missing (or on the first look):
			// what was rolled in and out meanwhile is read first.
			return t.openNext(ctx, emit, false) && t.file != nil
		}
		if t.open(0, false) {
			t.lost = nil
			t.obs.Reopened(ReasonError)
		}
		return t.file != nil
	}
	if st.id != t.id {
		if st.size == 0 && t.mayStillGrow() {
			// The writer has not written to the new file yet, so the old
			// one may still grow: stay on it a while.
			return false
		}
		t.readToEOF(ctx, emit, false) // drain the old file before switching
		if ctx.Err() != nil {
			return false // stopped while draining: Position stays in the old file
		}
		t.closeFile()
		return t.openNext(ctx, emit, true) && t.file != nil
	}
	t.goneSince = -1
	if st.size < t.lr.pos {
		t.truncated(ctx, emit)
		return true
	}
	return false
}

// mayStillGrow: the held file is no longer at the path. Keep reading it
// until it has not grown for goneGrace timed polls: the writer may still
// finish its last lines through its own handle.
func (t *tailer) mayStillGrow() bool {
	if t.goneSince < 0 || t.lr.pos != t.gonePos {
		t.goneSince, t.gonePos = t.ticks, t.lr.pos
	}
	return t.ticks-t.goneSince < goneGrace
}

// open opens the path at offset at. fromEnd means at is the end of a file
// present at startup: a partial line found there is skipped, not emitted.
func (t *tailer) open(at int64, fromEnd bool) bool {
	f, id, size, op, err := t.openPath()
	if err != nil {
		t.openFailed(op, err)
		return false
	}
	return t.use(f, id, size, at, fromEnd)
}

// openNext opens the file now at the path after the held one was rolled
// over or went missing. Files rolled in and out in between are read first
// (middle.go); the path is opened before they are looked for, so the file
// it names is excluded by identity, and one rolled away since the look is
// found among them. It reports whether ctx is still live.
func (t *tailer) openNext(ctx context.Context, emit func([]byte), rotated bool) bool {
	f, id, size, op, err := t.openPath()
	if !t.readMiddles(ctx, emit, id) {
		if f != nil {
			f.Close()
		}
		return false // stopped: Position is in the middle file
	}
	if err != nil {
		t.openFailed(op, err)
		return true
	}
	if rotated {
		t.log.Info("file rotated; reading the new file from the start")
		t.obs.Reopened(ReasonRotated)
	}
	t.use(f, id, size, 0, false)
	return true
}

// openPath opens the path and reads the identity of what it holds.
func (t *tailer) openPath() (f *os.File, id fileID, size int64, op string, err error) {
	f, err = openShared(t.cfg.Path)
	if err != nil {
		return nil, fileID{}, 0, "open", err
	}
	id, size, err = handleIdentity(f) // identity of what we hold, not of the name
	if err != nil {
		f.Close()
		return nil, fileID{}, 0, "stat", err
	}
	return f, id, size, "", nil
}

func (t *tailer) openFailed(op string, err error) {
	if isGone(err) {
		t.setMissing()
		return
	}
	if op == "open" && isLocked(err) {
		t.backoffLocked()
	}
	t.fail(op, err)
}

// use starts reading f (just opened at the path) at offset at.
func (t *tailer) use(f *os.File, id fileID, size int64, at int64, fromEnd bool) bool {
	t.setFile(f, id)
	defer t.settle()
	t.obs.FileOpened()
	t.lr.switchFile(0)
	t.consumed.Store(0)
	if !t.sniff() {
		return true // empty (or half a BOM): sniffed on the next read
	}
	if at > size {
		at = 0 // shorter than the saved offset: the caller decides what it means
	}
	if at > t.lr.pos {
		at -= (at - t.lr.pos) % int64(t.lr.enc.unit())
		t.seek(at)
		if fromEnd && !t.endsLine(at) {
			t.lr.skipping, t.lr.silent = true, true
		}
	}
	return true
}

// sniff reads the first bytes of the current file, decides its encoding
// and moves past a BOM if reading from the start. False while undecided.
func (t *tailer) sniff() bool {
	var head [4]byte
	n, _ := t.file.ReadAt(head[:], 0)
	enc, bom := sniff(head[:n])
	if enc == encUnknown {
		return false
	}
	t.lr.setEncoding(enc)
	t.mu.Lock()
	t.posEnc = enc
	t.mu.Unlock()
	if t.lr.pos < int64(bom) {
		t.seek(int64(bom))
	}
	return true
}

func (t *tailer) seek(off int64) {
	if _, err := t.file.Seek(off, io.SeekStart); err != nil {
		t.readFailed(err)
		return
	}
	t.lr.pos = off
	t.lr.tailN = 0
	// A partial line carried over has not been consumed yet.
	t.consumed.Store(max(0, off-int64(t.lr.end-t.lr.start)))
}

// endsLine reports whether the bytes before off end a line.
func (t *tailer) endsLine(off int64) bool {
	u := int64(t.lr.enc.unit())
	if off < u {
		return true
	}
	b := make([]byte, u)
	if n, _ := t.file.ReadAt(b, off-u); int64(n) != u {
		return false
	}
	return b[0] == '\n' && (u == 1 || b[1] == 0)
}

// settle ends a switch begun by setFile: the current file's offset is right.
func (t *tailer) settle() {
	t.mu.Lock()
	t.switching = false
	t.mu.Unlock()
}

func (t *tailer) setFile(f *os.File, id fileID) {
	t.known.add(id)
	t.mu.Lock()
	// Until the new file's offset is set (settle), Position keeps answering with the old
	// one: {new file, old offset} or {new file, 0 before a seek to its end} saved by the
	// positions writer in between would make a restart skip or replay lines.
	if !t.switching {
		t.held, t.switching = t.positionLocked(), true
	}
	t.file, t.id, t.posFile, t.posID = f, id, f, id
	t.mu.Unlock()
	t.missing, t.waitLooks, t.backoff = false, 0, 0
	t.recovered()
}

// recovered ends an error state, saying so once.
func (t *tailer) recovered() {
	if t.errMsg != "" {
		t.log.Info("log file readable again")
		t.errMsg = ""
	}
}

func (t *tailer) closeFile() {
	if t.file == nil {
		return
	}
	if fi, err := t.file.Stat(); err == nil {
		t.last = heldFile{id: t.id, mod: fi.ModTime()}
	}
	t.mu.Lock()
	off := t.consumed.Load()
	t.closed = Position{Identity: t.posID.String(), Offset: off, Check: checkBytes(t.file, off)}
	t.file.Close()
	t.file, t.posFile = nil, nil
	t.mu.Unlock()
	t.obs.FileClosed()
}

func (t *tailer) setMissing() {
	if t.missing {
		return
	}
	t.missing = true
	t.errMsg = ""
	t.obs.FileClosed()
	t.obs.Missing()
	t.log.Info("log file missing; waiting for it to appear")
}

// fail records an error state: logged and counted once per state, retried
// on every look.
func (t *tailer) fail(op string, err error) {
	t.missing = false
	msg := op + ": " + err.Error()
	if msg == t.errMsg {
		return
	}
	t.errMsg = msg
	t.obs.ReadError(err)
	t.log.Warn("cannot read log file; retrying", "op", op, "err", err)
}

// readFailed closes the handle after a read error; the same file is resumed
// at the same offset once it can be opened again.
func (t *tailer) readFailed(err error) {
	if isLocked(err) {
		t.backoffLocked()
		t.fail("read", err)
		return
	}
	t.lost = &Position{Identity: t.id.String(), Offset: t.lr.pos}
	t.closeFile()
	t.fail("read", err)
}

func (t *tailer) backoffLocked() {
	t.backoff = min(max(1, 2*t.backoff), maxBackoff)
	t.waitLooks = t.backoff
}
