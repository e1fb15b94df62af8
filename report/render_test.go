package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files of the sample logs' report (and docs/report.png, with chromium)")

// sampleReport is the report of the repository's sample logs, with the files' modification
// times (which a checkout sets) fixed.
func sampleReport(t testing.TB, opts Options) *Report {
	t.Helper()
	r := build(t, opts)
	for _, c := range r.Coverage {
		for i := range c.Files {
			c.Files[i].Modified = time.Date(2026, 11, 23, 9, 5, 0, 0, time.UTC)
		}
	}
	return r
}

// TestGoldenSample: the text and JSON reports of the sample logs, byte for byte (regenerate
// with -update after a deliberate change, and read the diff).
func TestGoldenSample(t *testing.T) {
	r := sampleReport(t, sampleOptions())
	for _, f := range []string{"text", "json"} {
		var b bytes.Buffer
		if err := Write(&b, r, f); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "sample."+map[string]string{"text": "txt", "json": "json"}[f])
		if *update {
			writeFile(t, golden, b.Bytes())
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(b.Bytes(), want) {
			t.Errorf("the %s report of the sample logs differs from %s (run with -update and read the diff):\n%s", f, golden, b.String())
		}
	}
}

// TestSampleNumbers checks the numbers of the sample logs that the documentation quotes, from
// the lines themselves: the public RADIUS lines and the hand-written ones around them.
func TestSampleNumbers(t *testing.T) {
	r := sampleReport(t, sampleOptions())
	radius := r.Summary["radius"]
	// 18 calls; carol's second call 4 s after her first prompted her again, alice's second
	// was refused with 101; mallory and oscar were never answered (oscar still in flight at
	// the end, mallory abandoned by the 5 min timeout), ivan by judy's call on his thread.
	if radius.Requests != 18 || radius.Duplicates["prompted"] != 1 || radius.Duplicates["rejected"] != 1 ||
		radius.Abandoned != 2 || radius.InFlight != 1 || radius.Orphans != 1 {
		t.Errorf("radius summary: %+v", radius)
	}
	users := map[string]UserRow{}
	for _, u := range r.Users {
		users[u.Log+" "+u.User] = u
	}
	if u := users[`radius CONTOSO\carol`]; u.Requests != 2 || u.PromptedTwice != 1 {
		t.Errorf("carol: %+v", u)
	}
	if u := users[`radius CONTOSO\alice`]; u.Requests != 2 || u.Duplicates != 1 || u.Failures != 1 {
		t.Errorf("alice (CONTOSO\\alice and CONTOSO\\Alice): %+v", u)
	}
	if u := users["radius "]; u.Failures != 1 || u.Requests != 0 {
		t.Errorf("the orphan -101 result: %+v", u)
	}
	if len(r.FraudReports) != 4 {
		t.Errorf("fraud reports: %+v", r.FraudReports)
	}
	c := r.Coverage["service"]
	if c.Unknown != 1 || c.UnknownTemplates[0].Template != "Service started" || c.Errors != 1 ||
		!strings.HasPrefix(c.ErrorTemplates[0].Template, "***** ERROR ***** Error determining the current master") {
		t.Errorf("service coverage: %+v", c)
	}
}

// TestTextFitsAndIsClean: every line of the text report fits in 100 columns, and a user name
// with control characters (a terminal escape) cannot reach the console.
func TestTextFitsAndIsClean(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	evil := "CONTOSO\\\x1b[2J\x1b]0;pwned\x07" + strings.Repeat("very-long-name-", 30)
	writeFile(t, p, []byte("2026-11-23T09:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('"+evil+"', '', 1)\n"+
		"2026-11-23T09:00:01.000000Z|0|1|1|pfrad|rawCallStatus = 132\n"+
		"2026-11-23T09:00:02.000000Z|e|1|1|pfrad|***** ERROR ***** "+strings.Repeat("a long error message ", 20)+"\n"))
	g := generate(t, 20000, 0.001)
	for name, r := range map[string]*Report{
		"sample":    sampleReport(t, sampleOptions()),
		"generated": g.report(t),
		"evil":      build(t, Options{Logs: []Log{{Name: "radius", Path: p}}}),
	} {
		var b bytes.Buffer
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(b.String(), "\n") {
			if n := utf8.RuneCountInString(line); n > textWidth {
				t.Errorf("%s: line %d has %d columns: %q", name, i+1, n, line)
			}
			if strings.ContainsAny(line, "\x1b\x07\r") {
				t.Errorf("%s: line %d holds a control character: %q", name, i+1, line)
			}
		}
	}
}

