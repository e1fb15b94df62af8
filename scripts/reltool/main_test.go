package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUUID5 checks against the RFC 4122 appendix example as corrected in RFC 9562 (A.4):
// the name "www.example.com" in the DNS namespace.
func TestUUID5(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"uuid5", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com"}, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(out.String()), "{2ED6657D-E927-568B-95E1-2665A8AEA6A2}"; got != want {
		t.Errorf("uuid5 = %s, want %s", got, want)
	}
}

// TestArchiveReproducible: the same files give the same bytes whatever their times and the
// order they are named in, and the archive holds what was asked, under the prefix.
func TestArchiveReproducible(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode, mtime time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, ext := range []string{".tar.gz", ".zip"} {
		t.Run(ext, func(t *testing.T) {
			bin := write("bin", "#!/bin/sh\n", 0o755, time.Unix(1, 0))
			readme := write("README.md", "hello\n", 0o600, time.Unix(2, 0))
			a := filepath.Join(dir, "a"+ext)
			if err := run([]string{"archive", a, "pkg-1", "1764649070", readme, bin + "=sub/tool"}, io.Discard); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(bin, time.Unix(99, 0), time.Unix(99, 0)); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(readme, 0o644); err != nil {
				t.Fatal(err)
			}
			b := filepath.Join(dir, "b"+ext)
			if err := run([]string{"archive", b, "pkg-1", "1764649070", bin + "=sub/tool", readme}, io.Discard); err != nil {
				t.Fatal(err)
			}
			ab, _ := os.ReadFile(a)
			bb, _ := os.ReadFile(b)
			if !bytes.Equal(ab, bb) {
				t.Fatal("two runs over the same files gave different bytes")
			}
			got := list(t, a)
			want := []string{"pkg-1/ 755", "pkg-1/sub/ 755", "pkg-1/README.md 644", "pkg-1/sub/tool 755"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("entries %q, want %q", got, want)
			}
		})
	}
}

// list returns "name mode" of each entry, checking that every time is the epoch given.
func list(t *testing.T, name string) []string {
	t.Helper()
	want := time.Unix(1764649070, 0).UTC()
	var out []string
	add := func(n string, mode os.FileMode, mtime time.Time) {
		if !mtime.Equal(want) {
			t.Errorf("%s: time %v, want %v", n, mtime, want)
		}
		out = append(out, fmt.Sprintf("%s %o", n, mode))
	}
	if strings.HasSuffix(name, ".zip") {
		r, err := zip.OpenReader(name)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = r.Close() }() // read only
		for _, f := range r.File {
			add(f.Name, f.Mode().Perm(), f.Modified)
		}
		return out
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read only
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: owner %d:%d %q:%q, want 0:0", h.Name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
		add(h.Name, os.FileMode(h.Mode).Perm(), h.ModTime)
	}
	return out
}
