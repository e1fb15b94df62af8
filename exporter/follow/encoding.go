package follow

import (
	"bytes"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// encoding is how one file's bytes become UTF-8 lines. It is sniffed at
// offset 0 of every file, so offsets always count source bytes.
type encoding int

const (
	encUnknown encoding = iota // not enough bytes yet to tell
	encUTF8                    // no BOM: UTF-8 (or ASCII); bytes pass through
	encUTF8BOM                 // EF BB BF, stripped
	encUTF16LE                 // FF FE, or ASCII text with every second byte 0
)

func (e encoding) String() string {
	switch e {
	case encUTF8:
		return "utf-8"
	case encUTF8BOM:
		return "utf-8-bom"
	case encUTF16LE:
		return "utf-16le"
	}
	return ""
}

// unit is the width of one code unit: newline and CR are searched at
// multiples of it from the start of a line.
func (e encoding) unit() int {
	if e == encUTF16LE {
		return 2
	}
	return 1
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
)

// sniff decides the encoding from the first bytes of a file and returns the
// number of BOM bytes to skip. It returns encUnknown while head is a strict
// prefix of a BOM (the writer may not have finished it) or empty.
func sniff(head []byte) (encoding, int) {
	switch {
	case len(head) == 0:
		return encUnknown, 0
	case bytes.HasPrefix(head, bomUTF8):
		return encUTF8BOM, len(bomUTF8)
	case bytes.HasPrefix(head, bomUTF16LE):
		return encUTF16LE, len(bomUTF16LE)
	case bytes.HasPrefix(bomUTF8, head), bytes.HasPrefix(bomUTF16LE, head):
		return encUnknown, 0
	case len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		// UTF-16LE without BOM: ASCII text with a NUL after every byte.
		return encUTF16LE, 0
	}
	return encUTF8, 0
}

// Sniff is how the follower decodes a file that starts with head: the name of its encoding
// ("utf-8", "utf-8-bom" or "utf-16le") and the width of a code unit in bytes; "" while head is
// empty or a strict prefix of a byte order mark.
func Sniff(head []byte) (name string, unit int) {
	e, _ := sniff(head)
	return e.String(), e.unit()
}

// indexNewline returns the index of the next line ending in b, which starts
// at a line boundary, or -1. For UTF-16LE only "\n\x00" at an even index
// counts, so a code unit such as U+0A0D is not taken for a newline.
//
// damaged reports a UTF-16 line that a stray byte (one byte too many or
// too few) has shifted out of step: its line ending is "\n\x00" at an odd
// index, after a 0x00. Read in step, those bytes would be the unit U+0A00,
// which Unicode leaves unassigned, followed by a unit ending in 0x00, so no
// text in step has them. The line is dropped and the next one starts just
// after that ending, in step again; without this every later line of the
// file would be read out of step, as one overlong line.
func indexNewline(b []byte, enc encoding) (i int, damaged bool) {
	if enc != encUTF16LE {
		return bytes.IndexByte(b, '\n'), false
	}
	for off := 0; ; {
		j := bytes.IndexByte(b[off:], '\n')
		if j < 0 {
			return -1, false
		}
		j += off
		if j+1 >= len(b) {
			return -1, false // half a code unit: wait for the rest
		}
		if b[j+1] == 0 {
			if j%2 == 0 {
				return j, false
			}
			if b[j-1] == 0 {
				return j, true
			}
		}
		off = j + 1
	}
}

// trimCR removes one trailing carriage return in the file's encoding.
func trimCR(line []byte, enc encoding) []byte {
	if enc == encUTF16LE {
		if n := len(line); n >= 2 && line[n-2] == '\r' && line[n-1] == 0 {
			return line[:n-2]
		}
		return line
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// utf16Decoder decodes one UTF-16LE line at a time into a reused buffer.
type utf16Decoder struct {
	t   transform.Transformer
	out []byte
}

func (d *utf16Decoder) decode(src []byte) []byte {
	if d.t == nil {
		d.t = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	}
	// Each 2-byte unit becomes at most 3 UTF-8 bytes (a surrogate pair, 4
	// bytes, takes 4 source bytes); an odd last byte becomes U+FFFD.
	if need := len(src)*3/2 + 4; cap(d.out) < need {
		d.out = make([]byte, need)
	}
	d.out = d.out[:cap(d.out)]
	if n, ok := asciiUTF16(d.out, src); ok {
		return d.out[:n] // fast path: log lines are mostly ASCII
	}
	d.t.Reset()
	n, _, err := d.t.Transform(d.out, src, true)
	if err != nil {
		// Cannot happen with the size above; keep what was decoded.
		return d.out[:n]
	}
	return d.out[:n]
}

// asciiUTF16 copies src to dst if every code unit is ASCII.
func asciiUTF16(dst, src []byte) (int, bool) {
	if len(src)%2 != 0 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(src); i += 2 {
		if src[i+1] != 0 || src[i] >= 0x80 {
			return 0, false
		}
		dst[n] = src[i]
		n++
	}
	return n, true
}
