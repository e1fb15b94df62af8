package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// maxGenerations bounds the rolled files read per log (the newest are kept).
const maxGenerations = 1000

// maxNamed bounds the names a note on skipped files lists.
const maxNamed = 10

// File statuses.
const (
	StatusRead       = "read"
	StatusMissing    = "missing"
	StatusEmpty      = "empty"
	StatusCompressed = "compressed"
	StatusUnreadable = "unreadable"
)

// compressedExts are the name endings of compressed files, which are listed and not read.
var compressedExts = []string{".gz", ".tgz", ".bz2", ".xz", ".zst", ".zip", ".7z", ".lz4", ".lzma", ".z", ".br", ".rar", ".cab"}

// candidate is one file of a log: the log itself or a rolled generation beside it.
type candidate struct {
	path    string
	size    int64
	mod     time.Time
	current bool // the log's own path (read last)
	status  string
	reason  string
	info    os.FileInfo // for os.SameFile; nil when the file cannot be read
	first   time.Time   // the time of its first entry; zero when it has none
}

// generations lists the rolled generations of the log at path, oldest first, followed by the
// log itself, and notes what the coverage should say about them. A generation is a file in
// the same folder whose name isGeneration takes; files that another configured log claims (its
// own path, or a longer name match) are left to it. The order is that of their first entries
// (modification times are reset when a folder is copied, and names differ between rotators),
// then their modification time; a file without an entry (compressed, empty, all malformed) is
// placed by its modification time. A second name for a file already listed (a hard or symbolic
// link), and a file that starts like the log's name but is not a generation (a zipped backup,
// an editor's backup), are skipped; only the newest maxGens generations are kept. syslogYear is
// the year of RFC 3164 syslog lines (0: inferred).
func generations(path string, claimedBy func(abs, name string) bool, syslogYear, maxGens int) ([]candidate, []string) {
	cur := candidate{path: path, current: true, status: StatusRead}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		cur.status, cur.reason = StatusMissing, "no such file"
	case err != nil:
		cur.status, cur.reason = StatusUnreadable, err.Error()
	case st.IsDir():
		cur.status, cur.reason = StatusUnreadable, "is a folder, not a file"
	case !st.Mode().IsRegular():
		// A pipe or a device: opening it may block, and it holds no log to report on.
		cur.status, cur.reason = StatusUnreadable, "not a regular file ("+st.Mode().Type().String()+")"
	default:
		cur.size, cur.mod, cur.info = st.Size(), st.ModTime(), st
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return []candidate{cur}, nil
		}
		return []candidate{cur}, []string{"rolled generations not looked for: cannot list the folder: " + err.Error()}
	}
	var (
		notes      []string
		gens       []candidate
		notLog     []string
		stem       = stemOf(base)
		kept       = []candidate{cur}
		sameAsKept = func(info os.FileInfo) (string, bool) {
			for _, k := range kept {
				if k.info != nil && os.SameFile(k.info, info) {
					return k.path, true
				}
			}
			return "", false
		}
	)
	for _, e := range ents { // by name, so that of two names for one file the first is kept
		name := e.Name()
		if name == base || e.IsDir() || !strings.HasPrefix(strings.ToLower(name), stem) {
			continue
		}
		p := filepath.Join(dir, name)
		if abs, err := filepath.Abs(p); err == nil && claimedBy(abs, name) {
			continue
		}
		if !isGeneration(base, name) {
			notLog = append(notLog, name)
			continue
		}
		info, err := os.Stat(p) // through a symbolic link
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if other, ok := sameAsKept(info); ok {
			notes = append(notes, "skipped "+name+": the same file as "+filepath.Base(other))
			continue
		}
		c := candidate{path: p, size: info.Size(), mod: info.ModTime(), status: StatusRead, info: info}
		if isCompressedName(name) {
			c.status, c.reason = StatusCompressed, "compressed: not read"
		} else {
			c.first, _ = firstEntryOf(p, syslogYear)
		}
		kept = append(kept, c)
		gens = append(gens, c)
	}
	if len(notLog) > 0 {
		notes = append(notes, "skipped "+named(notLog)+" beside the log: not its rolled generations")
	}
	if mtimesDisagree(gens) {
		notes = append(notes, "rolled generations read in the order of their first entries; their modification times give another (a copied folder?)")
	}
	gens = inContentOrder(gens)
	if len(gens) > maxGens {
		notes = append(notes, fmt.Sprintf("only the newest %d of %d rolled generations read: the %d oldest left out", maxGens, len(gens), len(gens)-maxGens))
		gens = gens[len(gens)-maxGens:]
	}
	return append(gens, cur), notes
}

