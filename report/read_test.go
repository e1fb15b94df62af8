package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/azuremfa/azuremfa_exporter/loggen"
)

// sections is the report without its file lists and their notes, which differ when the same
// lines come from other files.
func sections(r *Report) Report {
	c := *r
	c.Coverage = map[string]*Coverage{}
	for l, cv := range r.Coverage {
		x := *cv
		x.Files, x.Notes = nil, nil
		c.Coverage[l] = &x
	}
	return c
}

func diffReports(t *testing.T, what string, got, want *Report) {
	t.Helper()
	g, w := sections(got), sections(want)
	for _, l := range want.Logs {
		if !reflect.DeepEqual(g.Coverage[l], w.Coverage[l]) {
			t.Errorf("%s: %s coverage\n got %+v\nwant %+v", what, l, g.Coverage[l], w.Coverage[l])
		}
		if !reflect.DeepEqual(g.Summary[l], w.Summary[l]) {
			t.Errorf("%s: %s summary differs", what, l)
		}
	}
	if !reflect.DeepEqual(g.Users, w.Users) || !reflect.DeepEqual(g.Clients, w.Clients) {
		t.Errorf("%s: users or clients differ (%d/%d users)", what, len(g.Users), len(w.Users))
	}
	if !reflect.DeepEqual(g.Timeline, w.Timeline) || !reflect.DeepEqual(g.FraudReports, w.FraudReports) || !reflect.DeepEqual(g.Range, w.Range) {
		t.Errorf("%s: timeline, fraud reports or range differ", what)
	}
}

// TestGenerationsAreOneLog: a log rolled over into generations, cut in the middle of lines,
// with generations compressed by name and by content beside them and a file that only looks like one,
// gives the report of the whole log, and lists every file.
func TestGenerationsAreOneLog(t *testing.T) {
	g := generate(t, 40000, 0.001)
	whole := g.report(t)

	dir := t.TempDir()
	data := g.data["radius"]
	// Cut inside lines: neither piece ends with a line end.
	cut1, cut2 := len(data)/3+17, 2*len(data)/3+5
	for _, c := range []int{cut1, cut2} {
		if data[c-1] == '\n' {
			t.Fatal("the cut falls on a line end")
		}
	}
	base := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	files := []struct {
		name string
		data []byte
	}{
		{"MultiFactorAuthRadiusSvc.log.5.gz", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}},
		{"MultiFactorAuthRadiusSvc.log.4", []byte("PK\x03\x04zipped\x00\x00")},
		{"MultiFactorAuthRadiusSvc.log.2", data[:cut1]},
		{"MultiFactorAuthRadiusSvc.log.1", data[cut1:cut2]},
		{"MultiFactorAuthRadiusSvc.log", data[cut2:]},
		{"MultiFactorAuthRadiusSvcNotes.txt", []byte("not a generation\n")},
	}
	now := time.Now()
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		writeFile(t, p, f.data)
		mod := now.Add(time.Duration(i-len(files)) * time.Hour)
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	opts := g.options()
	opts.Logs = append([]Log{{Name: "radius", Path: base}}, g.logs[1:]...)
	split := build(t, opts)
	diffReports(t, "split into generations", split, whole)

	var got []string
	var lines int64
	for _, f := range split.Coverage["radius"].Files {
		got = append(got, filepath.Base(f.Path)+" "+f.Status)
		lines += f.Lines
	}
	want := []string{"MultiFactorAuthRadiusSvc.log.5.gz compressed", "MultiFactorAuthRadiusSvc.log.4 compressed",
		"MultiFactorAuthRadiusSvc.log.2 read", "MultiFactorAuthRadiusSvc.log.1 read", "MultiFactorAuthRadiusSvc.log read"}
	if !reflect.DeepEqual(got, want) || lines != 40000 {
		t.Errorf("files (%d lines):\n got %q\nwant %q", lines, got, want)
	}
	if notes := split.Coverage["radius"].Notes; len(notes) != 1 || !strings.Contains(notes[0], "MultiFactorAuthRadiusSvcNotes.txt") {
		t.Errorf("notes %q, want one that names the file skipped", notes)
	}
}

