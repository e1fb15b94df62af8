package follow

import (
	"bytes"
	"context"
	"fmt"
	"os"
)

// start opens the file present at startup: at the resumed position, at its
// end, or at its start with FromStart. When it cannot (the path is missing,
// not a file, or fails to open), that decision waits for the first look at
// which the path can be opened (startPending), so that a saved position is
// still honoured and a file that was there all along is still read from its
// end; only a file with no saved position that appears later is read from 0.
func (t *tailer) start(ctx context.Context, emit func([]byte)) {
	t.noteKnown() // rolled files already there are never middle files
	st, err := t.stat(t.cfg.Path)
	hasResume := t.cfg.Resume != nil && t.cfg.Resume.Identity != ""
	switch {
	case isGone(err):
		t.startPending = hasResume
		t.setMissing()
		return
	case err != nil:
		t.startPending = true
		t.fail("stat", err)
		return
	case st.isDir:
		t.startPending = hasResume
		t.fail("stat", fmt.Errorf("%s %w", t.cfg.Path, errIsDir))
		return
	}
	t.startAt(ctx, emit, st)
	t.startPending = t.file == nil
}

// startAt is start's decision once the path can be opened.
func (t *tailer) startAt(ctx context.Context, emit func([]byte), st pathStat) {
	if r := t.cfg.Resume; r != nil && r.Identity != "" {
		t.resume(ctx, emit, st, r)
		return
	}
	if t.cfg.FromStart {
		t.open(0, false)
		return
	}
	t.open(st.size, true)
}

// resume continues where a previous run stopped. If the file was rolled
// over meanwhile, the old file is looked for beside it by identity and
// drained from the saved offset first.
func (t *tailer) resume(ctx context.Context, emit func([]byte), st pathStat, r *Position) {
	if st.id.String() == r.Identity {
		if !t.open(r.Offset, false) {
			return
		}
		if t.lr.pos < r.Offset || !t.checkAt(t.file, r.Offset, r.Check) {
			t.log.Info("file was truncated while stopped; reading it from the start", "saved_offset", r.Offset)
			t.obs.Reopened(ReasonTruncated)
			t.restart()
		}
		return
	}
	if f, id := findByIdentity(t.dir, t.base, r.Identity); f != nil {
		t.log.Info("file was rolled over while stopped; draining the old file first", "old", f.Name(), "saved_offset", r.Offset)
		t.setFile(f, id)
		t.obs.FileOpened()
		t.lr.switchFile(0)
		if t.sniff() && r.Offset >= t.lr.pos && t.checkAt(f, r.Offset, r.Check) {
			t.seek(r.Offset)
			t.settle()
			t.readToEOF(ctx, emit, false)
			if ctx.Err() != nil {
				return // stopped while draining: Position stays in the old file
			}
		} else {
			t.log.Warn("rolled-over file does not match the saved position; skipping it", "old", f.Name())
		}
		t.closeFile()
	} else {
		t.log.Warn("file was rolled over while stopped and the old file is gone; lines written to it after the saved position are lost", "saved_offset", r.Offset)
	}
	t.obs.Reopened(ReasonRotated)
	t.open(0, false)
}

// checkAt reports whether the bytes before off in f are want.
func (t *tailer) checkAt(f *os.File, off int64, want []byte) bool {
	if len(want) == 0 || off < int64(len(want)) {
		return len(want) == 0
	}
	got := make([]byte, len(want))
	n, _ := f.ReadAt(got, off-int64(len(want)))
	return n == len(want) && bytes.Equal(got, want)
}
