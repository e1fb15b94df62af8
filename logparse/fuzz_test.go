package logparse

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The layouts as regular expressions: slow and simple, written apart from the parser, so that
// the fuzzer can check that ParseLine accepts nothing outside them. They are necessary
// conditions only (they do not check calendars or the range of a pid).
const (
	fuzzISOTime = `\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:[Zz]|[+-]\d\d:?\d\d)?`
	fuzzSysTail = ` [^ ]+ [^ \t:\[]+(?:\[\d{1,10}\])?:.*$`
)

var (
	fuzzPipeLayout = regexp.MustCompile(`(?s)^\x{FEFF}?(` + fuzzISOTime + `)\|[^|\t ]+\|\d{1,10}\|\d{1,10}\|[^|\t ]+\|.*$`)
	fuzz3339Layout = regexp.MustCompile(`(?s)^\x{FEFF}?(` + fuzzISOTime + `)` + fuzzSysTail)
	fuzz3164Layout = regexp.MustCompile(`(?s)^\x{FEFF}?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?: \d|\d\d|\d) \d\d:\d\d:\d\d` + fuzzSysTail)
	// An ISO time and the separator of the pipe or the RFC 3339 syslog layout.
	fuzzISOStart = regexp.MustCompile(`^\x{FEFF}?(` + fuzzISOTime + `)[| ]`)
	// The first 19 characters of an ISO time (without fraction and zone).
	fuzzISOBase = regexp.MustCompile(`^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)`)
)

// fuzzSeeds are the sample logs and the benchmark shapes, plus near misses.
func fuzzSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	logs, _ := filepath.Glob("testdata/*.log")
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, bytes.Split(data, []byte("\n"))...)
	}
	for _, s := range parseShapes {
		seeds = append(seeds, []byte(s.line))
	}
	for _, s := range []string{
		"",
		"\xEF\xBB\xBF\r",
		"2017-02-14T02:57:19Z|0|1|2|pfrad|Calling pfAuthUser('a'', 'b\\', -0)",
		"2017-02-14T02:57:19+01:30|0|1|2|x|82a3db8d-3317-43f7-b203-6ba81cba93c9|",
		"2017-02-14T02:57:19.1234567890Z|0|1|2|pfrad|x",
		"1969-12-31T23:59:59.999999999Z|0|1|2|pfrad|x",
		"2199-12-31T23:59:59.999999999Z|0|1|2|pfrad|x",
		"2199-12-31T23:59:59-00:01 h t: x",
		"9999-12-31T23:59:59.999999Z|0|1412|6452|pfrad|rawCallStatus = 21",
		"Feb 29 00:00:00 h t[4294967296]: x",
		"2026-11-23T17:22:14-0000 h t: Pfauth not performed for user '' from [",
		"2026-11-23T17:22:14Z h t: User \"a\" changed user \"b\" value  from \"",
		"2026-11-23T17:22:14Z h t: validate_oath_code: user  updated authentication resultcallStatus = \"\"",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzParseLine: ParseLine never panics, accepts only lines of a known layout, reads the time
// right, leaves only views into the line, and decodes each message kind consistently.
func FuzzParseLine(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		orig := bytes.Clone(line)
		e := dirtyEntry()
		err := ParseLine(line, opts2026, &e)
		if !bytes.Equal(line, orig) {
			t.Fatalf("ParseLine modified its input")
		}
		if err != nil {
			var me *MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("ParseLine(%q) = %T %v, want a *MalformedError", line, err, err)
			}
			if flatten(&e) != (flat{}) {
				t.Fatalf("ParseLine(%q) failed but left %+v", line, flatten(&e))
			}
			if me.Reason == ReasonTimeRange {
				checkOutOfRange(t, line)
			}
			return
		}
		checkLayout(t, line, &e)
		checkViews(t, line, &e)
		checkMessage(t, &e)
		// Parsing again into a used entry gives the same result.
		again := dirtyEntry()
		if err := ParseLine(line, opts2026, &again); err != nil || flatten(&again) != flatten(&e) ||
			again.Status != e.Status || !again.Time.Equal(e.Time) {
			t.Fatalf("ParseLine(%q) is not repeatable: %v %+v vs %+v", line, err, flatten(&again), flatten(&e))
		}
	})
}

// checkLayout: an accepted line matches the layout ParseLine reported, and the time agrees
// with the standard library's reading of the same timestamp.
func checkLayout(t *testing.T, line []byte, e *Entry) {
	t.Helper()
	s := string(line)
	var re *regexp.Regexp
	switch e.Format {
	case FormatPipe:
		re = fuzzPipeLayout
	case FormatSyslog3339:
		re = fuzz3339Layout
	case FormatSyslog3164:
		re = fuzz3164Layout
	default:
		t.Fatalf("ParseLine(%q): no format", line)
	}
	m := re.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("ParseLine(%q) accepted a line that does not match %s", line, re)
	}
	if e.Time.Location() != time.UTC {
		t.Fatalf("ParseLine(%q): time %v is not UTC", line, e.Time)
	}
	if e.Format == FormatSyslog3164 {
		if e.Time.Year() != opts2026.Year {
			t.Fatalf("ParseLine(%q): year %d, want %d", line, e.Time.Year(), opts2026.Year)
		}
		return
	}
	want, err := time.Parse(time.RFC3339Nano, normalizeISOTime(m[1]))
	if err != nil {
		t.Fatalf("ParseLine(%q) accepted a timestamp that time.Parse rejects: %v", line, err)
	}
	if !want.Equal(e.Time) {
		t.Fatalf("ParseLine(%q): time %v, time.Parse says %v", line, e.Time, want)
	}
}