// TestEncodings: the log in UTF-16LE with a byte order mark and CRLF, or in UTF-8 with a
// byte order mark, gives the report of the plain log, and the file list says how it was read.
func TestEncodings(t *testing.T) {
	g := generate(t, 20000, 0.001)
	plain := g.report(t)
	data := g.data["radius"]
	crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	u16 := []byte{0xFF, 0xFE}
	for _, r := range utf16.Encode([]rune(string(crlf))) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	for _, c := range []struct {
		enc  string
		data []byte
	}{{encUTF16LE, u16}, {encUTF8BOM, append([]byte{0xEF, 0xBB, 0xBF}, crlf...)}} {
		t.Run(c.enc, func(t *testing.T) {
			writeFile(t, g.logs[0].Path, c.data)
			r := build(t, g.options())
			diffReports(t, c.enc, r, plain)
			if f := r.Coverage["radius"].Files[0]; f.Encoding != c.enc || f.Lines != 20000 {
				t.Errorf("file: %+v", f)
			}
		})
	}
}

// TestGenerationsInUTF16: a line cut between two UTF-16LE generations is joined too.
func TestGenerationsInUTF16(t *testing.T) {
	g := generate(t, 20000, 0)
	plain := g.report(t)
	enc := func(s []byte) []byte {
		out := []byte{0xFF, 0xFE}
		for _, r := range utf16.Encode([]rune(string(s))) {
			out = append(out, byte(r), byte(r>>8))
		}
		return out
	}
	data := g.data["radius"]
	cut := len(data)/2 + 11
	p := g.logs[0].Path
	writeFile(t, p+".1", enc(data[:cut]))
	writeFile(t, p, enc(data[cut:]))
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p+".1", old, old); err != nil {
		t.Fatal(err)
	}
	diffReports(t, "utf-16 generations", build(t, g.options()), plain)
}

// TestRangeCountsWhatStartsInside: only authentications that start inside [since, until)
// are counted, whole, and the correlator still sees the lines before since: a request just
// before it makes the next one a duplicate.
func TestRangeCountsWhatStartsInside(t *testing.T) {
	const log = `2026-11-23T08:59:50.000000Z|0|1|1|pfrad|Calling pfAuthUser('CONTOSO\alice', '', 1)
2026-11-23T09:00:05.000000Z|0|1|1|pfrad|authResult = 1
2026-11-23T09:00:05.000000Z|0|1|1|pfrad|rawCallStatus = 21
2026-11-23T09:00:10.000000Z|0|1|2|pfrad|Calling pfAuthUser('CONTOSO\alice', '', 1)
2026-11-23T09:00:20.000000Z|0|1|2|pfrad|authResult = 0
2026-11-23T09:00:20.000000Z|0|1|2|pfrad|rawCallStatus = 129
2026-11-23T09:59:55.000000Z|0|1|3|pfrad|Calling pfAuthUser('CONTOSO\carol', '', 1)
2026-11-23T10:00:30.000000Z|0|1|3|pfrad|authResult = 1
2026-11-23T10:00:30.000000Z|0|1|3|pfrad|rawCallStatus = 21
2026-11-23T10:00:40.000000Z|0|1|4|pfrad|Calling pfAuthUser('CONTOSO\dave', '', 1)
2026-11-23T10:00:45.000000Z|0|1|4|pfrad|authResult = 0
2026-11-23T10:00:45.000000Z|0|1|4|pfrad|rawCallStatus = 112
`
	p := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
	writeFile(t, p, []byte(log))
	since, _ := ParseBound("2026-11-23T09:00:00Z")
	until, _ := ParseBound("2026-11-23T10:00:00Z")
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: p}}, Since: since, Until: until})
	s := r.Summary["radius"]
	if s.Requests != 2 || s.Results["success"] != 1 || s.Results["failure"] != 1 || s.Duplicates["prompted"] != 1 {
		t.Errorf("summary: %d requests, results %v, duplicates %v; want 2, one success and one failure, one prompted again",
			s.Requests, s.Results, s.Duplicates)
	}
	var users []string
	for _, u := range r.Users {
		users = append(users, u.User)
	}
	if !reflect.DeepEqual(users, []string{`CONTOSO\alice`, `CONTOSO\carol`}) || r.Users[0].PromptedTwice != 1 || r.Users[0].Requests != 1 {
		t.Errorf("users: %+v", r.Users)
	}
	if len(r.FraudReports) != 0 {
		t.Errorf("a fraud report that started after until: %+v", r.FraudReports)
	}
	// Entries in range: the 3 lines of 09:00:05 to 09:00:20 and the call at 09:59:55.
	if c := r.Coverage["radius"]; c.Entries != 6 || c.Lines != 6 {
		t.Errorf("coverage: %d entries, %d lines in range; want 6", c.Entries, c.Lines)
	}

	// A duration counts back from the last entry (10:00:45).
	since, _ = ParseBound("1h")
	r = build(t, Options{Logs: []Log{{Name: "radius", Path: p}}, Since: since})
	if want := time.Date(2026, 11, 23, 9, 0, 45, 0, time.UTC); r.Range.Since == nil || !r.Range.Since.Equal(want) {
		t.Errorf("--since 1h: %v, want %v", r.Range.Since, want)
	}
	if s := r.Summary["radius"]; s.Requests != 2 || s.Results["failure"] != 1 {
		t.Errorf("--since 1h: %d requests, results %v; want carol and dave", s.Requests, s.Results)
	}
}

