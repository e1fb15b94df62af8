package follow

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

const (
	// maxSiblings bounds the work of a search in a directory full of old
	// logs: the most recently modified ones are searched.
	maxSiblings = 256
	// maxPasses bounds the passes of a search while a rotator renames files.
	maxPasses = 4
)

// siblings lists the files beside base whose name starts with its stem
// (the name without extension): where rolled-over copies of it live,
// whatever the naming scheme (x.log.1, x.1.log, x-2026-11-23.log). Beyond
// maxSiblings, the most recently modified are kept.
func siblings(dir, base string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	stem := strings.ToLower(strings.TrimSuffix(base, filepath.Ext(base)))
	type entry struct {
		path string
		mod  time.Time
	}
	var out []entry
	for _, e := range ents {
		n := e.Name()
		if n == base || e.IsDir() || !strings.HasPrefix(strings.ToLower(n), stem) {
			continue
		}
		var mod time.Time
		if len(ents) > maxSiblings {
			if fi, err := e.Info(); err == nil {
				mod = fi.ModTime()
			}
		}
		out = append(out, entry{filepath.Join(dir, n), mod})
	}
	if len(out) > maxSiblings {
		slices.SortStableFunc(out, func(a, b entry) int { return b.mod.Compare(a.mod) })
		out = out[:maxSiblings]
	}
	paths := make([]string, len(out))
	for i, e := range out {
		paths[i] = e.path
	}
	return paths
}

// eachSibling opens every sibling, each file once whatever its names, and
// hands it to visit, which says whether it keeps the handle (else it is
// closed) and whether the search is over. A rotator may rename files while
// they are listed and opened (x.log.1 to x.log.2): a file that moved from a
// name not opened yet to one already opened escapes a pass, so passes
// repeat until one finds no file it had not seen (at most maxPasses).
func eachSibling(dir, base string, visit func(f *os.File, id fileID, size int64) (keep, done bool)) {
	seen := map[fileID]bool{}
	for range maxPasses {
		found := false
		for _, p := range siblings(dir, base) {
			f, id, size, err := openFile(p)
			if err != nil {
				continue
			}
			if seen[id] {
				_ = f.Close()
				continue
			}
			seen[id], found = true, true
			keep, done := visit(f, id, size)
			if !keep {
				_ = f.Close()
			}
			if done {
				return
			}
		}
		if !found {
			return
		}
	}
}

// findByIdentity opens the sibling with the given identity (a file rolled
// over while the exporter was stopped).
func findByIdentity(dir, base, identity string) (found *os.File, foundID fileID) {
	eachSibling(dir, base, func(f *os.File, id fileID, _ int64) (bool, bool) {
		if id.String() != identity {
			return false, false
		}
		found, foundID = f, id
		return true, true
	})
	return found, foundID
}

// findCopy opens the sibling that copy-and-truncate made from our file: it
// holds, at the offset we had read to, the same bytes we read last, and
// more after them.
func findCopy(dir, base string, off int64, tail []byte, exclude fileID) (found *os.File) {
	if len(tail) == 0 || off < int64(len(tail)) {
		return nil
	}
	eachSibling(dir, base, func(f *os.File, id fileID, size int64) (bool, bool) {
		if id == exclude || size <= off || !endsWith(f, off, tail) {
			return false, false
		}
		found = f
		return true, true
	})
	return found
}