// csvRecords is r's CSV as a spreadsheet reads it.
func csvRecords(t *testing.T, r *Report) [][]string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestCSV: the users table with a header, a cell a spreadsheet would run as a formula
// defused, names with commas and quotes kept whole.
func TestCSV(t *testing.T) {
	r := &Report{Users: []UserRow{
		{Log: "radius", User: `=HYPERLINK("http://x","y")`, Counts: Counts{Requests: 1}},
		{Log: "service", User: "CN=Carol,OU=Staff,DC=contoso,DC=com", Counts: Counts{Requests: 2, Fraud: 1}},
		{Log: "radius", User: "", Counts: Counts{Failures: 1}},
	}}
	recs := csvRecords(t, r)
	if len(recs) != 4 || strings.Join(recs[0], ",") != strings.Join(csvHeader, ",") ||
		recs[1][1] != `'=HYPERLINK("http://x","y")` || recs[2][1] != "CN=Carol,OU=Staff,DC=contoso,DC=com" || recs[2][6] != "1" || recs[3][5] != "1" {
		t.Errorf("%q", recs)
	}
}

// TestAnonymize: with --anonymize no user name or client address of the logs is in any
// format; the same key gives the same pseudonyms, another key others.
func TestAnonymize(t *testing.T) {
	secrets := []string{"alice", "bob", "carol", "pnigam", "O''Brien", "192.0.2.", "2001:db8::7", "10.0.0.5", "contoso"}
	opts := sampleOptions()
	a, err := NewAnonymizer([]byte("k1"))
	if err != nil {
		t.Fatal(err)
	}
	opts.Anonymizer = a
	r := sampleReport(t, opts)
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Write(&b, r, f); err != nil {
			t.Fatal(err)
		}
		out := strings.ToLower(b.String())
		for _, s := range secrets {
			if strings.Contains(out, strings.ToLower(s)) {
				i := strings.Index(out, strings.ToLower(s))
				t.Errorf("%s: %q in the anonymized report: …%s…", f, s, out[max(0, i-60):min(len(out), i+40)])
			}
		}
	}
	names := map[string]bool{}
	for _, u := range r.Users {
		if u.User != "" && !strings.HasPrefix(u.User, "user-") || len(u.User) != len("user-3f9a2c1b5e7d4a60") && u.User != "" {
			t.Errorf("pseudonym %q", u.User)
		}
		names[u.Log+u.User] = true
	}
	if len(names) != len(r.Users) {
		t.Error("two users got one pseudonym")
	}
	b, _ := NewAnonymizer([]byte("k1"))
	c, _ := NewAnonymizer([]byte("k2"))
	if a.User(`CONTOSO\Alice`) != b.User(`contoso\alice`) || a.User("x") == c.User("x") || a.Client("10.0.0.1") == a.User("10.0.0.1") {
		t.Error("pseudonyms are not stable per key, folded, and distinct across keys and kinds")
	}
}

// TestJSONShape: the JSON report has the documented top-level fields and types (a consumer's
// contract: fields are added, never renamed).
func TestJSONShape(t *testing.T) {
	r := sampleReport(t, sampleOptions())
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"logs", "range", "anonymized", "settings", "coverage", "summary", "users", "clients", "fraud_reports", "timeline"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	cov := m["coverage"].(map[string]any)["radius"].(map[string]any)
	for _, k := range []string{"lines", "malformed", "understood", "not_understood", "unknown_templates", "error_templates", "files"} {
		if _, ok := cov[k]; !ok {
			t.Errorf("coverage: no %q", k)
		}
	}
	et := cov["error_templates"].([]any)[0].(map[string]any)
	for _, k := range []string{"template", "count", "example", "first_seen", "last_seen"} {
		if _, ok := et[k]; !ok {
			t.Errorf("error template: no %q", k)
		}
	}
	sum := m["summary"].(map[string]any)["radius"].(map[string]any)
	for _, k := range []string{"requests", "results", "cache_hits", "abandoned", "duplicates", "codes", "answer_times"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary: no %q", k)
		}
	}
	code := sum["codes"].([]any)[0].(map[string]any)
	for _, k := range []string{"code", "method", "result", "description", "count"} {
		if _, ok := code[k]; !ok {
			t.Errorf("code: no %q", k)
		}
	}
	user := m["users"].([]any)[0].(map[string]any)
	for _, k := range []string{"log", "user", "requests", "duplicates", "prompted_twice", "failures", "fraud", "abandoned", "first_seen", "last_seen"} {
		if _, ok := user[k]; !ok {
			t.Errorf("user: no %q", k)
		}
	}
	tl := m["timeline"].(map[string]any)
	point := tl["points"].([]any)[0].(map[string]any)
	for _, k := range []string{"start", "requests", "failures", "duplicates", "fraud"} {
		if _, ok := point[k]; !ok || tl["step_seconds"] == nil {
			t.Errorf("timeline point: no %q", k)
		}
	}
}

