package follow

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
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
	// defaultBatchWait bounds how long Position waits for a read batch to end.
	defaultBatchWait = 100 * time.Millisecond
)

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

	consumed  atomic.Int64  // offset just past the last consumed line
	batch     chan struct{} // holds a token while the line reader emits a read batch
	batchWait time.Duration // how long Position waits for it (defaultBatchWait; tests change it)
	mu        sync.Mutex
	posID     fileID
	posFile   *os.File // = file, for Position's check bytes
	posEnc    encoding
	closed    Position // check bytes of the last closed file, for Position after Run returns
	// switching: a file was just taken up and its offset is not set yet; Position answers
	// held, the position before the switch.
	switching bool
	held      Position

	// The state of the path and of the held file, each said once when it
	// begins and once when it ends, never once per look.
	missing   bool
	pathErr   string // the path cannot be looked at or opened
	readErr   string // the held file cannot be read
	damaged   bool   // a broken UTF-16 line was reported for the held file
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
	startedAt    time.Time  // wall clock when Run started: no file held yet, later siblings are generations

	stat func(path string) (pathStat, error) // statPath; replaced in tests
}

func newTailer(cfg Config) *tailer {
	t := &tailer{cfg: cfg, log: cfg.Logger.With("path", cfg.Path), obs: cfg.Observer,
		dir: filepath.Dir(cfg.Path), base: filepath.Base(cfg.Path), goneSince: -1, denied: -1, stat: statPath}
	t.batch, t.batchWait = make(chan struct{}, 1), defaultBatchWait
	t.lr = newLineReader(cfg.MaxLineBytes, &t.consumed, t.batch, lineReport{t})
	return t
}

func (t *tailer) position() Position {
	// The line reader stores the consumed offset at the end of each read batch: wait for the
	// batch under way (microseconds), so that every line emitted so far counts; but not for
	// one stuck in its emit (a blocked logger, say), whose offset stored last is taken, as a
	// stop does not wait for a stuck follower either.
	wait := time.NewTimer(t.batchWait)
	defer wait.Stop()
	select {
	case t.batch <- struct{}{}:
		defer func() { <-t.batch }()
	case <-wait.C:
	}
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
		if fi, err := t.posFile.Stat(); err == nil {
			p.Modified = fi.ModTime().UnixNano()
		}
	case t.closed.Identity == p.Identity && t.closed.Offset == p.Offset:
		p.Check, p.Modified = t.closed.Check, t.closed.Modified
	}
	return p
}

