package follow

import (
	"bytes"
	"context"
	"io"
	"os"
)

// tailIntact re-reads the last bytes before our offset: if they changed or
// are gone, the file was truncated, even if it has regrown past our offset
// (a size comparison alone misses that).
func (t *tailer) tailIntact() bool {
	n := t.lr.tailN
	if n == 0 || t.lr.pos < int64(n) {
		return true
	}
	var b [tailLen]byte
	m, _ := t.file.ReadAt(b[:n], t.lr.pos-int64(n))
	return m == n && bytes.Equal(b[:n], t.lr.tail[:n])
}

// stillIntact is tailIntact for the bytes that were before a read that has just been
// made: if they changed, the file was truncated before the read, not after it.
func (t *tailer) stillIntact(before tailState) bool {
	if before.n == 0 || before.pos < int64(before.n) {
		return true
	}
	var b [tailLen]byte
	m, _ := t.file.ReadAt(b[:before.n], before.pos-int64(before.n))
	return m == before.n && bytes.Equal(b[:before.n], before.tail[:before.n])
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
		c.Close()
		if ctx.Err() != nil {
			return
		}
	}
	t.log.Info("file truncated; reading it from the start", "offset", t.lr.pos)
	t.obs.Reopened(ReasonTruncated)
	t.restart()
}

// restart reads the current file again from its start.
func (t *tailer) restart() {
	t.lr.switchFile(0)
	t.consumed.Store(0)
	if _, err := t.file.Seek(0, io.SeekStart); err != nil {
		t.readFailed(err)
		return
	}
	t.sniff()
}

// readerAt reads f from off without moving f's own offset.
type readerAt struct {
	f   *os.File
	off int64
}

func (r readerAt) Read(p []byte) (int, error) { return r.f.ReadAt(p, r.off) }