// TestRangeMatchesGeneratorMinutes: over a range of whole minutes in the middle of generated
// logs, the report counts what the generator counted in those minutes.
func TestRangeMatchesGeneratorMinutes(t *testing.T) {
	g := generate(t, 40000, 0.001)
	from := loggen.DefaultStart.Add(20 * time.Minute)
	to := from.Add(37 * time.Minute)
	opts := g.options()
	opts.Since, opts.Until = Bound{Time: from, Set: true}, Bound{Time: to, Set: true}
	r := build(t, opts)
	var want, got TimelinePoint
	for _, tr := range g.truth {
		for _, m := range tr.Minutes {
			if !m.Start.Before(from) && m.Start.Before(to) {
				want.Requests += int64(m.Requests)
				want.Failures += int64(m.Failures)
				want.Duplicates += int64(m.Duplicates)
				want.Fraud += int64(m.Fraud)
			}
		}
	}
	for _, log := range r.Logs {
		s := r.Summary[log]
		got.Requests += s.Requests
		got.Failures += s.Results["failure"]
		for _, n := range s.Duplicates {
			got.Duplicates += n
		}
	}
	got.Fraud = int64(len(r.FraudReports))
	if got != want || want.Requests < 1000 {
		t.Errorf("in range: %+v, want %+v", got, want)
	}
	if r.Range.FirstEntry.Before(from) || !r.Range.LastEntry.Before(to) {
		t.Errorf("entries counted from %v to %v, outside the range", r.Range.FirstEntry, r.Range.LastEntry)
	}
	if p := r.Timeline.Points; len(p) == 0 || p[0].Start.Before(from.Add(-time.Hour)) || p[len(p)-1].Start.After(to) {
		t.Errorf("timeline outside the range: %v … %v", p[0].Start, p[len(p)-1].Start)
	}
}

