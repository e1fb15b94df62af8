package follow

import (
	"bytes"
	"io"
	"sync/atomic"
)

const (
	// chunkSize is one read: large enough that a burst costs few syscalls.
	chunkSize = 64 << 10
	// tailLen bytes just before the read offset are kept to recognise a file
	// that was truncated and regrew past our offset between two looks.
	tailLen = 32
)

// lineReader cuts one file's bytes into lines: chunked reads into one reused
// buffer, a partial last line kept until its newline arrives, line endings
// and BOMs removed, UTF-16 decoded per line. Memory is bounded by
// maxBuffer(): an overlong line is skipped, not collected.
type lineReader struct {
	buf        []byte
	start, end int   // unconsumed bytes: buf[start:end]; start is a line boundary
	pos        int64 // source offset of buf[end] in the current file
	enc        encoding
	carryEnc   encoding // encoding of a partial line carried over from the previous file
	maxLine    int
	skipping   bool // inside an overlong line (or a fragment): discard to its end
	silent     bool // the skipped bytes are a fragment, not an overlong line
	consumed   *atomic.Int64
	batch      chan struct{} // holds a token while scan emits a batch: Position waits for its end
	obs        lineEvents
	dec        utf16Decoder
	tail       [tailLen]byte
	tailN      int
}

// lineEvents hears what is wrong with the content: a line dropped as too
// long, or one broken by a stray byte.
type lineEvents interface {
	LineTooLong()
	LineDamaged()
}

func newLineReader(maxLine int, consumed *atomic.Int64, batch chan struct{}, obs lineEvents) lineReader {
	return lineReader{maxLine: maxLine, consumed: consumed, batch: batch, obs: obs}
}

// maxBuffer is the cap the buffer never grows past: the longest line kept,
// its CR and newline, and room for one read.
func (lr *lineReader) maxBuffer() int { return lr.maxLine + 4 + chunkSize }

// fill reads once from r into the free end of the buffer.
func (lr *lineReader) fill(r io.Reader) (int, error) {
	lr.makeRoom()
	n, err := r.Read(lr.buf[lr.end:])
	if n > 0 {
		lr.noteTail(lr.buf[lr.end : lr.end+n])
		lr.end += n
		lr.pos += int64(n)
	}
	return n, err
}

// tailState is the end of what was read: its offset and the bytes just before it.
type tailState struct {
	pos  int64
	tail [tailLen]byte
	n    int
}

func (lr *lineReader) tailState() tailState {
	return tailState{pos: lr.pos, tail: lr.tail, n: lr.tailN}
}

// unfill takes back the n bytes the last fill read, as if it had not happened.
func (lr *lineReader) unfill(n int, before tailState) {
	lr.end -= n
	lr.pos, lr.tail, lr.tailN = before.pos, before.tail, before.n
}

func (lr *lineReader) makeRoom() {
	if lr.buf == nil {
		lr.buf = make([]byte, chunkSize)
	}
	if lr.start == lr.end {
		lr.start, lr.end = 0, 0
	}
	if len(lr.buf)-lr.end >= chunkSize/2 {
		return
	}
	if lr.start > 0 {
		lr.end = copy(lr.buf, lr.buf[lr.start:lr.end])
		lr.start = 0
	}
	if len(lr.buf)-lr.end >= chunkSize/2 {
		return
	}
	// A partial line fills the buffer: grow, never past maxBuffer. scan
	// discards a partial line longer than maxLine, so at the cap there is
	// always room for a read.
	n := min(2*len(lr.buf), lr.maxBuffer())
	grown := make([]byte, n)
	lr.end = copy(grown, lr.buf[lr.start:lr.end])
	lr.start = 0
	lr.buf = grown
}

func (lr *lineReader) noteTail(p []byte) {
	if len(p) >= tailLen {
		copy(lr.tail[:], p[len(p)-tailLen:])
		lr.tailN = tailLen
		return
	}
	keep := min(lr.tailN, tailLen-len(p))
	copy(lr.tail[:keep], lr.tail[lr.tailN-keep:lr.tailN])
	copy(lr.tail[keep:], p)
	lr.tailN = keep + len(p)
}

