package follow

import (
	"testing"
	"unicode/utf16"
)

func le16(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		head string
		enc  encoding
		bom  int
	}{
		{"", encUnknown, 0},
		{"\xef", encUnknown, 0},
		{"\xef\xbb", encUnknown, 0},
		{"\xff", encUnknown, 0},
		{"\xef\xbb\xbf2026", encUTF8BOM, 3},
		{"\xff\xfe2\x00", encUTF16LE, 2},
		{"2\x000\x00", encUTF16LE, 0}, // BOM-less UTF-16LE, e.g. after copy-and-truncate
		{"2026", encUTF8, 0},
		{"\n", encUTF8, 0},
		{"\x00\x01\x02\x03", encUTF8, 0},
	} {
		if enc, bom := sniff([]byte(tc.head)); enc != tc.enc || bom != tc.bom {
			t.Errorf("sniff(%q) = %v, %d; want %v, %d", tc.head, enc, bom, tc.enc, tc.bom)
		}
	}
}

func TestIndexNewlineUTF16(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want int
	}{
		{le16("ab\n"), 4},
		{le16("\u0a0d\u0a00x\n"), 6}, // code units whose bytes contain 0x0A are not newlines
		{[]byte{'a', 0, '\n'}, -1},   // half a code unit: wait
		{le16("abc"), -1},
		{append([]byte{0x0a}, le16("\n")...), -1}, // odd-aligned 0x0A followed by a stray byte
	} {
		if got, _ := indexNewline(tc.in, encUTF16LE); got != tc.want {
			t.Errorf("indexNewline(% x) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestDecodeUTF16(t *testing.T) {
	var d utf16Decoder
	for _, s := range []string{"", "plain ascii", "Grüße ✓", "emoji 😀 pair", "\u0a0d"} {
		if got := string(d.decode(le16(s))); got != s {
			t.Errorf("decode(%q) = %q", s, got)
		}
	}
	if got := string(d.decode([]byte{0x00, 0xd8, 'a', 0})); got != "\ufffda" {
		t.Errorf("lone surrogate decoded to %q, want U+FFFD then a", got)
	}
}

func TestIndexNewlineUTF16Damaged(t *testing.T) {
	shifted := append([]byte{'x'}, le16("ab\r\n")...) // one stray byte: every unit out of step
	for _, tc := range []struct {
		in      []byte
		want    int
		damaged bool
	}{
		{shifted, 7, true},
		{le16("ab\r\n"), 6, false},
		{shifted[:len(shifted)-1], -1, false},           // the ending's second byte not there yet
		{append(le16("\u0a00"), 0x41, 0x00), -1, false}, // U+0A00 then "A": no line ending
		{le16("\u0a00\u0100"), 1, true},                 // U+0A00 is unassigned: no text in step has it
	} {
		got, damaged := indexNewline(tc.in, encUTF16LE)
		if got != tc.want || damaged != tc.damaged {
			t.Errorf("indexNewline(% x) = %d, %v; want %d, %v", tc.in, got, damaged, tc.want, tc.damaged)
		}
	}
}
