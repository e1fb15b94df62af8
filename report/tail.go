package report

import (
	"bytes"
	"errors"
	"io"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// tailBytes is how much of the end of a file is searched for its last entry.
const tailBytes = 1 << 20

// lastEntry is the time of the latest last entry of the logs, which a relative --since or
// --until counts back from: for each log, the last line that parses in its newest file that
// has one (looking at the last MiB of each file, newest first). RFC 3164 syslog lines take
// the --syslog.year, or the current year (the one before, if that would put the line more
// than a day in the future).
func lastEntry(runs []*logRun, opts *Options) (time.Time, bool) {
	var last time.Time
	found := false
	for _, r := range runs {
		for i := len(r.files) - 1; i >= 0; i-- {
			c := r.files[i]
			if c.status != StatusRead {
				continue
			}
			if t, ok := lastEntryOf(c.path, opts); ok {
				if !found || t.After(last) {
					last = t
				}
				found = true
				break
			}
		}
	}
	return last, found
}

func lastEntryOf(path string, opts *Options) (time.Time, bool) {
	enc, unit, _, status, _ := sniffFile(path)
	if status != StatusRead {
		return time.Time{}, false
	}
	f, err := openShared(path)
	if err != nil {
		return time.Time{}, false
	}
	defer func() { _ = f.Close() }() // only read
	st, err := f.Stat()
	if err != nil {
		return time.Time{}, false
	}
	off := max(st.Size()-tailBytes, 0)
	off -= off % int64(unit)
	buf := make([]byte, st.Size()-off)
	n, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return time.Time{}, false
	}
	buf = buf[:n]
	if enc == encUTF16LE {
		if buf, err = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Bytes(buf); err != nil {
			return time.Time{}, false
		}
	}
	if off > 0 { // the first line is cut
		if j := bytes.IndexByte(buf, '\n'); j >= 0 {
			buf = buf[j+1:]
		} else {
			buf = nil
		}
	}
	c := newEntryClock(opts.Pipeline.SyslogYear)
	for len(buf) > 0 {
		j := bytes.LastIndexByte(buf[:len(buf)-1], '\n')
		line := buf[j+1:]
		buf = buf[:max(j, 0)]
		if t, ok := c.timeOf(line); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// entryClock reads the time of single lines taken out of a file (its first or last entry),
// with --syslog.year as the pipeline applies it to a first line: 0 takes the year of the wall
// clock, and an RFC 3164 time more than a day ahead of it belongs to last year.
type entryClock struct {
	now      time.Time
	year     int
	inferred bool
	e        logparse.Entry
}

func newEntryClock(syslogYear int) *entryClock {
	c := &entryClock{now: time.Now(), year: syslogYear, inferred: syslogYear == 0}
	if c.inferred {
		c.year = c.now.Year()
	}
	return c
}

// timeOf is the time of line, or false when it is no entry.
func (c *entryClock) timeOf(line []byte) (time.Time, bool) {
	if logparse.ParseLine(line, logparse.ParseOptions{Year: c.year}, &c.e) != nil {
		return time.Time{}, false
	}
	t := c.e.Time
	if c.e.Format == logparse.FormatSyslog3164 && c.inferred && t.After(c.now.Add(24*time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t, true
}