// TestBadInput: a missing log named by its own flag, no log at all, a range that ends before
// it starts: an InputError. A folder's missing log, an unreadable file: listed, and the report
// goes on; a file that looks binary is read, as the exporter reads it, with a reason.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	writeFile(t, radius, []byte("2026-11-23T09:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)\n"))
	missing := filepath.Join(dir, "MultiFactorAuthIisNm.log")
	link := filepath.Join(t.TempDir(), "MultiFactorAuthIisNm.log")
	if err := os.Link(radius, link); err != nil {
		t.Fatal(err)
	}
	isInput := func(err error) bool {
		var ie *InputError
		return errors.As(err, &ie)
	}
	for name, opts := range map[string]Options{
		"missing named log":   {Logs: []Log{{Name: "radius", Path: radius}, {Name: "iis", Path: missing}}},
		"no log exists":       {Logs: []Log{{Name: "iis", Path: missing, Optional: true}}},
		"no log":              {},
		"since after until":   {Logs: []Log{{Name: "radius", Path: radius}}, Since: mustBound("2026-11-23T10:00:00Z"), Until: mustBound("2026-11-23T09:00:00Z")},
		"relative, reversed":  {Logs: []Log{{Name: "radius", Path: radius}}, Since: mustBound("1h"), Until: mustBound("2h")},
		"same file twice":     {Logs: []Log{{Name: "radius", Path: radius}, {Name: "iis", Path: radius}}},
		"same file by a link": {Logs: []Log{{Name: "radius", Path: radius}, {Name: "iis", Path: link}}},
		"nothing to count on": {Logs: []Log{{Name: "radius", Path: radius}, {Name: "iis", Path: missing, Optional: true}}, Since: mustBound("1h"), Until: mustBound("1h")},
	} {
		if _, err := Build(context.Background(), opts); !isInput(err) {
			t.Errorf("%s: %v, want an InputError", name, err)
		}
	}

	service := filepath.Join(dir, "MultiFactorAuthSvc.log")
	writeFile(t, service, []byte("\x00\x00\x00garbage\x00"))
	folder := filepath.Join(dir, "syslog")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.log")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: radius}, {Name: "iis", Path: missing, Optional: true},
		{Name: "service", Path: service}, {Name: "syslog", Path: folder}, {Name: "adsync", Path: fifo}}})
	status := map[string]string{}
	for _, l := range r.Logs {
		f := r.Coverage[l].Files[len(r.Coverage[l].Files)-1]
		status[l] = f.Status
		if (f.Status != StatusRead || l == "service") && f.Reason == "" {
			t.Errorf("%s: %s with no reason", l, f.Status)
		}
	}
	want := map[string]string{"radius": StatusRead, "iis": StatusMissing, "service": StatusRead, "syslog": StatusUnreadable, "adsync": StatusUnreadable}
	if !reflect.DeepEqual(status, want) || r.Summary["radius"].Requests != 1 {
		t.Errorf("status %v, radius requests %d; want %v and 1", status, r.Summary["radius"].Requests, want)
	}
}

func mustBound(s string) Bound {
	b, err := ParseBound(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseBound(t *testing.T) {
	for in, want := range map[string]Bound{
		"2026-11-23T08:00:00Z":      {Time: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Set: true},
		"2026-11-23T09:00:00+01:00": {Time: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Set: true},
		"24h":                       {Before: 24 * time.Hour, Set: true, rel: true},
		"7d":                        {Before: 7 * 24 * time.Hour, Set: true, rel: true},
		"1w2d3h":                    {Before: 9*24*time.Hour + 3*time.Hour, Set: true, rel: true},
		"":                          {},
	} {
		if got, err := ParseBound(in); err != nil || got != want {
			t.Errorf("%q: %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"yesterday", "-1h", "2026-11-23", "d", "1x", "100000w", "1e9d"} {
		if _, err := ParseBound(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// TestEmptyLogs: logs with no line give a report that says so, in every format.
func TestEmptyLogs(t *testing.T) {
	p := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
	writeFile(t, p, nil)
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: p}}})
	if r.Coverage["radius"].Files[0].Status != StatusEmpty || len(r.Users) != 0 || len(r.Timeline.Points) != 0 {
		t.Errorf("%+v", r)
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Write(&b, r, f); err != nil {
			t.Fatal(err)
		}
		if f == "text" && !strings.Contains(b.String(), "The logs hold no entry") {
			t.Errorf("text report of empty logs:\n%s", b.String())
		}
		if f == "html" && !strings.Contains(b.String(), "The logs hold no entry") {
			t.Error("the HTML report of empty logs does not say so")
		}
	}
}

// TestRowCapsAddUp: past the cap on rows, further users are counted beyond it, and rows and
// beyond still add up to the totals.
func TestRowCapsAddUp(t *testing.T) {
	g := generate(t, 20000, 0)
	opts := g.options()
	opts.MaxRows = 25
	r := build(t, opts)
	for _, log := range r.Logs {
		var sum Counts
		n := 0
		for _, u := range r.Users {
			if u.Log == log {
				addCounts(&sum, &u.Counts)
				n++
			}
		}
		b := r.UsersBeyondCap[log]
		if n != 25 || b == nil || b.Events == 0 {
			t.Fatalf("%s: %d rows, beyond %+v", log, n, b)
		}
		s := r.Summary[log]
		if sum.Requests+b.Requests != s.Requests || sum.Failures+b.Failures != s.Results["failure"] || sum.Abandoned+b.Abandoned != s.Abandoned {
			t.Errorf("%s: rows %+v and beyond %+v do not add up to the summary", log, sum, b)
		}
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil || !strings.Contains(text.String(), "the table is full (25 rows)") {
		t.Errorf("the text report does not say the table is full: %v", err)
	}
}

// TestPermissionDenied: a log that cannot be opened is listed as unreadable, with the
// system's reason, and the other logs are reported. (Root opens anything: skipped as root.)
func TestPermissionDenied(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("chmod on Windows only sets the read-only attribute: permission denied cannot be produced this way")
	}
	if os.Geteuid() == 0 {
		t.Skip("root can read a file without permissions; the folder case of TestBadInput covers the path")
	}
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	writeFile(t, radius, []byte("2026-11-23T09:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)\n"))
	service := filepath.Join(dir, "MultiFactorAuthSvc.log")
	writeFile(t, service, []byte("2026-11-23T09:00:00.000000Z|i|1|1|pfsvc|Service started\n"))
	if err := os.Chmod(service, 0); err != nil {
		t.Fatal(err)
	}
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: radius}, {Name: "service", Path: service}}})
	f := r.Coverage["service"].Files[0]
	if f.Status != StatusUnreadable || !strings.Contains(f.Reason, "permission denied") || r.Summary["radius"].Requests != 1 {
		t.Errorf("%+v; radius requests %d", f, r.Summary["radius"].Requests)
	}
}