func (lr *lineReader) offsetOf(i int) int64 { return lr.pos - int64(lr.end-i) }

// scan emits every complete line in the buffer and records the consumed
// offset past the last one. It allocates nothing. The offset is stored once
// per batch, not once per line (an atomic store costs as much as finding a
// line), and batch holds a token meanwhile, so that Position, which waits for
// it, still counts every line whose emit has returned.
func (lr *lineReader) scan(emit func([]byte)) {
	lr.batch <- struct{}{}
	defer func() { <-lr.batch }()
	consumed := -1 // index in buf just past the last line consumed
	if lr.enc != encUTF16LE {
		// The lines of a UTF-8 file, as the loop below takes them, without its cases for
		// UTF-16 and for skipping: it goes on with what is left.
		for !lr.skipping {
			b := lr.buf[lr.start:lr.end]
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				break
			}
			line := b[:i]
			if i > 0 && line[i-1] == '\r' {
				line = line[:i-1]
			}
			if len(line) > lr.maxLine {
				lr.obs.LineTooLong()
			} else {
				emit(line)
			}
			lr.start += i + 1
			consumed = lr.start
		}
	}
	unit := lr.enc.unit()
	for lr.start < lr.end {
		b := lr.buf[lr.start:lr.end]
		i, damaged := indexNewline(b, lr.enc)
		if i < 0 {
			if lr.skipping || len(b) > lr.maxLine+2*unit {
				// Overlong: drop whole code units, keep the consumed offset
				// at the line's start until its end is found.
				lr.skipping = true
				lr.start += len(b) &^ (unit - 1)
			}
			break
		}
		next := lr.start + i + unit
		switch {
		case lr.skipping:
			lr.skipping = false
			if lr.silent {
				lr.silent = false
			} else {
				lr.obs.LineTooLong()
			}
		case damaged:
			lr.obs.LineDamaged()
		default:
			line := trimCR(b[:i], lr.enc)
			if len(line) > lr.maxLine {
				lr.obs.LineTooLong()
			} else {
				emit(lr.decode(line))
			}
		}
		lr.start = next
		consumed = next
	}
	if consumed >= 0 {
		lr.consumed.Store(lr.offsetOf(consumed))
	}
	if lr.start == lr.end {
		lr.start, lr.end = 0, 0
	}
}

// flush emits a last line that has no newline (one-shot replay at EOF).
func (lr *lineReader) flush(emit func([]byte)) {
	if lr.start < lr.end {
		if lr.skipping {
			if !lr.silent {
				lr.obs.LineTooLong()
			}
		} else if line := trimCR(lr.buf[lr.start:lr.end], lr.enc); len(line) > lr.maxLine {
			lr.obs.LineTooLong()
		} else {
			emit(lr.decode(line))
		}
		lr.consumed.Store(lr.pos)
	}
	lr.start, lr.end, lr.skipping, lr.silent = 0, 0, false, false
}

func (lr *lineReader) decode(line []byte) []byte {
	if lr.enc == encUTF16LE {
		return lr.dec.decode(line)
	}
	return line
}

// switchFile starts reading another file (or the same one again) at pos. A
// partial line is kept: its rest may be at the start of the next file (a
// line written across the rollover); setEncoding drops it if the encodings
// differ.
func (lr *lineReader) switchFile(pos int64) {
	if lr.enc != encUnknown {
		lr.carryEnc = lr.enc
	}
	lr.enc = encUnknown
	lr.pos = pos
	lr.tailN = 0
}

// setEncoding is called once the new file's first bytes are known.
func (lr *lineReader) setEncoding(enc encoding) {
	lr.enc = enc
	if lr.start < lr.end && lr.carryEnc != encUnknown && lr.carryEnc.unit() != enc.unit() {
		lr.start, lr.end, lr.skipping, lr.silent = 0, 0, false, false
	}
	lr.carryEnc = encUnknown
}