// TestPercentilesAreExact: answer times of 1 to 100 s: nearest-rank p50 50 s, p90 90 s, p99
// 99 s; and past the cap on kept values the report says the percentiles are estimates.
func TestPercentilesAreExact(t *testing.T) {
	var log strings.Builder
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i := 1; i <= 100; i++ {
		t0 := start.Add(time.Duration(i) * 10 * time.Minute)
		tid := i
		log.WriteString(t0.Format("2006-01-02T15:04:05.000000Z") + "|0|1|" + itoa(int64(tid)) + "|pfrad|Calling pfAuthUser('u" + itoa(int64(i)) + "', '', 1)\n")
		log.WriteString(t0.Add(time.Duration(i)*time.Second+7*time.Microsecond).Format("2006-01-02T15:04:05.000000Z") + "|0|1|" + itoa(int64(tid)) + "|pfrad|rawCallStatus = 21\n")
	}
	p := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
	writeFile(t, p, []byte(log.String()))
	r := build(t, Options{Logs: []Log{{Name: "radius", Path: p}}})
	a := r.Summary["radius"].AnswerTimes[0]
	if a.Count != 100 || !a.Exact || a.P50Seconds != 50.000007 || a.P90Seconds != 90.000007 || a.P99Seconds != 99.000007 || a.MaxSeconds != 100.000007 {
		t.Errorf("%+v", a)
	}
	r = build(t, Options{Logs: []Log{{Name: "radius", Path: p}}, maxDurations: 10})
	if a := r.Summary["radius"].AnswerTimes[0]; a.Count != 100 || a.Exact || a.P50Seconds < 1 || a.P99Seconds > 100.000007 {
		t.Errorf("sampled: %+v", a)
	}
}

// TestTimelineSteps: the step is the smallest that gives at most 60 intervals, and counts
// kept at a finer step add up into it.
func TestTimelineSteps(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for span, want := range map[time.Duration]time.Duration{
		30 * time.Minute:     time.Minute,
		10 * time.Hour:       15 * time.Minute,
		24 * time.Hour:       30 * time.Minute,
		30 * 24 * time.Hour:  12 * time.Hour,
		365 * 24 * time.Hour: 7 * 24 * time.Hour,
	} {
		if got := steps[chooseStep(t0, t0.Add(span), 0)]; got != want {
			t.Errorf("%s: step %s, want %s", span, got, want)
		}
	}
	tl := newTimeline()
	n := 0
	for m := 0; m < 3*maxBuckets; m += 2 {
		tl.add(t0.Add(time.Duration(m)*time.Minute), tlRequests)
		n++
	}
	if tl.step == 0 || len(tl.buckets) > maxBuckets {
		t.Errorf("step %d with %d buckets", tl.step, len(tl.buckets))
	}
	_, points := timelinePoints([]*timeline{tl}, t0, t0.Add(3*maxBuckets*time.Minute))
	var sum int64
	for _, p := range points {
		sum += p.Requests
	}
	if sum != int64(n) || len(points) > targetPoints+1 {
		t.Errorf("%d points adding up to %d, want %d", len(points), sum, n)
	}
}

// TestJSONIsWhatEncoderWrites: the streamed JSON is byte for byte what json.Encoder writes
// with an indent of two blanks, on a report with every list and map filled, and on an empty one.
func TestJSONIsWhatEncoderWrites(t *testing.T) {
	g := generate(t, 20000, 0.001)
	opts := g.options()
	opts.MaxRows = 50
	for name, r := range map[string]*Report{"generated": build(t, opts), "empty": {}} {
		var got, want bytes.Buffer
		if err := r.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: the streamed JSON differs from json.Encoder's (%d and %d bytes)", name, got.Len(), want.Len())
		}
	}
}