// inContentOrder orders generations by their first entries, then by modification time. A file
// without an entry goes by its modification time: before the first file with an entry that
// was modified at or after it.
func inContentOrder(gens []candidate) []candidate {
	var timed, untimed []candidate
	for _, c := range gens {
		if !c.first.IsZero() {
			timed = append(timed, c)
		} else {
			untimed = append(untimed, c)
		}
	}
	sort.SliceStable(timed, func(i, j int) bool {
		a, b := timed[i], timed[j]
		if !a.first.Equal(b.first) {
			return a.first.Before(b.first)
		}
		return a.mod.Before(b.mod)
	})
	sort.SliceStable(untimed, func(i, j int) bool { return untimed[i].mod.Before(untimed[j].mod) })
	out := make([]candidate, 0, len(gens))
	for _, c := range timed {
		for len(untimed) > 0 && !untimed[0].mod.After(c.mod) {
			out, untimed = append(out, untimed[0]), untimed[1:]
		}
		out = append(out, c)
	}
	return append(out, untimed...)
}

// mtimesDisagree says whether two generations with a first entry are in one order by that
// entry and in the other by their modification times.
func mtimesDisagree(gens []candidate) bool {
	for i, a := range gens {
		for _, b := range gens[i+1:] {
			if !a.first.IsZero() && !b.first.IsZero() && !a.first.Equal(b.first) && !a.mod.Equal(b.mod) &&
				a.first.Before(b.first) != a.mod.Before(b.mod) {
				return true
			}
		}
	}
	return false
}

// named lists names, at most maxNamed of them.
func named(names []string) string {
	if len(names) <= maxNamed {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:maxNamed], ", "), len(names)-maxNamed)
}

// isGeneration says whether name is a rolled generation of the log named base: the log's name,
// or its name without extension, then tokens separated by '.', '-' or '_' that rollovers give
// (numbers, dates and times such as 2026-11-23 or 20261123T0800, the log's extension at the
// end, bak or old), and at most a compression ending after them: MultiFactorAuthSvc.log.1,
// MultiFactorAuthSvc.1.log, MultiFactorAuthSvc-2026-11-23.log, syslog.2.gz,
// MultiFactorAuthSvc.log.bak. Backups that are no rollover (.bak.zip, .orig, an editor's
// .swp or ~) are not.
func isGeneration(base, name string) bool {
	lb, ln := strings.ToLower(base), strings.ToLower(name)
	ext := strings.TrimPrefix(filepath.Ext(lb), ".")
	stem := strings.TrimSuffix(lb, filepath.Ext(lb))
	for _, prefix := range []string{lb, stem} {
		if prefix == "" || len(ln) <= len(prefix)+1 || !strings.HasPrefix(ln, prefix) {
			continue
		}
		rest := ln[len(prefix):]
		if strings.IndexByte(".-_", rest[0]) < 0 {
			continue
		}
		tokens := strings.FieldsFunc(rest, func(r rune) bool { return r == '.' || r == '-' || r == '_' })
		compressed := len(tokens) > 0 && isCompressedName("."+tokens[len(tokens)-1])
		if compressed {
			tokens = tokens[:len(tokens)-1] // a compressed generation: the rest must still be one
		}
		if len(tokens) > 0 && ext != "" && prefix == stem && tokens[len(tokens)-1] == ext {
			tokens = tokens[:len(tokens)-1] // MultiFactorAuthSvc.1.log
		}
		if rolloverTokens(tokens, !compressed) {
			return true
		}
	}
	return false
}

// rolloverTokens says whether tokens are what a rollover adds to a log's name: numbers, dates
// and times, or (when backup) bak or old alone; a compressed backup is no rollover.
func rolloverTokens(tokens []string, backup bool) bool {
	if len(tokens) == 0 {
		return false
	}
	if backup && len(tokens) == 1 && (tokens[0] == "bak" || tokens[0] == "old") {
		return true
	}
	for _, t := range tokens {
		digits := 0
		for i := 0; i < len(t); i++ {
			switch c := t[i]; {
			case c >= '0' && c <= '9':
				digits++
			case (c == 't' || c == 'z') && i > 0: // 20261123T0800Z
			default:
				return false
			}
		}
		if digits == 0 {
			return false
		}
	}
	return true
}

// stemOf is what a generation's name of the log named base starts with.
func stemOf(base string) string {
	lb := strings.ToLower(base)
	return strings.TrimSuffix(lb, filepath.Ext(lb))
}

func isCompressedName(name string) bool {
	ln := strings.ToLower(name)
	for _, ext := range compressedExts {
		if strings.HasSuffix(ln, ext) {
			return true
		}
	}
	return false
}

// firstEntryBytes bounds how much of a file's start is searched for its first entry.
const firstEntryBytes = 64 << 10