// TestBinaryLookingGenerationIsRead: a rolled generation that looks binary is read, as the
// follower reads a file it finds beside the log, and its lines count; one compressed by
// content is listed and not read.
func TestBinaryLookingGenerationIsRead(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	call := "2026-11-23T09:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('CONTOSO\\alice', '', 1)\n"
	result := "2026-11-23T09:00:05.000000Z|0|1|1|pfrad|authResult = 1\n2026-11-23T09:00:05.000000Z|0|1|1|pfrad|rawCallStatus = 21\n"
	writeFile(t, p+".2", []byte{0x1f, 0x8b, 8, 0, '\n'})
	writeFile(t, p+".1", []byte("\x00\x01garbage\x00\n"+call))
	writeFile(t, p, []byte(result))
	for i, name := range []string{p + ".2", p + ".1", p} {
		mod := time.Now().Add(time.Duration(i-3) * time.Hour)
		if err := os.Chtimes(name, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: p}}})
	c := r.Coverage["radius"]
	var got []string
	for _, f := range c.Files {
		got = append(got, fmt.Sprintf("%s %s %d %t", filepath.Base(f.Path), f.Status, f.Lines, f.Reason != ""))
	}
	want := []string{"MultiFactorAuthRadiusSvc.log.2 compressed 0 true", "MultiFactorAuthRadiusSvc.log.1 read 2 true", "MultiFactorAuthRadiusSvc.log read 2 false"}
	if !reflect.DeepEqual(got, want) || c.Lines != 4 || c.Malformed != 1 || r.Summary["radius"].Results["success"] != 1 {
		t.Errorf("files %q, %d lines, %d malformed, results %v; want %q, 4 lines, 1 malformed, 1 success",
			got, c.Lines, c.Malformed, r.Summary["radius"].Results, want)
	}
}

// radiusLines is a RADIUS log of n authentications, one a minute from start, each a request,
// its result and its code.
func radiusLines(start time.Time, first, n int) []byte {
	var b []byte
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.000000Z")
		tid := first + i
		b = fmt.Appendf(b, "%s|0|1|%d|pfrad|Calling pfAuthUser('CONTOSO\\u%d', '', 1)\n", at, tid, tid)
		b = fmt.Appendf(b, "%s|0|1|%d|pfrad|authResult = 1\n%s|0|1|%d|pfrad|rawCallStatus = 21\n", at, tid, at, tid)
	}
	return b
}

// fileNames is the base names of the files the report lists for log, with their status.
func fileNames(r *Report, log string) []string {
	var names []string
	for _, f := range r.Coverage[log].Files {
		names = append(names, filepath.Base(f.Path)+" "+f.Status)
	}
	return names
}

