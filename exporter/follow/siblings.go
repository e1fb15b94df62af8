package follow

import (
	"os"
	"path/filepath"
	"strings"
)

// maxSiblings bounds the work of a search in a directory full of old logs.
const maxSiblings = 256

// siblings lists the files beside base whose name starts with its stem
// (the name without extension): where rolled-over copies of it live,
// whatever the naming scheme (x.log.1, x.1.log, x-2026-11-23.log).
func siblings(dir, base string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	stem := strings.ToLower(strings.TrimSuffix(base, filepath.Ext(base)))
	var out []string
	for _, e := range ents {
		n := e.Name()
		if n == base || e.IsDir() || !strings.HasPrefix(strings.ToLower(n), stem) {
			continue
		}
		out = append(out, filepath.Join(dir, n))
		if len(out) == maxSiblings {
			break
		}
	}
	return out
}

// findByIdentity opens the sibling with the given identity (a file rolled
// over while the exporter was stopped).
func findByIdentity(dir, base, identity string) (*os.File, fileID) {
	for _, p := range siblings(dir, base) {
		f, id, _, err := openFile(p)
		if err != nil {
			continue
		}
		if id.String() == identity {
			return f, id
		}
		f.Close()
	}
	return nil, fileID{}
}

// findCopy opens the sibling that copy-and-truncate made from our file: it
// holds, at the offset we had read to, the same bytes we read last, and
// more after them.
func findCopy(dir, base string, off int64, tail []byte, exclude fileID) *os.File {
	if len(tail) == 0 || off < int64(len(tail)) {
		return nil
	}
	for _, p := range siblings(dir, base) {
		f, id, size, err := openFile(p)
		if err != nil {
			continue
		}
		if id != exclude && size > off && endsWith(f, off, tail) {
			return f
		}
		f.Close()
	}
	return nil
}
