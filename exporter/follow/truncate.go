package follow

import (
	"context"
	"io"
	"os"
)

// tailIntact re-reads the bytes that were just before the offset of state
// s: if they changed or are gone, the file was truncated, even if it has
// regrown past that offset (a size comparison alone misses that).
func (t *tailer) tailIntact(s tailState) bool {
	return endsWith(t.file, s.pos, s.tail[:s.n])
}

// truncated handles copy-and-truncate: lines written after our last read
// and before the copy exist only in the copy, so read them there first,
// then read the truncated file from 0.
func (t *tailer) truncated(ctx context.Context, emit func([]byte)) {
	if c := findCopy(t.dir, t.base, t.lr.pos, t.lr.tail[:t.lr.tailN], t.id); c != nil {
		before := t.lr.pos
		for ctx.Err() == nil {
			n, err := t.lr.fill(readerAt{c, t.lr.pos})
			if n > 0 {
				t.lr.scan(emit)
			}
			if n == 0 || err != nil {
				break
			}
		}
		t.log.Info("read the end of the truncated file from its copy", "copy", c.Name(), "bytes", t.lr.pos-before)
		_ = c.Close()
		if ctx.Err() != nil {
			return
		}
	}
	t.log.Info("file truncated; reading it from the start", "offset", t.lr.pos)
	t.obs.Reopened(ReasonTruncated)
	t.restart()
}

// restart reads the current file again from its start, and has that
// position saved at once.
func (t *tailer) restart() {
	t.lr.switchFile(0)
	t.consumed.Store(0)
	if _, err := t.file.Seek(0, io.SeekStart); err != nil {
		t.readFailed(err)
		return
	}
	t.sniff()
	t.checkpoint()
}

// readerAt reads f from off without moving f's own offset.
type readerAt struct {
	f   *os.File
	off int64
}

func (r readerAt) Read(p []byte) (int, error) { return r.f.ReadAt(p, r.off) }