// firstEntryOf is the time of the first entry in the start of the file at path, decoded as
// the follower decodes it.
func firstEntryOf(path string, syslogYear int) (time.Time, bool) {
	enc, _, _, status, _ := sniffFile(path)
	if status != StatusRead {
		return time.Time{}, false
	}
	f, err := openShared(path)
	if err != nil {
		return time.Time{}, false
	}
	defer func() { _ = f.Close() }() // only read
	buf := make([]byte, firstEntryBytes)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return time.Time{}, false
	}
	buf = buf[:n]
	switch enc {
	case encUTF8BOM:
		buf = buf[3:]
	case encUTF16LE:
		buf = buf[:len(buf)&^1]
		if buf, err = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Bytes(buf); err != nil {
			return time.Time{}, false
		}
		buf = bytes.TrimPrefix(buf, []byte("\uFEFF"))
	}
	if n == firstEntryBytes { // the last line may be cut
		if j := bytes.LastIndexByte(buf, '\n'); j >= 0 {
			buf = buf[:j+1]
		}
	}
	c := newEntryClock(syslogYear)
	for len(buf) > 0 {
		line := buf
		if j := bytes.IndexByte(buf, '\n'); j >= 0 {
			line, buf = buf[:j], buf[j+1:]
		} else {
			buf = nil
		}
		if t, ok := c.timeOf(line); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// sniffSize is how much of a file's start is looked at to tell its encoding and whether it
// is text.
const sniffSize = 8 << 10

// Encodings, as the follower names them.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encUTF16LE = "utf-16le"
)

// sniffFile tells how the follower will decode a file (its encoding, the width of a code unit),
// whether it ends with a line end, and whether it is compressed (by its magic number). A file
// that looks binary (NUL or control bytes in a file that is not UTF-16, a UTF-16 big-endian
// byte order mark, which the follower does not decode) is read all the same, as the follower
// reads it: reason says what is odd about it.
func sniffFile(path string) (enc string, unit int, endsWithNewline bool, status, reason string) {
	f, err := openShared(path)
	if err != nil {
		return "", 1, false, StatusUnreadable, err.Error()
	}
	defer func() { _ = f.Close() }() // only read
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", 1, false, StatusUnreadable, err.Error()
	}
	head = head[:n]
	if n == 0 {
		return "", 1, false, StatusEmpty, ""
	}
	var tail []byte // the last two bytes
	if st, err := f.Stat(); err == nil && st.Size() >= 2 {
		tail = make([]byte, 2)
		if m, _ := f.ReadAt(tail, st.Size()-2); m != 2 {
			tail = nil
		}
	}
	if enc, unit = follow.Sniff(head); enc == "" { // a few bytes of a byte order mark
		enc, unit = encUTF8, 1
	}
	if unit == 2 {
		endsWithNewline = string(tail) == "\n\x00"
	} else {
		endsWithNewline = len(tail) == 2 && tail[1] == '\n' || n == 1 && head[0] == '\n'
	}
	if follow.Compressed(head) {
		return enc, unit, endsWithNewline, StatusCompressed, "compressed: not read"
	}
	if enc == encUTF8 {
		reason = oddContent(head)
	}
	return enc, unit, endsWithNewline, StatusRead, reason
}

// oddContent says what makes the start of a file read as UTF-8 look binary, or "".
func oddContent(head []byte) string {
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return "UTF-16 big-endian, read as UTF-8"
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "looks binary (NUL bytes)"
	}
	control := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x0c {
			control++
		}
	}
	if control > len(head)/10 {
		return "looks binary (control bytes)"
	}
	return ""
}

// Reads says whether the report of logs reads or lists the file at path, under whatever name:
// one of the logs or of their rolled generations (a hard or symbolic link to one is the same
// file), or a name beside a log that its generations take, which a rollover may fill while
// the report runs. It returns what the file is to the report, or "" when the report leaves it
// alone: the command refuses to write its report over such a file.
func Reads(logs []Log, path string) string {
	target, targetErr := os.Stat(path)
	folder, folderErr := os.Stat(filepath.Dir(path))
	name := filepath.Base(path)
	for _, l := range logs {
		files, _ := generations(l.Path, func(string, string) bool { return false }, 0, maxGenerations)
		for _, c := range files {
			if targetErr != nil {
				break
			}
			if c.info == nil || !os.SameFile(c.info, target) {
				continue
			}
			if c.current {
				return "the " + l.Name + " log " + l.Path
			}
			return "a rolled generation " + c.path + " of the " + l.Name + " log"
		}
		if folderErr != nil {
			continue
		}
		if st, err := os.Stat(filepath.Dir(l.Path)); err == nil && os.SameFile(st, folder) {
			base := filepath.Base(l.Path)
			switch {
			case strings.EqualFold(name, base):
				return "the " + l.Name + " log " + l.Path
			case isGeneration(base, name):
				return "a name the rolled generations of the " + l.Name + " log take"
			}
		}
	}
	return ""
}