// checkOutOfRange: a line refused for its time starts with an ISO time and its separator (the
// time is checked before the fields after it), which the standard library reads as outside
// MinYear..MaxYear.
func checkOutOfRange(t *testing.T, line []byte) {
	t.Helper()
	m := fuzzISOStart.FindStringSubmatch(string(line))
	if m == nil {
		t.Fatalf("ParseLine(%q): time out of range, but the line does not start with an ISO time", line)
	}
	tm, err := time.Parse(time.RFC3339Nano, normalizeISOTime(m[1]))
	if err != nil {
		t.Fatalf("ParseLine(%q): time out of range, but time.Parse rejects it: %v", line, err)
	}
	if y := tm.UTC().Year(); y >= MinYear && y <= MaxYear {
		t.Fatalf("ParseLine(%q): time out of range, but %v is within %d..%d", line, tm, MinYear, MaxYear)
	}
}

// normalizeISOTime turns the accepted variants into strict RFC 3339 for time.Parse.
func normalizeISOTime(s string) string {
	base := fuzzISOBase.FindString(s)
	rest := s[len(base):]
	base = strings.ToUpper(base)
	var frac string
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		frac, rest = rest[:i], rest[i:]
	}
	switch {
	case rest == "" || rest == "z":
		rest = "Z"
	case len(rest) == 5: // ±hhmm
		rest = rest[:3] + ":" + rest[3:]
	}
	return base + frac + rest
}

// checkMessage: each kind has its prefix, its fields lie inside the message, and fields of
// other kinds are empty.
func checkMessage(t *testing.T, e *Entry) {
	t.Helper()
	msg := string(e.Message)
	prefixes := map[Kind][]string{
		KindCall:          {"Calling pfAuthUser('"},
		KindAuthResult:    {"authResult"},
		KindRawCallStatus: {"rawCallStatus"},
		KindPfauth:        {"Pfauth succeeded for user '", "Pfauth failed for user '"},
		KindNotPerformed:  {"Pfauth not performed for user '"},
		KindPrimaryAuth:   {"Primary auth succeeded for user '", "Primary auth failed for user '"},
		KindOATH:          {"validate_oath_code: user "},
		KindAudit:         {`User "`},
		KindError:         {"***** ERROR *****"},
	}
	if e.Kind != KindOther {
		ok := false
		for _, p := range prefixes[e.Kind] {
			ok = ok || strings.HasPrefix(msg, p)
		}
		if !ok {
			t.Fatalf("kind %v for message %q", e.Kind, msg)
		}
	}
	for name, v := range map[string][]byte{"User": e.User, "Admin": e.Admin, "Field": e.Field,
		"Constant": e.Constant, "Description": e.Description, "Addr": e.Addr} {
		if len(v) > 0 && !strings.Contains(msg, string(v)) {
			t.Fatalf("%s %q is not in the message %q", name, v, msg)
		}
	}
	m := flatten(e).msgFields
	m.Kind = KindOther
	switch e.Kind {
	case KindOther, KindError:
		if m != (msgFields{}) || e.Status != (Status{}) {
			t.Fatalf("kind %v with message fields %+v", e.Kind, m)
		}
	case KindAuthResult:
		if (e.Number == 1) != (e.Verdict == VerdictSuccess) || e.Verdict == VerdictNone {
			t.Fatalf("authResult %d with verdict %d", e.Number, e.Verdict)
		}
	case KindRawCallStatus:
		if int64(e.Status.Code) != e.Number {
			t.Fatalf("rawCallStatus %d decoded as %d", e.Number, e.Status.Code)
		}
	case KindPfauth, KindPrimaryAuth:
		if e.Verdict == VerdictNone {
			t.Fatalf("kind %v without a verdict", e.Kind)
		}
	case KindAudit:
		if e.Action == AuditNone || (e.Action == AuditChanged) != (len(e.Field) > 0) {
			t.Fatalf("audit action %v with field %q", e.Action, e.Field)
		}
	}
	if e.StatusKnown {
		if s, ok := LookupCode(e.Status.Code); !ok || s != e.Status {
			t.Fatalf("known status %+v is not the table's", e.Status)
		}
	}
}

// FuzzParseLineAfterAnother: what ParseLine keeps in an Entry from one line to the next (the
// minute of the line before, its pid, the fields a pipe-layout line after it clears) never changes what the next line decodes to: a line
// parsed after any other gives what it gives on a fresh Entry.
func FuzzParseLineAfterAnother(f *testing.F) {
	seeds := fuzzSeeds(f)
	for i := range seeds {
		f.Add(seeds[i], seeds[(i*7+1)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, before, line []byte) {
		var fresh, reused Entry
		errFresh := ParseLine(line, opts2026, &fresh)
		_ = ParseLine(before, opts2026, &reused) // only what it leaves behind matters
		errReused := ParseLine(line, opts2026, &reused)
		if (errFresh == nil) != (errReused == nil) || (errFresh != nil && errFresh.Error() != errReused.Error()) {
			t.Fatalf("ParseLine(%q) after %q: error %v, on a fresh entry %v", line, before, errReused, errFresh)
		}
		if flatten(&fresh) != flatten(&reused) || fresh.Status != reused.Status || !fresh.Time.Equal(reused.Time) ||
			fresh.Time.Location().String() != reused.Time.Location().String() {
			t.Fatalf("ParseLine(%q) after %q:\n got %+v\nwant %+v", line, before, flatten(&reused), flatten(&fresh))
		}
	})
}
