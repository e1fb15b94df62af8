package report

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azuremfa/azuremfa_exporter/loggen"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// metric reads one sample of the generator's expected values (0 when absent).
func metric(e loggen.Expected, name string, pairs ...string) int64 {
	type kv struct{ k, v string }
	var ps []kv
	for i := 0; i < len(pairs); i += 2 {
		ps = append(ps, kv{pairs[i], pairs[i+1]})
	}
	// As the text format writes them: names sorted, a bucket's le last.
	slices.SortFunc(ps, func(a, b kv) int {
		if (a.k == "le") != (b.k == "le") {
			if a.k == "le" {
				return 1
			}
			return -1
		}
		return strings.Compare(a.k, b.k)
	})
	var b strings.Builder
	b.WriteString(name + "{")
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", p.k, p.v)
	}
	b.WriteString("}")
	return int64(e[b.String()])
}

// TestUsersMatchGenerator: every user row of every log is what the generator counted for that
// user (requests, duplicates, prompts again, failures, fraud, abandoned, not performed, first
// and last seen, the name as first written), and no row more.
func TestUsersMatchGenerator(t *testing.T) {
	g := generate(t, 40000, 0.001)
	r := g.report(t)
	for _, k := range loggen.Kinds {
		log := string(k)
		want := map[string]loggen.TruthRow{}
		for _, u := range g.truth[log].Users {
			want[strings.ToLower(u.Name)] = u
		}
		got := map[string]UserRow{}
		for _, u := range r.Users {
			if u.Log == log {
				got[strings.ToLower(u.User)] = u
			}
		}
		if len(got) != len(want) || len(want) < 100 {
			t.Errorf("%s: %d user rows, the generator counted %d users", log, len(got), len(want))
		}
		bad := 0
		for key, w := range want {
			u, ok := got[key]
			if !ok || !rowMatches(u.User, &u.Counts, w) {
				if bad++; bad <= 5 {
					t.Errorf("%s user %q:\n got %+v\nwant %+v", log, w.Name, u, w)
				}
			}
		}
	}
}

// TestClientsMatchGenerator: the same for the client addresses of Pfauth and "not
// performed" lines.
func TestClientsMatchGenerator(t *testing.T) {
	g := generate(t, 40000, 0.001)
	r := g.report(t)
	for _, k := range []loggen.Kind{loggen.KindService, loggen.KindSyslog} {
		log := string(k)
		got := map[string]ClientRow{}
		for _, c := range r.Clients {
			if c.Log == log {
				got[c.Client] = c
			}
		}
		want := g.truth[log].Clients
		if len(got) != len(want) || len(want) < 3 {
			t.Errorf("%s: %d client rows, the generator counted %d clients", log, len(got), len(want))
		}
		for _, w := range want {
			c := got[w.Name]
			if !rowMatches(c.Client, &c.Counts, w) {
				t.Errorf("%s client %q:\n got %+v\nwant %+v", log, w.Name, c, w)
			}
		}
	}
	for _, c := range r.Clients {
		if c.Log == "radius" || c.Log == "iis" {
			t.Errorf("client row in %s, whose lines name no client: %+v", c.Log, c)
		}
	}
}

func rowMatches(name string, c *Counts, w loggen.TruthRow) bool {
	at := func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	}
	return name == w.Name && c.Requests == int64(w.Requests) && c.Duplicates == int64(w.Duplicates) &&
		c.PromptedTwice == int64(w.PromptedTwice) && c.Failures == int64(w.Failures) && c.Fraud == int64(w.Fraud) &&
		c.Abandoned == int64(w.Abandoned) && c.NotPerformed == int64(w.NotPerformed) &&
		at(c.FirstSeen).Equal(w.FirstSeen) && at(c.LastSeen).Equal(w.LastSeen)
}

