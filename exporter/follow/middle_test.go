package follow

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// TestMiddleFilesNotReadAgain: reading files rolled in and out between two
// looks must never read a rolled file twice or read one that is not a
// middle file. Each decoy below carries a last-write time that the time
// rule alone would accept (in the future), so only the rule named for it
// keeps it out:
//   - rolled files present at start (x.log.3, x.log.4): identity, known at start;
//   - the middle file once read, then touched, at a later rollover: identity, read;
//   - a compressed archive appearing mid-run (x.log.2.gz): its content.
//
// A sibling appearing mid-run with an old last-write time (a restored
// backup) is kept out by the time rule.
func TestMiddleFilesNotReadAgain(t *testing.T) {
	for _, poll := range modes {
		t.Run(modeName(poll), func(t *testing.T) {
			path := tempLog(t)
			future := time.Now().Add(time.Hour)
			decoy := func(name string, body []byte, mod time.Time) {
				t.Helper()
				if err := os.WriteFile(name, body, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chtimes(name, mod, mod); err != nil {
					t.Fatal(err)
				}
			}
			lines := func(tag string) []byte {
				var b []byte
				for i := range 3 {
					b = fmt.Appendf(b, "%s %d\r\n", tag, i)
				}
				return b
			}
			decoy(path+".3", lines("historic 3"), future)
			decoy(path+".4", lines("historic 4"), future)

			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(5)
			r := start(t, Config{Path: path, Poll: poll, FromStart: true})
			r.waitLines(5)

			// Two rollovers between two looks (in poll mode certainly):
			// the middle file must be read once.
			rotate(t, w, rRename, false)
			w.lines(4)
			rotate(t, w, rRename, false)
			decoy(path+".2.gz", append([]byte{0x1f, 0x8b, 8, 0}, lines("archive")...), future)
			decoy(path+".restored", lines("restored"), time.Now().Add(-time.Hour))
			w.lines(3)
			r.waitLines(w.next)
			r.look()
			if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
				t.Fatalf("after two rollovers: lost %d, doubled %d, corrupt or foreign %d", lost, doubled, bad)
			}

			// The middle file, read, now sits at x.log.1; touch it and
			// every other rolled file so the time rule would take them,
			// then roll over once more.
			for _, p := range []string{path + ".1", path + ".2"} {
				if err := os.Chtimes(p, future, future); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Rename(path+".1", path+".5"); err != nil { // kept, out of shiftRotated's way
				t.Fatal(err)
			}
			rotate(t, w, rRename, false)
			w.lines(3)
			r.waitLines(w.next)
			r.look()
			r.look()
			if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
				t.Errorf("after a third rollover: lost %d, doubled %d, corrupt or foreign %d", lost, doubled, bad)
			}
		})
	}
}

// TestMiddleFileUnderTwoNames: a middle file seen under two names (a rotator renaming files
// while they are searched, or a hard link) is read once.
func TestMiddleFileUnderTwoNames(t *testing.T) {
	path := tempLog(t)
	w := newWriter(t, path, cCRLF)
	defer w.close()
	w.lines(5)
	r := start(t, Config{Path: path, Poll: true, FromStart: true})
	r.waitLines(5)
	rotate(t, w, rRename, false)
	w.lines(4)
	rotate(t, w, rRename, false) // the middle file is now x.log.1
	if err := os.Link(path+".1", path+".1-copy"); err != nil {
		t.Skip("no hard links here:", err)
	}
	w.lines(3)
	r.waitLines(w.next)
	r.look()
	r.look()
	if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
		t.Errorf("lost %d, doubled %d, corrupt %d", lost, doubled, bad)
	}
}

// TestRolledBeforeFirstLook: the path is missing at start; the writer creates the log, fills
// it and rolls it over twice before the follower's first look. The generations written since
// the start are read whole, oldest first, then the file at the path; a rolled file that was
// there before the start, and a restored backup with an old time, are not.
func TestRolledBeforeFirstLook(t *testing.T) {
	for _, c := range []struct {
		poll     bool
		sameTime bool // both generations stamped with one time, as two rollovers within one tick of the clock leave them
	}{{false, false}, {true, false}, {false, true}, {true, true}} {
		poll := c.poll
		name := modeName(poll)
		if c.sameTime {
			name += "/same time"
		}
		t.Run(name, func(t *testing.T) {
			path := tempLog(t)
			historic := path + ".7"
			if err := os.WriteFile(historic, []byte("historic 0\nhistoric 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := start(t, Config{Path: path, Poll: poll})
			r.look() // the start is done: the path is missing

			w := newWriter(t, path, cCRLF)
			defer w.close()
			w.lines(3)
			rotate(t, w, rRename, false)
			w.lines(4)
			rotate(t, w, rRename, false)
			if c.sameTime {
				now := time.Now()
				for _, g := range []string{path + ".1", path + ".2"} {
					if err := os.Chtimes(g, now, now); err != nil {
						t.Fatal(err)
					}
				}
			}
			restored := path + ".restored"
			if err := os.WriteFile(restored, []byte("restored 0\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour)
			if err := os.Chtimes(restored, old, old); err != nil {
				t.Fatal(err)
			}
			w.lines(2)
			r.look()
			r.waitLines(w.next)
			r.look()
			if lost, doubled, bad := check(t, r.got(), w, nil); lost+doubled+bad != 0 {
				t.Errorf("lost %d, doubled %d, corrupt or foreign %d", lost, doubled, bad)
			}
		})
	}
}

// TestOlderByName: of two rolled files with one modification time, the older is the one with
// the larger rotation number, or the earlier date.
func TestOlderByName(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"x.log.2", "x.log.1", -1},
		{"x.log.1", "x.log.2", 1},
		{"x.log.10", "x.log.9", -1},
		{"x.2.log", "x.1.log", -1},
		{"x-2026-11-22.log", "x-2026-11-23.log", -1},
		{"syslog-20261123T0800", "syslog-20261123T0700", 1},
		{"x.log.1", "x.log.1", 0},
		{"x.log.bak", "x.log.1", 0},
		{"x.log.1", "x-2026-11-23.log", 0},
		{"x.log.1234567890123456789", "x.log.1", 0},
	} {
		if got := olderByName("/d/"+c.a, "/d/"+c.b); got != c.want {
			t.Errorf("olderByName(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestCompressed: every archive a rotator may leave beside a log is known by its first bytes;
// a log's own first bytes are not taken for one.
func TestCompressed(t *testing.T) {
	for _, c := range []struct {
		name string
		head string
		want bool
	}{
		{"gzip", "\x1f\x8b\x08\x00", true},
		{"bzip2", "BZh91AY", true},
		{"xz", "\xfd7zXZ\x00\x00", true},
		{"zstd", "\x28\xb5\x2f\xfd\x00", true},
		{"zip", "PK\x03\x04\x14\x00", true},
		{"7z", "7z\xbc\xaf\x27\x1c\x00", true},
		{"lz4", "\x04\x22\x4d\x18\x64", true},
		{"cab", "MSCF\x00\x00", true},
		{"rar", "Rar!\x1a\x07\x01", true},
		{"pipe log", "2026-11-23T08:00:00.000000Z|i|1|2|pfrad|x", false},
		{"UTF-16 log", "\xff\xfe2\x000\x00", false},
		{"xz cut short", "\xfd7zXZ", false},
		{"empty", "", false},
	} {
		if got := Compressed([]byte(c.head)); got != c.want {
			t.Errorf("%s: Compressed = %v, want %v", c.name, got, c.want)
		}
	}
}