// TestGenerationsInContentOrder: rolled generations are read oldest first by their first
// entry, whatever their modification times (a copied folder resets them) or names say, and the
// coverage says when the modification times disagree.
func TestGenerationsInContentOrder(t *testing.T) {
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		mods  [3]int // hours before now of .log.3, .log.2, .log.1
		notes int
	}{
		{"modification times agree", [3]int{3, 2, 1}, 0},
		{"a copied folder", [3]int{1, 1, 1}, 0},
		{"modification times reversed", [3]int{1, 2, 3}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
			// Each generation holds 10 minutes; a duplicate across two would show wrong order.
			for i, suffix := range []string{".3", ".2", ".1", ""} {
				writeFile(t, p+suffix, radiusLines(start.Add(time.Duration(i)*10*time.Minute), i*10, 10))
			}
			now := time.Now().Truncate(time.Second)
			for i, suffix := range []string{".3", ".2", ".1"} {
				mod := now.Add(-time.Duration(c.mods[i]) * time.Hour)
				if err := os.Chtimes(p+suffix, mod, mod); err != nil {
					t.Fatal(err)
				}
			}
			r := build(t, Options{Logs: []Log{{Name: "radius", Path: p}}})
			want := []string{"MultiFactorAuthRadiusSvc.log.3 read", "MultiFactorAuthRadiusSvc.log.2 read", "MultiFactorAuthRadiusSvc.log.1 read", "MultiFactorAuthRadiusSvc.log read"}
			if got := fileNames(r, "radius"); !reflect.DeepEqual(got, want) {
				t.Errorf("files %q, want %q", got, want)
			}
			notes := r.Coverage["radius"].Notes
			if len(notes) != c.notes || c.notes > 0 && !strings.Contains(notes[0], "modification times") {
				t.Errorf("notes %q, want %d about modification times", notes, c.notes)
			}
			if s := r.Summary["radius"]; s.Requests != 40 || s.Results["success"] != 40 {
				t.Errorf("%d requests, results %v; want 40 successes", s.Requests, s.Results)
			}
		})
	}
}

// TestGenerationsSkipped: among the files beside a log, a second name for a file already read
// (a hard or symbolic link) and files that are not its generations (a zipped backup, an
// editor's backup or swap file) are skipped, and the coverage says so; so is a folder that
// cannot be listed.
func TestGenerationsSkipped(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	writeFile(t, p+".1", radiusLines(start, 0, 5))
	writeFile(t, p, radiusLines(start.Add(time.Hour), 5, 5))
	for _, name := range []string{".bak.zip", "~", ".1.swp", ".1~", ".orig"} {
		writeFile(t, p+name, radiusLines(start, 100, 1))
	}
	writeFile(t, filepath.Join(dir, "#MultiFactorAuthRadiusSvc.log#"), radiusLines(start, 100, 1))
	links := 0
	if os.Link(p+".1", p+".2") == nil {
		links++
	}
	if os.Symlink(p, p+".3") == nil {
		links++
	}
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: p}}})
	if got, want := fileNames(r, "radius"), []string{"MultiFactorAuthRadiusSvc.log.1 read", "MultiFactorAuthRadiusSvc.log read"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	if s := r.Summary["radius"]; s.Requests != 10 {
		t.Errorf("%d requests, want 10: a file read twice or a backup read", s.Requests)
	}
	notes := strings.Join(r.Coverage["radius"].Notes, "\n")
	for _, want := range []string{"MultiFactorAuthRadiusSvc.log.bak.zip", "MultiFactorAuthRadiusSvc.log~", "MultiFactorAuthRadiusSvc.log.1.swp", "MultiFactorAuthRadiusSvc.log.orig"} {
		if !strings.Contains(notes, want) {
			t.Errorf("the notes do not name %s as skipped:\n%s", want, notes)
		}
	}
	if links > 0 && !strings.Contains(notes, "same file") {
		t.Errorf("the notes do not say a link was skipped as the same file:\n%s", notes)
	}

	// A "folder" that is a file cannot be listed, whoever runs the test.
	notDir := filepath.Join(t.TempDir(), "file")
	writeFile(t, notDir, nil)
	r = build(t, Options{Logs: []Log{{Name: "radius", Path: p}, {Name: "iis", Path: filepath.Join(notDir, "MultiFactorAuthIisNm.log")}}})
	if notes := r.Coverage["iis"].Notes; len(notes) != 1 || !strings.Contains(notes[0], "cannot list the folder") {
		t.Errorf("a folder that is a file: notes %q, want one that says it cannot be listed", notes)
	}
	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		return // a folder that cannot be listed needs permissions that bind
	}
	locked := filepath.Join(t.TempDir(), "locked")
	writeFile(t, filepath.Join(locked, "MultiFactorAuthRadiusSvc.log"), radiusLines(start, 0, 1))
	if err := os.Chmod(locked, 0o300); err != nil { // enter and write, not list
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(locked, 0o755) })
	r = build(t, Options{Logs: []Log{{Name: "radius", Path: filepath.Join(locked, "MultiFactorAuthRadiusSvc.log")}}})
	if notes := r.Coverage["radius"].Notes; len(notes) != 1 || !strings.Contains(notes[0], "rolled generations") {
		t.Errorf("an unlistable folder: notes %q, want one about its rolled generations", notes)
	}
}