// TestSummaryMatchesGenerator: the summary of every log is what the metrics must say for it.
func TestSummaryMatchesGenerator(t *testing.T) {
	g := generate(t, 40000, 0.001)
	r := g.report(t)
	e := g.expect
	for _, k := range loggen.Kinds {
		log := string(k)
		s := r.Summary[log]
		check := func(what string, got int64, name string, pairs ...string) {
			t.Helper()
			if want := metric(e, name, append([]string{"log", log}, pairs...)...); got != want {
				t.Errorf("%s %s: %d, want %d", log, what, got, want)
			}
		}
		check("requests", s.Requests, "azuremfa_auth_requests_total")
		check("abandoned", s.Abandoned, "azuremfa_auth_abandoned_total")
		check("cache hits", s.CacheHits, "azuremfa_cache_hits_total")
		check("in flight", s.InFlight, "azuremfa_auth_in_flight")
		check("not performed", s.NotPerformed, "azuremfa_auth_not_performed_total")
		for _, h := range logparse.Handlings {
			check("duplicates "+h.String(), s.Duplicates[h.String()], "azuremfa_duplicate_requests_total", "handling", h.String())
		}
		for m, n := range s.Prompts {
			check("prompts "+m, n, "azuremfa_prompts_total", "method", m)
		}
		for _, res := range []string{"success", "failure"} {
			check("primary auth "+res, s.PrimaryAuth[res], "azuremfa_primary_auth_total", "result", res)
		}
		for a, n := range s.AdminChanges {
			check("admin changes "+a, n, "azuremfa_admin_changes_total", "action", a)
		}
		var codes int64
		for _, c := range s.Codes {
			codes += c.Count
			check(fmt.Sprintf("code %s %s", codeText(c), c.Result), c.Count, "azuremfa_auth_results_total",
				"code", codeText(c), "method", c.Method, "result", c.Result)
		}
		var results int64
		for _, n := range s.Results {
			results += n
		}
		var wantCodes int64
		for key, v := range e {
			if strings.HasPrefix(key, "azuremfa_auth_results_total{") && strings.Contains(key, `log="`+log+`"`) {
				wantCodes += int64(v)
			}
		}
		if codes != wantCodes || results != wantCodes || len(s.Codes) < 20 {
			t.Errorf("%s: %d results over %d codes (%d by result), want %d", log, codes, len(s.Codes), results, wantCodes)
		}
		for _, o := range s.OATH {
			check("oath "+codeText(o), o.Count, "azuremfa_oath_validations_total", "code", codeText(o))
		}
		// The answer times fall in the exporter's histogram buckets, summed over results.
		for _, a := range s.AnswerTimes {
			var cum, total int64
			for _, b := range a.Histogram {
				cum += b.Count
				le := "+Inf"
				if b.LE != nil {
					le = strconv.FormatFloat(*b.LE, 'g', -1, 64)
				}
				var want int64
				for _, res := range logparse.Results {
					want += metric(e, "azuremfa_auth_duration_seconds_bucket", "log", log, "method", a.Method, "result", res.String(), "le", le)
				}
				if cum != want {
					t.Errorf("%s %s answer times up to %s s: %d, want %d", log, a.Method, le, cum, want)
				}
				total = cum
			}
			if total != a.Count || !a.Exact || !(a.P50Seconds <= a.P90Seconds && a.P90Seconds <= a.P99Seconds && a.P99Seconds <= a.MaxSeconds) {
				t.Errorf("%s %s: %+v", log, a.Method, a)
			}
		}
		if (k == loggen.KindRadius || k == loggen.KindIIS) && len(s.AnswerTimes) < 5 {
			t.Errorf("%s: answer times of %d methods only", log, len(s.AnswerTimes))
		}
	}
}

// TestCoverageMatchesGenerator: lines, malformed lines and entries by level are what the
// exporter counts; the understood and not understood entries and the templates add up.
func TestCoverageMatchesGenerator(t *testing.T) {
	g := generate(t, 40000, 0.001)
	r := g.report(t)
	for _, k := range loggen.Kinds {
		log := string(k)
		c := r.Coverage[log]
		if want := metric(g.expect, "azuremfa_exporter_log_lines_total", "log", log); c.Lines != want || want != 40000 {
			t.Errorf("%s: %d lines, want %d", log, c.Lines, want)
		}
		if want := metric(g.expect, "azuremfa_exporter_log_malformed_lines_total", "log", log); c.Malformed != want || want == 0 {
			t.Errorf("%s: %d malformed, want %d", log, c.Malformed, want)
		}
		for lv, n := range c.Levels {
			if want := metric(g.expect, "azuremfa_log_entries_total", "log", log, "level", lv); n != want {
				t.Errorf("%s level %s: %d entries, want %d", log, lv, n, want)
			}
		}
		var kinds, reasons int64
		for _, n := range c.Kinds {
			kinds += n
		}
		for _, n := range c.MalformedReasons {
			reasons += n
		}
		if kinds != c.Entries || c.Entries+c.Malformed != c.Lines || reasons != c.Malformed ||
			c.Understood+c.NotUnderstood != c.Entries || c.Unknown+c.Errors != c.NotUnderstood {
			t.Errorf("%s: coverage does not add up: %+v", log, c)
		}
		sum := func(ts []Template, other int64) int64 {
			for _, t := range ts {
				other += t.Count
			}
			return other
		}
		if sum(c.UnknownTemplates, c.UnknownOther) != c.Unknown || sum(c.ErrorTemplates, c.ErrorOther) != c.Errors ||
			sum(c.MalformedTemplates, c.MalformedOther) != c.Malformed {
			t.Errorf("%s: the templates do not add up to the entries they group", log)
		}
		// Syslog lines have no level: only ***** ERROR ***** lines are errors there.
		if len(c.UnknownTemplates) < 5 || len(c.ErrorTemplates) < 2 && k != loggen.KindSyslog || len(c.UnknownTemplates) > 40 {
			t.Errorf("%s: %d unknown and %d error templates: the generator writes a few dozen shapes",
				log, len(c.UnknownTemplates), len(c.ErrorTemplates))
		}
		for _, tp := range c.ErrorTemplates {
			if tp.FirstSeen == nil || tp.LastSeen.Before(*tp.FirstSeen) {
				t.Errorf("%s error template %q: first and last seen %v %v", log, tp.Template, tp.FirstSeen, tp.LastSeen)
			}
		}
		if len(c.Files) != 1 || c.Files[0].Lines != 40000 || c.Files[0].Status != StatusRead ||
			c.Files[0].Encoding != encUTF8 || c.Files[0].Bytes != int64(len(g.data[log])) {
			t.Errorf("%s files: %+v", log, c.Files)
		}
	}
}

