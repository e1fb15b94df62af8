package follow

import (
	"bytes"
	"io"
)

// readBefore fills b with the len(b) bytes just before off in r. It
// reports false if they cannot all be read.
func readBefore(r io.ReaderAt, off int64, b []byte) bool {
	if off < int64(len(b)) {
		return false
	}
	n, _ := r.ReadAt(b, off-int64(len(b)))
	return n == len(b)
}

// endsWith reports whether the bytes just before off in r are want: the
// check that a file still holds what was read from it. An empty want
// always matches.
func endsWith(r io.ReaderAt, off int64, want []byte) bool {
	if len(want) == 0 {
		return true
	}
	var small [tailLen]byte
	var got []byte
	if len(want) <= tailLen {
		got = small[:len(want)]
	} else {
		got = make([]byte, len(want))
	}
	return readBefore(r, off, got) && bytes.Equal(got, want)
}