// TestGenerationsCap: beyond the cap on generations the oldest are left out, and the coverage
// says how many.
func TestGenerationsCap(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	const n = 5
	for i := range n {
		writeFile(t, fmt.Sprintf("%s.%d", p, n-i), radiusLines(start.Add(time.Duration(i)*time.Hour), i, 1))
	}
	writeFile(t, p, radiusLines(start.Add(n*time.Hour), n, 1))
	files, notes := generations(p, func(string, string) bool { return false }, 0, 3)
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f.path))
	}
	if want := []string{"MultiFactorAuthRadiusSvc.log.3", "MultiFactorAuthRadiusSvc.log.2", "MultiFactorAuthRadiusSvc.log.1", "MultiFactorAuthRadiusSvc.log"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "2 oldest") {
		t.Errorf("notes %q, want one that says the 2 oldest were left out", notes)
	}
}

// TestIsGeneration: the names a log's rollovers give, and names that only look alike.
func TestIsGeneration(t *testing.T) {
	for _, c := range []struct {
		base, name string
		want       bool
	}{
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.1", true},
		{"MultiFactorAuthSvc.log", "multifactorauthsvc.LOG.12", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.1.log", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc-2026-11-23.log", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc_20261123T0800.log", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.2026-11-23", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.3.gz", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.bak", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.old", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc-old.log", true},
		{"syslog", "syslog.1", true},
		{"syslog", "syslog.2.gz", true},
		{"syslog", "syslog-20261123", true},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.bak.zip", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log~", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.1~", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.1.swp", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.log.orig", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvcNotes.txt", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc.txt", false},
		{"MultiFactorAuthSvc.log", "MultiFactorAuthSvc2.log", false},
		{"syslog", "syslog.conf", false},
	} {
		if got := isGeneration(c.base, c.name); got != c.want {
			t.Errorf("isGeneration(%q, %q) = %t, want %t", c.base, c.name, got, c.want)
		}
	}
}

// TestGenerationOfAnotherLog: a generation beside one log that is another log's file (a hard
// link) is read once, as that log, whichever log comes first, and the coverage says so.
func TestGenerationOfAnotherLog(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	radius, other := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log"), filepath.Join(t.TempDir(), "MultiFactorAuthIisNm.log")
	writeFile(t, radius, radiusLines(start.Add(time.Hour), 0, 3))
	writeFile(t, other, radiusLines(start, 10, 2))
	if err := os.Link(other, radius+".1"); err != nil {
		t.Skip("no hard links here:", err)
	}
	for _, order := range [][]Log{{{Name: "iis", Path: other}, {Name: "radius", Path: radius}}, {{Name: "radius", Path: radius}, {Name: "iis", Path: other}}} {
		r := build(t, Options{Logs: order})
		if got, want := fileNames(r, "radius"), []string{"MultiFactorAuthRadiusSvc.log read"}; !reflect.DeepEqual(got, want) {
			t.Errorf("radius files %q, want %q", got, want)
		}
		if n := r.Coverage["radius"].Notes; len(n) != 1 || !strings.Contains(n[0], "of the iis log") {
			t.Errorf("radius notes %q, want one naming the iis log", n)
		}
		if a, b := r.Summary["iis"].Requests, r.Summary["radius"].Requests; a != 2 || b != 3 {
			t.Errorf("requests: iis %d, radius %d; want 2 and 3", a, b)
		}
	}
}
