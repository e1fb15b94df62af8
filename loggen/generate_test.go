package loggen

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

func generate(t *testing.T, cfg Config) ([]byte, Expected) {
	t.Helper()
	var buf bytes.Buffer
	exp, err := Generate(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), exp
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			cfg := Config{Seed: 7, Lines: 20000, Kind: k, Malformed: 0.01}
			a, ea := generate(t, cfg)
			b, eb := generate(t, cfg)
			if !bytes.Equal(a, b) {
				t.Fatal("same seed, different bytes")
			}
			if d := ea.Compare(eb); d != nil {
				t.Fatalf("same seed, different expected values: %v", d)
			}
			cfg.Seed = 8
			if c, _ := generate(t, cfg); bytes.Equal(a, c) {
				t.Fatal("another seed, same bytes")
			}
		})
	}
}

// TestGeneratedLinesHaveTheLayout checks every line: the pipe layout (or rsyslog's), a
// time that never goes back, the line count, CRLF, and malformed lines only where asked.
func TestGeneratedLinesHaveTheLayout(t *testing.T) {
	for _, k := range Kinds {
		for _, crlf := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/crlf=%v", k, crlf), func(t *testing.T) {
				const lines = 30000
				log, exp := generate(t, Config{Seed: 3, Lines: lines, Kind: k, CRLF: crlf, Malformed: 0.002})
				re, tag := rePipe, map[Kind]string{KindRadius: "pfrad", KindIIS: "pfisapi", KindService: "pfsvc"}[k]
				if k == KindSyslog {
					re, tag = reSyslog, "pfsvc"
				}
				eol := "\n"
				if crlf {
					eol = "\r\n"
				}
				if !strings.HasSuffix(string(log), eol) {
					t.Fatalf("log does not end with %q", eol)
				}
				all := strings.Split(strings.TrimSuffix(string(log), eol), eol)
				if len(all) != lines {
					t.Fatalf("%d lines, want %d", len(all), lines)
				}
				var last string
				malformed, pids := 0, map[string]bool{}
				for i, l := range all {
					if strings.ContainsAny(l, "\r\n") {
						t.Fatalf("line %d: stray line break: %q", i+1, l)
					}
					m := re.FindStringSubmatch(l)
					if m == nil {
						malformed++
						continue
					}
					if m[1] < last {
						t.Fatalf("line %d: time %s before %s", i+1, m[1], last)
					}
					last = m[1]
					if !strings.Contains(l, "|"+tag+"|") && !strings.Contains(l, " "+tag+": ") {
						t.Fatalf("line %d: tag is not %s: %q", i+1, tag, l)
					}
					if k != KindSyslog {
						pids[m[3]] = true
					}
				}
				if want := exp[sampleKey("azuremfa_exporter_log_malformed_lines_total", "log", string(k))]; float64(malformed) != want || malformed == 0 {
					t.Errorf("%d lines do not have the layout, expected values say %v", malformed, want)
				}
				if k == KindIIS && len(pids) < 2 {
					t.Errorf("IIS log from %d processes, want the web garden's 2", len(pids))
				}
			})
		}
	}
}

// TestGeneratorCountsWhatItWrites reads the log back with regular expressions of its own
// and replays it into a fresh tracker: the values must be those Generate returned.
func TestGeneratorCountsWhatItWrites(t *testing.T) {
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			cfg := Config{Seed: 11, Lines: 100000, Kind: k, Malformed: 0.001}
			if k == KindService || k == KindSyslog {
				cfg.Lines = 40000 // the Pfauth expression is slow, and every line is a shape
			}
			var buf bytes.Buffer
			exp, truth, err := GenerateTruth(&buf, cfg)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := cfg.withDefaults()
			tr := newTracker(string(k), c.Timeout, c.Window)
			if err := replay(buf.Bytes(), tr); err != nil {
				t.Fatal(err)
			}
			if d := exp.Compare(tr.expected()); d != nil {
				t.Fatalf("read back, the log gives other values:\n%s", strings.Join(d, "\n"))
			}
			if got := tr.truth.result(string(k)); !reflect.DeepEqual(got, truth) {
				t.Fatalf("read back, the log gives another truth:\n%s", truthDiff(truth, got))
			}
			if len(truth.Users) < 100 || (k == KindService || k == KindSyslog) && len(truth.Clients) < 3 {
				t.Fatalf("%d users and %d clients: the truth is too thin to test a report with", len(truth.Users), len(truth.Clients))
			}
			if tr.orphans != 0 {
				t.Errorf("%d results with no open call", tr.orphans)
			}
		})
	}
}