// checkBytes reads the bytes just before off: Position.Check.
func checkBytes(f *os.File, off int64) []byte {
	b := make([]byte, min(off, tailLen))
	if len(b) == 0 || !readBefore(f, off, b) {
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

// oneShot reads the file from 0 to its end. A path that is not a regular
// file is an error at once, never a wait. Errors are returned, not
// reported to the Observer: the caller decides what a failed replay is.
func (t *tailer) oneShot(ctx context.Context, emit func([]byte)) error {
	f, id, _, err := openFile(t.cfg.Path)
	if err != nil {
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
		if errors.Is(err, io.EOF) || (err == nil && n == 0) {
			break
		}
		if err != nil {
			return err // the caller counts and reports it
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
		if verify && !t.tailIntact(t.lr.tailState()) {
			t.truncated(ctx, emit)
		}
		before := t.lr.tailState()
		n, err := t.lr.fill(t.file)
		if n > 0 && verify && !t.tailIntact(before) {
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
		if err != nil && !errors.Is(err, io.EOF) {
			t.readFailed(err)
			return
		}
		t.readOK()
		if n == 0 {
			break
		}
	}
	t.obs.Progress(t.consumed.Load(), t.lr.pos)
}

// atEOF looks at the path after a read returned nothing and hands each
// finding to its case: nothing there (pathGone), no file held (reopen),
// another file there (rotated), the same file shorter (truncated). It
// reports whether it switched to another file.
func (t *tailer) atEOF(ctx context.Context, emit func([]byte)) bool {
	st, err := t.stat(t.cfg.Path)
	if t.deniedTooLong(err) {
		t.failPath("stat", err)
		return false
	}
	if err == nil {
		err = st.usable(t.cfg.Path)
	}
	switch {
	case isGone(err):
		t.pathGone(ctx, emit, err)
		return false
	case err != nil:
		t.failPath("stat", err)
		return false
	case t.file == nil:
		return t.reopen(ctx, emit, st)
	case st.id != t.id:
		return t.rotated(ctx, emit, st)
	}
	t.pathOK()
	t.goneSince = -1
	if st.size < t.lr.pos {
		t.truncated(ctx, emit)
		return true
	}
	return false
}

// deniedTooLong: access denied (errGone) with no file held that has lasted
// deniedGrace timed polls is a permission problem, not a delete in progress.
func (t *tailer) deniedTooLong(err error) bool {
	if !errors.Is(err, errGone) {
		t.denied = -1
		return false
	}
	if t.file != nil {
		return false
	}
	if t.denied < 0 {
		t.denied = t.ticks
	}
	return t.ticks-t.denied >= deniedGrace
}

// pathGone: nothing at the path. A held file is read to its end and closed
// once it has stopped growing (at once if it is delete-pending: while we
// hold it, the writer cannot create a new file of that name); then the
// path is waited for.
func (t *tailer) pathGone(ctx context.Context, emit func([]byte), err error) {
	if t.file == nil {
		t.setMissing("log file missing; waiting for it to appear")
		return
	}
	if !errors.Is(err, errGone) && t.mayStillGrow() {
		return
	}
	t.readToEOF(ctx, emit, false)
	if ctx.Err() != nil {
		return
	}
	t.closeFile()
	t.setMissing("file removed; waiting for it to reappear")
}

// reopen takes up the file at the path when none is held: the start
// decision if it is still pending, the same file at the same offset after
// a read error, or else the next file, after the files rolled in and out
// while the path was missing.
func (t *tailer) reopen(ctx context.Context, emit func([]byte), st pathStat) bool {
	if t.startPending {
		t.startAt(ctx, emit, st)
		t.startPending = t.file == nil
		return t.file != nil
	}
	if l := t.lost; l != nil {
		at := int64(0)
		if l.Identity == st.id.String() {
			at = l.Offset
		}
		if t.open(at, false) {
			t.lost = nil
			t.obs.Reopened(ReasonError)
		}
		return t.file != nil
	}
	return t.openNext(ctx, emit, t.middlesSince(), false) && t.file != nil
}

// rotated: another file is at the path. The held one is read to its end
// first, then the files rolled in and out meanwhile, then the new one from
// 0. While the new file is empty and the held one may still grow (the
// writer finishing its last lines through its own handle), it waits.
func (t *tailer) rotated(ctx context.Context, emit func([]byte), st pathStat) bool {
	t.pathOK()
	if st.size == 0 && t.mayStillGrow() {
		return false
	}
	t.readToEOF(ctx, emit, false)
	if ctx.Err() != nil {
		return false // stopped while draining: Position stays in the old file
	}
	t.closeFile()
	return t.openNext(ctx, emit, t.middlesSince(), true) && t.file != nil
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
	f, id, size, err := openFile(t.cfg.Path)
	if err != nil {
		t.openFailed(err)
		return false
	}
	return t.use(f, id, size, at, fromEnd)
}

// openNext opens the file now at the path after the held one was rolled
// over or went missing. Files rolled in and out in between are read first
// (middle.go); the path is opened before they are looked for, so the file
// it names is excluded by identity, and one rolled away since the look is
// found among them. It reports whether ctx is still live.
func (t *tailer) openNext(ctx context.Context, emit func([]byte), since *middleSearch, rotated bool) bool {
	f, id, size, err := openFile(t.cfg.Path)
	if !t.readMiddles(ctx, emit, since, id) {
		if f != nil {
			_ = f.Close()
		}
		return false // stopped: Position is in the middle file
	}
	if err != nil {
		t.openFailed(err)
		return true
	}
	if rotated {
		t.log.Info("file rotated; reading the new file from the start")
		t.obs.Reopened(ReasonRotated)
	} else {
		t.log.Info("log file appeared; reading it from the start")
	}
	t.use(f, id, size, 0, false)
	return true
}

func (t *tailer) openFailed(err error) {
	if isGone(err) {
		t.setMissing("log file missing; waiting for it to appear")
		return
	}
	if isLocked(err) {
		t.backoffLocked()
	}
	t.failPath("open", err)
}

// use starts reading f (just opened at the path) at offset at.
func (t *tailer) use(f *os.File, id fileID, size int64, at int64, fromEnd bool) bool {
	t.setFile(f, id)
	t.pathOK()
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
		if fromEnd {
			// The end may split a code unit; a saved offset is always a
			// line boundary and is taken as it is.
			at -= (at - t.lr.pos) % int64(t.lr.enc.unit())
		}
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
	return readBefore(t.file, off, b) && b[0] == '\n' && (u == 1 || b[1] == 0)
}

// settle ends a switch begun by setFile: the current file's offset is
// right, so the position is worth saving at once (Config.Checkpoint).
func (t *tailer) settle() {
	t.mu.Lock()
	switched := t.switching
	t.switching = false
	t.mu.Unlock()
	if switched {
		t.checkpoint()
	}
}

// checkpoint asks the caller to save positions now.
func (t *tailer) checkpoint() {
	if t.cfg.Checkpoint != nil {
		t.cfg.Checkpoint()
	}
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
	t.missing, t.waitLooks, t.backoff, t.damaged = false, 0, 0, false
}

func (t *tailer) closeFile() {
	if t.file == nil {
		return
	}
	var mod int64
	if fi, err := t.file.Stat(); err == nil {
		t.last = heldFile{id: t.id, mod: fi.ModTime()}
		mod = fi.ModTime().UnixNano()
	}
	t.mu.Lock()
	off := t.consumed.Load()
	t.closed = Position{Identity: t.posID.String(), Offset: off, Check: checkBytes(t.file, off), Modified: mod}
	_ = t.file.Close()
	t.file, t.posFile = nil, nil
	t.mu.Unlock()
	t.obs.FileClosed()
}

// setMissing enters the missing state, saying so once.
func (t *tailer) setMissing(msg string) {
	if t.missing {
		return
	}
	t.missing = true
	t.pathErr = ""
	t.obs.FileClosed()
	t.obs.Missing()
	t.log.Info(msg)
}

// failPath records that the path cannot be looked at or opened: logged and
// counted when the state begins or the error changes, retried on every look.
func (t *tailer) failPath(op string, err error) {
	t.missing = false
	t.report(&t.pathErr, op, err)
}

// report enters the error state *state, once per distinct error.
func (t *tailer) report(state *string, op string, err error) {
	msg := op + ": " + err.Error()
	if msg == *state {
		return
	}
	*state = msg
	t.obs.ReadError(err)
	t.log.Warn("cannot read log file; retrying", "op", op, "err", err)
}

// pathOK ends a path error state, saying so once.
func (t *tailer) pathOK() {
	if t.pathErr != "" {
		t.log.Info("log file readable again")
		t.pathErr = ""
	}
}

// readOK ends a read error state, saying so once.
func (t *tailer) readOK() {
	if t.readErr != "" {
		t.log.Info("log file readable again")
		t.readErr = ""
	}
}

// readFailed closes the handle after a read error; the same file is resumed
// at the same offset once it can be opened again.
func (t *tailer) readFailed(err error) {
	if isLocked(err) {
		t.backoffLocked()
		t.report(&t.readErr, "read", err)
		return
	}
	t.lost = &Position{Identity: t.id.String(), Offset: t.lr.pos}
	t.closeFile()
	t.report(&t.readErr, "read", err)
}

func (t *tailer) backoffLocked() {
	t.backoff = min(max(1, 2*t.backoff), maxBackoff)
	t.waitLooks = t.backoff
}

// lineReport logs what the line reader finds wrong in the content and
// passes it on to the Observer, which counts it.
type lineReport struct{ t *tailer }

func (r lineReport) LineTooLong() {
	r.t.log.Warn("skipped a line longer than the line length cap", "max_bytes", r.t.cfg.MaxLineBytes)
	r.t.obs.LineTooLong()
}

func (r lineReport) LineDamaged() {
	if !r.t.damaged {
		r.t.damaged = true
		r.t.log.Warn("UTF-16 line broken by a stray byte; dropped it and read on from its line ending (said once per file)")
	}
	r.t.obs.LineDamaged()
}
