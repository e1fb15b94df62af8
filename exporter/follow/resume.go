package follow

import (
	"context"
	"time"
)

// start opens the file present at startup: at the resumed position, at its
// end, or at its start with FromStart. When it cannot (the path is missing,
// not a regular file, or fails to open), that decision waits for the first
// look at which the path can be opened (startPending), so that a saved
// position is still honoured and a file that was there all along is still
// read from its end; only a file with no saved position that appears later
// is read from 0.
func (t *tailer) start(ctx context.Context, emit func([]byte)) {
	t.startedAt = time.Now()
	t.noteKnown() // rolled files already there are never middle files of this run
	st, err := t.stat(t.cfg.Path)
	hasResume := t.cfg.Resume != nil && t.cfg.Resume.Identity != ""
	switch {
	case isGone(err):
		t.startPending = hasResume
		t.setMissing("log file missing; waiting for it to appear")
		return
	case err != nil:
		t.startPending = true
		t.failPath("stat", err)
		return
	}
	if err := st.usable(t.cfg.Path); err != nil {
		t.startPending = hasResume
		t.failPath("stat", err)
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
	at, fromEnd := st.size, true
	if t.cfg.FromStart {
		at, fromEnd = 0, false
	}
	if t.open(at, fromEnd) {
		t.log.Info("following log file", "offset", t.consumed.Load())
	}
}

// resume continues where a previous run stopped. If the file was rolled
// over meanwhile, every generation written since the saved position is
// read, oldest first, before the file now at the path: the saved file,
// looked for beside it by identity, from the saved offset; then the files
// rolled in and out after it, found as middle files are (middle.go).
func (t *tailer) resume(ctx context.Context, emit func([]byte), st pathStat, r *Position) {
	if st.id.String() == r.Identity {
		if !t.open(r.Offset, false) {
			return
		}
		if t.lr.pos < r.Offset || !endsWith(t.file, r.Offset, r.Check) {
			t.log.Info("file was truncated while stopped; reading it from the start", "saved_offset", r.Offset)
			t.obs.Reopened(ReasonTruncated)
			t.restart()
			return
		}
		t.log.Info("following log file from the saved position", "offset", r.Offset)
		return
	}
	// The rolled files of the stopped time were already there at start: the
	// search looks at every sibling, not only those appearing later.
	since := &middleSearch{all: true}
	if f, id := findByIdentity(t.dir, t.base, r.Identity); f != nil {
		t.log.Info("file was rolled over while stopped; draining the old file first", "old", f.Name(), "saved_offset", r.Offset)
		t.setFile(f, id)
		t.obs.FileOpened()
		t.lr.switchFile(0)
		if t.sniff() && r.Offset >= t.lr.pos && endsWith(f, r.Offset, r.Check) {
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
		since.after, since.exclude = t.last.mod, t.last.id
	} else {
		t.log.Warn("file was rolled over while stopped and the old file is gone; lines written to it after the saved position are lost", "saved_offset", r.Offset)
		if r.Modified == 0 {
			since = nil // saved without its time: the later files cannot be told from older ones
		} else {
			// The old file's last write is unknown; the time it had when the position was
			// saved is a lower bound. (A file written in the same clock tick is read too:
			// at worst counted twice, never lost.)
			since.after = time.Unix(0, r.Modified)
		}
	}
	t.openNext(ctx, emit, since, true)
}