// TestRowsAddUpToTotals: the users rows of a log add up to its totals, and so do the
// timeline's intervals; the fraud reports are the users' fraud.
func TestRowsAddUpToTotals(t *testing.T) {
	g := generate(t, 40000, 0.001)
	r := g.report(t)
	var fraudTotal int64
	for _, log := range r.Logs {
		var sum Counts
		for _, u := range r.Users {
			if u.Log == log {
				addCounts(&sum, &u.Counts)
			}
		}
		s := r.Summary[log]
		var dups int64
		for _, n := range s.Duplicates {
			dups += n
		}
		if sum.Requests != s.Requests || sum.Duplicates != dups || sum.PromptedTwice != s.Duplicates["prompted"] ||
			sum.Failures != s.Results["failure"] || sum.Abandoned != s.Abandoned || sum.NotPerformed != s.NotPerformed {
			t.Errorf("%s: users add up to %+v; summary %+v", log, sum, s)
		}
		fraudTotal += sum.Fraud
	}
	if int64(len(r.FraudReports)) != fraudTotal || fraudTotal == 0 {
		t.Errorf("%d fraud reports, the users have %d", len(r.FraudReports), fraudTotal)
	}
	var tl TimelinePoint
	for _, p := range r.Timeline.Points {
		tl.Requests, tl.Failures, tl.Duplicates, tl.Fraud = tl.Requests+p.Requests, tl.Failures+p.Failures, tl.Duplicates+p.Duplicates, tl.Fraud+p.Fraud
	}
	var want TimelinePoint
	for _, log := range r.Logs {
		s := r.Summary[log]
		want.Requests += s.Requests
		want.Failures += s.Results["failure"]
		for _, n := range s.Duplicates {
			want.Duplicates += n
		}
	}
	want.Fraud = fraudTotal
	if tl != want {
		t.Errorf("timeline adds up to %+v, want %+v", tl, want)
	}
}

func addCounts(sum, c *Counts) {
	sum.Requests += c.Requests
	sum.Duplicates += c.Duplicates
	sum.PromptedTwice += c.PromptedTwice
	sum.Failures += c.Failures
	sum.Fraud += c.Fraud
	sum.Abandoned += c.Abandoned
	sum.NotPerformed += c.NotPerformed
}

// TestTimelineMatchesGenerator: every interval holds what the generator counted in its
// minutes.
func TestTimelineMatchesGenerator(t *testing.T) {
	g := generate(t, 40000, 0.001)
	r := g.report(t)
	step := time.Duration(r.Timeline.StepSeconds) * time.Second
	want := map[time.Time]TimelinePoint{}
	for _, tr := range g.truth {
		for _, m := range tr.Minutes {
			k := time.Unix(stepOrigin+bucketIndex(m.Start, step)*int64(step/time.Second), 0).UTC()
			p := want[k]
			p.Start = k
			p.Requests += int64(m.Requests)
			p.Failures += int64(m.Failures)
			p.Duplicates += int64(m.Duplicates)
			p.Fraud += int64(m.Fraud)
			want[k] = p
		}
	}
	if n := len(r.Timeline.Points); n < 10 || n > targetPoints+1 {
		t.Errorf("%d points of %s", n, step)
	}
	for _, p := range r.Timeline.Points {
		// An empty interval is in the timeline and not in the generator's minutes.
		if w := want[p.Start]; w != p && (!w.Start.IsZero() || p.Requests+p.Failures+p.Duplicates+p.Fraud != 0) {
			t.Errorf("interval %s: %+v, want %+v", p.Start, p, w)
		}
		delete(want, p.Start)
	}
	if len(want) > 0 {
		t.Errorf("intervals missing from the timeline: %v", slices.Collect(maps.Keys(want)))
	}
}