// TestGeneratedLogIsRealistic checks that a default log has every feature the benchmark
// and the pipeline tests rely on, so that a change to the mix cannot drop one silently.
func TestGeneratedLogIsRealistic(t *testing.T) {
	log, exp := generate(t, Config{Seed: 1, Lines: 300000, Kind: KindRadius, Malformed: 0.001})
	k := func(name string, pairs ...string) float64 {
		return exp[sampleKey(name, append([]string{"log", "radius"}, pairs...)...)]
	}
	positive := map[string]float64{
		"abandoned":           k("azuremfa_auth_abandoned_total"),
		"in flight at EOF":    k("azuremfa_auth_in_flight"),
		"cache hits":          k("azuremfa_cache_hits_total"),
		"duplicates cached":   k("azuremfa_duplicate_requests_total", "handling", "cached"),
		"duplicates prompted": k("azuremfa_duplicate_requests_total", "handling", "prompted"),
		"duplicates rejected": k("azuremfa_duplicate_requests_total", "handling", "rejected"),
		"duplicates other":    k("azuremfa_duplicate_requests_total", "handling", "other"),
		"fraud reported":      k("azuremfa_auth_results_total", "code", "132", "method", "mobile_app", "result", "failure"),
		"fraud code entered":  k("azuremfa_auth_results_total", "code", "112", "method", "phone_call", "result", "failure"),
		"text sent, pending":  k("azuremfa_auth_results_total", "code", "20", "method", "text_message", "result", "pending"),
		"OATH pending":        k("azuremfa_auth_results_total", "code", "22", "method", "oath_token", "result", "pending"),
		"unknown code 145":    k("azuremfa_auth_results_total", "code", "145", "method", "other", "result", "success") + k("azuremfa_auth_results_total", "code", "145", "method", "other", "result", "failure"),
		"unknown code 999":    k("azuremfa_auth_results_total", "code", "999", "method", "other", "result", "success") + k("azuremfa_auth_results_total", "code", "999", "method", "other", "result", "failure"),
		"user not found":      k("azuremfa_auth_results_total", "code", "-101", "method", "none", "result", "failure"),
		"error lines":         k("azuremfa_log_entries_total", "level", "e"),
		"malformed lines":     k("azuremfa_exporter_log_malformed_lines_total"),
	}
	for what, v := range positive {
		if v <= 0 {
			t.Errorf("no %s in 300,000 lines", what)
		}
	}
	// Answer times by method, from the log itself: mobile app approvals take seconds.
	if k("azuremfa_auth_duration_seconds_bucket", "method", "mobile_app", "result", "success", "le", "2") != 0 {
		t.Error("mobile app approvals answered within 2 s")
	}
	if k("azuremfa_auth_duration_seconds_bucket", "method", "cache", "result", "success", "le", "1") !=
		k("azuremfa_auth_duration_seconds_count", "method", "cache", "result", "success") {
		t.Error("cache hits slower than 1 s")
	}
	// Threads interleave: some call is answered after another call started on another thread.
	if !regexp.MustCompile(`Calling pfAuthUser[^\n]*\n[^\n]*\|[0-9]+\|[0-9]+\|pfrad\|Calling pfAuthUser`).Match(log) {
		t.Error("no two calls in a row: threads do not interleave")
	}
	if !bytes.Contains(log, []byte("o''")) {
		t.Error("no user with a doubled quote")
	}
}

// TestBoundariesAreUnambiguous runs with a timeout and a window so short that lines land on
// their edges all the time: the generator must move every such line so that the "<" and
// "<=" readings of the rules give the same values.
func TestBoundariesAreUnambiguous(t *testing.T) {
	for _, c := range []Config{
		{Kind: KindRadius, Timeout: 3 * time.Millisecond, Window: 5 * time.Millisecond, RequestRate: 400, Users: 20},
		{Kind: KindService, Window: 200 * time.Microsecond, RequestRate: 5000, Users: 3},
	} {
		k := c.Kind
		t.Run(string(k), func(t *testing.T) {
			c.Seed, c.Lines = 5, 100000
			cfg, _ := c.withDefaults()
			var buf bytes.Buffer
			g := newGenerator(&buf, cfg)
			for g.written < cfg.Lines {
				g.run(g.q.pop())
			}
			if g.nudges == 0 {
				t.Fatal("no line landed on a boundary: the test does not test anything")
			}
			exclusive := newTracker(string(k), cfg.Timeout, cfg.Window)
			inclusive := newTracker(string(k), cfg.Timeout, cfg.Window)
			inclusive.inclusive = true
			for _, tr := range []*tracker{exclusive, inclusive} {
				if err := replay(buf.Bytes(), tr); err != nil {
					t.Fatal(err)
				}
			}
			if d := exclusive.expected().Compare(inclusive.expected()); d != nil {
				t.Fatalf("%d nudges, and still the readings differ:\n%s", g.nudges, strings.Join(d, "\n"))
			}
			if d := g.tr.expected().Compare(exclusive.expected()); d != nil {
				t.Fatalf("read back, the log gives other values:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{{Kind: "ntlm"}, {Lines: -1}, {Malformed: 2}} {
		if _, err := Generate(&bytes.Buffer{}, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// TestCodeMixUsesTheTable: every code the generator draws is in logparse's table, except
// the three it uses as codes no table knows.
func TestCodeMixUsesTheTable(t *testing.T) {
	unknown := map[int]bool{145: true, 148: true, 999: true}
	for _, w := range firstCodes {
		_, ok := logparse.LookupCode(w.code)
		if ok == unknown[w.code] {
			t.Errorf("code %d: in the table %v, meant as unknown %v", w.code, ok, unknown[w.code])
		}
	}
	for code := range unknown {
		if !slices.ContainsFunc(firstCodes, func(w weightedCode) bool { return w.code == code }) {
			t.Errorf("unknown code %d is never drawn", code)
		}
	}
}

// truthDiff describes the first rows where two truths differ.
func truthDiff(want, got *Truth) string {
	var b strings.Builder
	diff := func(what string, w, g []TruthRow) {
		fmt.Fprintf(&b, "%s: %d rows, want %d\n", what, len(g), len(w))
		for i := 0; i < min(len(w), len(g)); i++ {
			if w[i] != g[i] {
				fmt.Fprintf(&b, "  want %+v\n  got  %+v\n", w[i], g[i])
				return
			}
		}
	}
	diff("users", want.Users, got.Users)
	diff("clients", want.Clients, got.Clients)
	fmt.Fprintf(&b, "minutes: %d, want %d\n", len(got.Minutes), len(want.Minutes))
	return b.String()
}