// TestPseudonymsHold64Bits: a pseudonym is 64 bits of the keyed hash (16 hexadecimal digits),
// so that two of a hundred thousand names meet with a chance of about 3e-10, not 1 in 1000.
func TestPseudonymsHold64Bits(t *testing.T) {
	a, err := NewAnonymizer([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{a.User(`CONTOSO\alice`), a.Client("192.0.2.10")} {
		hexPart := p[strings.IndexByte(p, '-')+1:]
		if len(hexPart) != 16 || strings.Trim(hexPart, "0123456789abcdef") != "" {
			t.Errorf("pseudonym %q: want 16 hexadecimal digits", p)
		}
	}
}

// TestCSVDefusesFormulas: a user name that starts with any byte a spreadsheet takes for the
// start of a formula (=, +, -, @, a tab, a carriage return) gets a quote mark in front; other
// names, also with those bytes further in, are written as they are.
func TestCSVDefusesFormulas(t *testing.T) {
	for _, c := range []struct{ user, cell string }{
		{"=1+2", "'=1+2"},
		{"+1 425 555 0100", "'+1 425 555 0100"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=cmd", "'\t=cmd"},
		{"\r=cmd", "'\r=cmd"},
		{`CONTOSO\alice`, `CONTOSO\alice`},
		{"bob@contoso.com", "bob@contoso.com"},
		{"a=b+c-d", "a=b+c-d"},
		{"'quoted", "'quoted"},
		{"", ""},
	} {
		recs := csvRecords(t, &Report{Users: []UserRow{{Log: "radius", User: c.user, Counts: Counts{Requests: 1}}}})
		if len(recs) != 2 || recs[1][1] != c.cell {
			t.Errorf("user %q: cells %q, want %q", c.user, recs, c.cell)
		}
	}
}

// TestRowJSON: a users or clients row is written as json.MarshalIndent writes it, whatever
// the name holds and whichever times it has.
func TestRowJSON(t *testing.T) {
	t1 := time.Date(2026, 11, 23, 8, 0, 0, 123456000, time.UTC)
	t2 := time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		first, last *time.Time
	}{
		{`CONTOSO\alice`, &t1, &t2},
		{"", nil, nil},
		{`a"b<c>&d`, &t1, &t1},
		{"tab\there\x00\x7f", &t2, &t2},
		{"Ünïcødé \u2028 \xff\xfe", nil, nil},
		{"bob@contoso.com", &t1, &far},
	} {
		c := Counts{Requests: 12, Duplicates: 3, PromptedTwice: 1, Failures: 4, Fraud: 1, Abandoned: 2, NotPerformed: 5,
			FirstSeen: tc.first, LastSeen: tc.last}
		for _, row := range []any{&UserRow{Log: "radius", User: tc.name, Counts: c}, &ClientRow{Log: "iis", Client: tc.name, Counts: c}} {
			var got []byte
			var err error
			switch r := row.(type) {
			case *UserRow:
				got, err = appendRowJSON(nil, r.Log, "user", r.User, &r.Counts, r)
			case *ClientRow:
				got, err = appendRowJSON(nil, r.Log, "client", r.Client, &r.Counts, r)
			}
			want, wantErr := json.MarshalIndent(row, "    ", "  ")
			if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
				t.Errorf("%q: wrote\n%s (%v)\nwant\n%s (%v)", tc.name, got, err, want, wantErr)
			}
		}
	}
}

// TestCSVIsWhatEncodingCSVWrites: the users table in CSV is byte for byte what encoding/csv
// writes of UserCSV's records, whatever the names hold.
func TestCSVIsWhatEncodingCSVWrites(t *testing.T) {
	t1 := time.Date(2026, 11, 23, 8, 0, 0, 123456000, time.UTC)
	r := &Report{}
	for i, name := range []string{`CONTOSO\alice`, "", "bob@contoso.com", `a"b`, "a,b", " lead", "\u00a0nbsp", `\.`, "=1+1",
		"-x", "tab\there", "line\nbreak", "cr\r", "Ünïcødé", "\xff\xfe", "trailing "} {
		u := UserRow{Log: "radius", User: name, Counts: Counts{Requests: int64(i), Failures: 1, NotPerformed: 2}}
		if i%2 == 0 {
			u.FirstSeen, u.LastSeen = &t1, &t1
		}
		r.Users = append(r.Users, u)
	}
	var got, want bytes.Buffer
	if err := r.WriteCSV(&got); err != nil {
		t.Fatal(err)
	}
	cw := csv.NewWriter(&want)
	_ = cw.Write(csvHeader)
	for _, u := range r.Users {
		_ = cw.Write(UserCSV(u))
	}
	cw.Flush()
	if got.String() != want.String() {
		t.Errorf("wrote\n%s\nwant\n%s", got.String(), want.String())
	}
}
