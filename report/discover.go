package report

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// maxGenerations bounds the rolled files read per log (the newest are kept).
const maxGenerations = 1000

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
}

// generations lists the rolled generations of the log at path, oldest first by
// modification time (then by name), followed by the log itself. A generation is a file in the
// same folder whose name (ignoring case) is the log's name, or its name without extension,
// followed by '.', '-' or '_' and a rest that holds a digit or is a backup ending (.bak,
// .old): MultiFactorAuthSvc.log.1, MultiFactorAuthSvc.1.log, MultiFactorAuthSvc-2026-11-23.log,
// syslog.2.gz. Files that another configured log claims (its own path, or a longer name
// match) are left to it. Compressed generations are listed as such and not read.
func generations(path string, claimedBy func(abs, name string) bool) ([]candidate, error) {
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
		cur.size, cur.mod = st.Size(), st.ModTime()
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return []candidate{cur}, nil
	}
	var gens []candidate
	for _, e := range ents {
		name := e.Name()
		if name == base || e.IsDir() || !isGeneration(base, name) {
			continue
		}
		p := filepath.Join(dir, name)
		if abs, err := filepath.Abs(p); err == nil && claimedBy(abs, name) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		c := candidate{path: p, size: info.Size(), mod: info.ModTime(), status: StatusRead}
		if isCompressedName(name) {
			c.status, c.reason = StatusCompressed, "compressed: not read"
		}
		gens = append(gens, c)
	}
	sort.Slice(gens, func(i, j int) bool {
		if !gens[i].mod.Equal(gens[j].mod) {
			return gens[i].mod.Before(gens[j].mod)
		}
		return gens[i].path < gens[j].path
	})
	if len(gens) > maxGenerations {
		gens = gens[len(gens)-maxGenerations:]
	}
	return append(gens, cur), nil
}

// isGeneration says whether name is a rolled generation of the log named base.
func isGeneration(base, name string) bool {
	lb, ln := strings.ToLower(base), strings.ToLower(name)
	stem := strings.TrimSuffix(lb, filepath.Ext(lb))
	for _, prefix := range []string{lb, stem} {
		if prefix == "" || len(ln) <= len(prefix)+1 || !strings.HasPrefix(ln, prefix) {
			continue
		}
		rest := ln[len(prefix):]
		if strings.IndexByte(".-_", rest[0]) < 0 {
			continue
		}
		if strings.ContainsAny(rest, "0123456789") {
			return true
		}
		for _, b := range []string{".bak", ".old", "-old", "_old"} {
			if strings.HasPrefix(rest, b) {
				return true
			}
		}
	}
	return false
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
	// The follower's choice (exporter/follow's sniff).
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		enc, unit = encUTF8BOM, 1
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}),
		len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		enc, unit = encUTF16LE, 2
	default:
		enc, unit = encUTF8, 1
	}
	if unit == 2 {
		endsWithNewline = string(tail) == "\n\x00"
	} else {
		endsWithNewline = len(tail) == 2 && tail[1] == '\n' || n == 1 && head[0] == '\n'
	}
	for _, m := range compressedMagic {
		if bytes.HasPrefix(head, m) {
			return enc, unit, endsWithNewline, StatusCompressed, "compressed: not read"
		}
	}
	if enc == encUTF8 {
		reason = oddContent(head)
	}
	return enc, unit, endsWithNewline, StatusRead, reason
}

// oddContent says what makes the start of a file read as UTF-8 look binary, or "".
func oddContent(head []byte) string {
	const asRead = "; read as UTF-8, as the exporter reads it"
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		return "UTF-16 big-endian, which is not decoded" + asRead
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "looks binary (NUL bytes)" + asRead
	}
	control := 0
	for _, c := range head {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x0c {
			control++
		}
	}
	if control > len(head)/10 {
		return "looks binary (mostly control bytes)" + asRead
	}
	return ""
}

var compressedMagic = [][]byte{
	{0x1F, 0x8B},                       // gzip
	[]byte("BZh"),                      // bzip2
	{0xFD, '7', 'z', 'X', 'Z', 0x00},   // xz
	{0x28, 0xB5, 0x2F, 0xFD},           // zstd
	[]byte("PK\x03\x04"),               // zip
	{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}, // 7z
	{0x04, 0x22, 0x4D, 0x18},           // lz4
	[]byte("MSCF"),                     // cab
	[]byte("Rar!\x1A\x07"),             // rar
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
		files, _ := generations(l.Path, func(string, string) bool { return false })
		for _, c := range files {
			if targetErr != nil {
				break
			}
			st, err := os.Stat(c.path)
			if err != nil || !os.SameFile(st, target) {
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
