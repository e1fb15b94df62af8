// Command reltool does the parts of `make release` that must give the same bytes on every run
// and that tar, zip and uuidgen do differently from one machine to the next:
//
//	reltool archive OUT.tar.gz|OUT.zip PREFIX EPOCH FILE[=NAME]...
//	reltool uuid5 NAMESPACE-UUID NAME
//
// archive writes FILE as PREFIX/NAME (NAME defaults to FILE's base name), entries sorted by
// name, every time set to EPOCH (seconds since 1970, UTC), owner 0:0, mode 0755 for files that
// are executable (and for .exe files), 0644 for the rest. uuid5 prints the RFC 4122 name-based
// (SHA-1) UUID of NAME in NAMESPACE, in capitals and braces, as Windows Installer writes GUIDs.
package main

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "reltool:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: reltool archive OUT PREFIX EPOCH FILE[=NAME]... | reltool uuid5 NAMESPACE NAME")
	}
	switch args[0] {
	case "archive":
		if len(args) < 5 {
			return errors.New("usage: reltool archive OUT.tar.gz|OUT.zip PREFIX EPOCH FILE[=NAME] [FILE[=NAME]...]")
		}
		epoch, err := strconv.ParseInt(args[3], 10, 64)
		if err != nil {
			return fmt.Errorf("EPOCH: %w", err)
		}
		return archive(args[1], args[2], time.Unix(epoch, 0).UTC(), args[4:])
	case "uuid5":
		if len(args) != 3 {
			return errors.New("usage: reltool uuid5 NAMESPACE NAME")
		}
		u, err := uuid5(args[1], args[2])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, u)
		return err
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// member is one file of an archive.
type member struct {
	src, name string
	mode      int64
}

func members(specs []string) ([]member, error) {
	var ms []member
	seen := map[string]bool{}
	for _, spec := range specs {
		src, name, ok := strings.Cut(spec, "=")
		if !ok {
			name = filepath.Base(src)
		}
		fi, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", src)
		}
		mode := int64(0o644)
		if fi.Mode()&0o111 != 0 || strings.HasSuffix(name, ".exe") {
			mode = 0o755
		}
		if seen[name] {
			return nil, fmt.Errorf("%s twice in the archive", name)
		}
		seen[name] = true
		ms = append(ms, member{src, path.Clean(name), mode})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].name < ms[j].name })
	return ms, nil
}

// dirs lists the folders the members need, parents first.
func dirs(ms []member) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for d := path.Dir(m.name); d != "."; d = path.Dir(d) {
			set[d] = true
		}
	}
	var ds []string
	for d := range set {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	return ds
}

func archive(out, prefix string, mtime time.Time, specs []string) (err error) {
	ms, err := members(specs)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(out) // a partial archive goes; err says why it failed
		}
	}()
	switch {
	case strings.HasSuffix(out, ".tar.gz"):
		return writeTarGz(f, prefix, mtime, ms)
	case strings.HasSuffix(out, ".zip"):
		return writeZip(f, prefix, mtime, ms)
	}
	return fmt.Errorf("%s: the name must end in .tar.gz or .zip", out)
}

func writeTarGz(w io.Writer, prefix string, mtime time.Time, ms []member) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression) // no name, no time in the header
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	hdr := func(name string, mode, size int64, typ byte) *tar.Header {
		return &tar.Header{Typeflag: typ, Name: name, Mode: mode, Size: size, ModTime: mtime, Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(prefix+"/", 0o755, 0, tar.TypeDir)); err != nil {
		return err
	}
	for _, d := range dirs(ms) {
		if err := tw.WriteHeader(hdr(prefix+"/"+d+"/", 0o755, 0, tar.TypeDir)); err != nil {
			return err
		}
	}
	for _, m := range ms {
		data, err := os.ReadFile(m.src)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(hdr(prefix+"/"+m.name, m.mode, int64(len(data)), tar.TypeReg)); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, prefix string, mtime time.Time, ms []member) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	entry := func(name string, mode int64, method uint16) (io.Writer, error) {
		h := &zip.FileHeader{Name: name, Method: method, Modified: mtime}
		fm := os.FileMode(mode)
		if strings.HasSuffix(name, "/") {
			fm |= os.ModeDir
		}
		h.SetMode(fm)
		return zw.CreateHeader(h)
	}
	if _, err := entry(prefix+"/", 0o755, zip.Store); err != nil {
		return err
	}
	for _, d := range dirs(ms) {
		if _, err := entry(prefix+"/"+d+"/", 0o755, zip.Store); err != nil {
			return err
		}
	}
	for _, m := range ms {
		data, err := os.ReadFile(m.src)
		if err != nil {
			return err
		}
		ew, err := entry(prefix+"/"+m.name, m.mode, zip.Deflate)
		if err != nil {
			return err
		}
		if _, err := ew.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// uuid5 is the RFC 4122 (section 4.3) name-based UUID with SHA-1.
func uuid5(namespace, name string) (string, error) {
	ns, err := hex.DecodeString(strings.NewReplacer("-", "", "{", "", "}", "").Replace(namespace))
	if err != nil || len(ns) != 16 {
		return "", fmt.Errorf("namespace %q is not a UUID", namespace)
	}
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	s := strings.ToUpper(hex.EncodeToString(u))
	return "{" + s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:] + "}", nil
}
