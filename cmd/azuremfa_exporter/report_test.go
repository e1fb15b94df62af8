package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kingpin/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/azuremfa/azuremfa_exporter/loggen"
	"github.com/azuremfa/azuremfa_exporter/report"
)

// runArgs runs the command with args and returns its exit code, stdout and stderr.
func runArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestReportDispatch: `report` as the first argument runs the report with its own help and
// flags; anything else is the exporter, whose help and errors are as they were.
func TestReportDispatch(t *testing.T) {
	code, out, _ := runArgs(t, "report", "--help")
	if code != 0 || !strings.Contains(out, "--since") || !strings.Contains(out, "--anonymize") ||
		!strings.Contains(out, "azuremfa_exporter report") || strings.Contains(out, "--web.listen-address") {
		t.Errorf("report --help: exit %d\n%s", code, out)
	}
	code, out, _ = runArgs(t, "--help")
	if code != 0 || strings.Contains(out, "--since") || !strings.Contains(out, "--web.listen-address") ||
		!strings.Contains(out, "azuremfa_exporter report --help") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	// The exporter's flags are not the report's, and the other way round.
	if code, _, errOut := runArgs(t, "report", "--one-shot", "--mfa.log-dir=../../testdata/sample"); code != 2 || !strings.Contains(errOut, "one-shot") {
		t.Errorf("report --one-shot: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runArgs(t, "--since=1h", "--one-shot", "--mfa.log-dir=../../testdata/sample"); code != 2 || !strings.Contains(errOut, "since") {
		t.Errorf("--since without report: exit %d: %s", code, errOut)
	}
}

// TestReportOfTheSample is the documentation's first command.
func TestReportOfTheSample(t *testing.T) {
	code, out, errOut := runArgs(t, "report", "--mfa.log-dir=../../testdata/sample")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"== Coverage ==", "== Summary ==", "== Users ==", "== Clients ==", "== Timeline ==",
		`CONTOSO\carol`, "Service started", "Error determining the current", "Fraud Reported"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}

// TestReportBadInput: a clear message and exit code 2 for what the caller got wrong.
func TestReportBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--mfa.log-dir=" + filepath.Join(dir, "nowhere")}, "--mfa.log-dir"},
		{[]string{"--mfa.log-dir=" + dir}, "none of the log files exists"},
		{[]string{"--mfa.radius-log=" + filepath.Join(dir, "x.log")}, "does not exist"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--since=2026-11-23T10:00:00Z", "--until=2026-11-23T09:00:00Z"}, "is not before"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--since=1h", "--until=2h"}, "is not before"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--since=yesterday"}, "--since"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--format=pdf"}, "format"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--top=-1"}, "--top"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--max-rows=0"}, "--max-rows"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--output=" + filepath.Join(dir, "no", "such", "r.html")}, "--output"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--output="}, "--output"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--anonymize.key=k"}, "--anonymize"},
		{[]string{"--mfa.log-dir=../../testdata/sample", "--duplicate.window=0s"}, "--duplicate.window"},
		{[]string{}, "no log file configured"},
	} {
		code, out, errOut := runArgs(t, append([]string{"report"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.says) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, code, out, errOut, c.says)
		}
	}
}

// TestReportOutputFile: --output writes the report to a file and nothing to stdout.
func TestReportOutputFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "report.html")
	code, out, errOut := runArgs(t, "report", "--mfa.log-dir=../../testdata/sample", "--format=html", "--output="+p)
	b, err := os.ReadFile(p)
	if code != 0 || out != "" || err != nil || !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Fatalf("exit %d, stdout %q, stderr %q, file %v %.40q", code, out, errOut, err, b)
	}
}

// TestReportEqualsOneShot: on generated logs, every total of the report equals what
// --one-shot prints for the same files and flags, and the users add up to the totals.
func TestReportEqualsOneShot(t *testing.T) {
	dir := t.TempDir()
	var args []string
	for _, k := range loggen.Kinds {
		p := filepath.Join(dir, string(k)+".log")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loggen.Generate(f, loggen.Config{Seed: 21, Lines: 30000, Kind: k, Malformed: 0.002, CRLF: k == loggen.KindIIS}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		flagName := map[loggen.Kind]string{loggen.KindRadius: "radius", loggen.KindIIS: "iis", loggen.KindService: "service", loggen.KindSyslog: "syslog"}[k]
		args = append(args, "--mfa."+flagName+"-log="+p)
	}
	args = append(args, "--auth.timeout=4m", "--duplicate.window=20s")

	code, prom, errOut := runArgs(t, append([]string{"--one-shot", "--log.level=error"}, args...)...)
	if code != 0 {
		t.Fatalf("one-shot: exit %d: %s", code, errOut)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(prom))
	if err != nil {
		t.Fatal(err)
	}
	code, js, errOut := runArgs(t, append([]string{"report", "--format=json"}, args...)...)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}

	// metric sums the samples of a family whose labels include want.
	metric := func(name string, want map[string]string) float64 {
		mf := families[name]
		if mf == nil {
			return 0
		}
		var sum float64
		for _, m := range mf.GetMetric() {
			if !hasLabels(m, want) {
				continue
			}
			switch {
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Histogram != nil:
				sum += float64(m.Histogram.GetSampleCount())
			}
		}
		return sum
	}
	checks := 0
	eq := func(what string, got int64, name string, labels map[string]string) {
		t.Helper()
		checks++
		if want := metric(name, labels); float64(got) != want {
			t.Errorf("%s: report %d, --one-shot %v (%s %v)", what, got, want, name, labels)
		}
	}
	for _, log := range r.Logs {
		l := map[string]string{"log": log}
		with := func(k, v string) map[string]string { return map[string]string{"log": log, k: v} }
		c, s := r.Coverage[log], r.Summary[log]
		eq(log+" lines", c.Lines, "azuremfa_exporter_log_lines_total", l)
		eq(log+" malformed", c.Malformed, "azuremfa_exporter_log_malformed_lines_total", l)
		eq(log+" entries", c.Entries, "azuremfa_log_entries_total", l)
		for lv, n := range c.Levels {
			eq(log+" level "+lv, n, "azuremfa_log_entries_total", with("level", lv))
		}
		eq(log+" requests", s.Requests, "azuremfa_auth_requests_total", l)
		eq(log+" abandoned", s.Abandoned, "azuremfa_auth_abandoned_total", l)
		eq(log+" cache hits", s.CacheHits, "azuremfa_cache_hits_total", l)
		eq(log+" in flight", s.InFlight, "azuremfa_auth_in_flight", l)
		eq(log+" not performed", s.NotPerformed, "azuremfa_auth_not_performed_total", l)
		for h, n := range s.Duplicates {
			eq(log+" duplicates "+h, n, "azuremfa_duplicate_requests_total", with("handling", h))
		}
		for res, n := range s.Results {
			eq(log+" results "+res, n, "azuremfa_auth_results_total", with("result", res))
		}
		for m, n := range s.Prompts {
			eq(log+" prompts "+m, n, "azuremfa_prompts_total", with("method", m))
		}
		for res, n := range s.PrimaryAuth {
			eq(log+" primary "+res, n, "azuremfa_primary_auth_total", with("result", res))
		}
		for a, n := range s.AdminChanges {
			eq(log+" admin "+a, n, "azuremfa_admin_changes_total", with("action", a))
		}
		for _, code := range s.Codes {
			label := "unknown"
			if code.Code != nil {
				label = strconv.Itoa(*code.Code)
			}
			eq(log+" code "+label+" "+code.Result, code.Count, "azuremfa_auth_results_total",
				map[string]string{"log": log, "code": label, "method": code.Method, "result": code.Result})
		}
		for _, o := range s.OATH {
			eq(log+" oath "+strconv.Itoa(*o.Code), o.Count, "azuremfa_oath_validations_total", with("code", strconv.Itoa(*o.Code)))
		}
		for _, a := range s.AnswerTimes {
			eq(log+" answers "+a.Method, a.Count, "azuremfa_auth_duration_seconds", with("method", a.Method))
			var sum float64
			for _, m := range families["azuremfa_auth_duration_seconds"].GetMetric() {
				if hasLabels(m, with("method", a.Method)) {
					sum += m.Histogram.GetSampleSum()
				}
			}
			if math.Abs(sum-a.SumSeconds) > 1e-6*math.Max(1, sum) {
				t.Errorf("%s %s: answer times sum to %v s, --one-shot %v s", log, a.Method, a.SumSeconds, sum)
			}
		}
		// The users of the log add up to its totals.
		var req, dup, fail, aband, np int64
		for _, u := range r.Users {
			if u.Log == log {
				req, dup, fail, aband, np = req+u.Requests, dup+u.Duplicates, fail+u.Failures, aband+u.Abandoned, np+u.NotPerformed
			}
		}
		eq(log+" users' requests", req, "azuremfa_auth_requests_total", l)
		eq(log+" users' duplicates", dup, "azuremfa_duplicate_requests_total", l)
		eq(log+" users' failures", fail, "azuremfa_auth_results_total", with("result", "failure"))
		eq(log+" users' abandoned", aband, "azuremfa_auth_abandoned_total", l)
		eq(log+" users' not performed", np, "azuremfa_auth_not_performed_total", l)
	}
	if checks < 200 {
		t.Errorf("only %d comparisons", checks)
	}
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := want[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(want)
}

// TestReportReadsTheSyncLog: the directory sync service's log in the folder is read for its
// errors (a failing sync shows in the error templates), and is not when the folder has none.
func TestReportReadsTheSyncLog(t *testing.T) {
	dir := sampleFolder(t)
	code, js, errOut := runArgs(t, "report", "--format=json", "--mfa.log-dir="+dir)
	if code != 0 || strings.Contains(js, `"adsync"`) {
		t.Fatalf("without a sync log: exit %d, %s", code, errOut)
	}
	line := `2018-03-07T18:20:20.006280Z|e|2960|4036|pfadssvc|***** ERROR ***** Error sending email to NewUser@domain.com: Access to the path '\\FileShare\public\MFA-Instructions\MFA-Guide.pdf' is denied.` + "\r\n"
	if err := os.WriteFile(filepath.Join(dir, "MultiFactorAuthAdSyncSvc.log"), []byte(line+line), 0o644); err != nil {
		t.Fatal(err)
	}
	code, js, errOut = runArgs(t, "report", "--format=json", "--mfa.log-dir="+dir)
	var r report.Report
	if code != 0 || json.Unmarshal([]byte(js), &r) != nil {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	c := r.Coverage["adsync"]
	if c == nil || len(c.ErrorTemplates) != 1 || c.ErrorTemplates[0].Count != 2 ||
		c.ErrorTemplates[0].Template != `***** ERROR ***** Error sending email to <email>: Access to the path '<str>' is denied.` {
		t.Errorf("adsync coverage: %+v", c)
	}
}

// TestReportDocExcerpt: the excerpts docs/report.md and the README quote are what the command
// prints.
func TestReportDocExcerpt(t *testing.T) {
	code, out, errOut := runArgs(t, "report", "--mfa.log-dir=../../testdata/sample", "--top", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, file := range []string{"../../docs/report.md", "../../README.md"} {
		doc, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		const cmd = "azuremfa_exporter report --mfa.log-dir=testdata/sample --top 5"
		i := strings.Index(string(doc), cmd)
		if i < 0 {
			t.Fatalf("%s does not show %q", file, cmd)
		}
		// The excerpt is the code block after the word "prints" that follows the command.
		rest := string(doc[i:])
		block := rest[strings.Index(rest, "prints"):]
		block = block[strings.Index(block, "```\n")+4:]
		block = block[:strings.Index(block, "```")]
		n := 0
		for _, line := range strings.Split(block, "\n") {
			if line == "" {
				continue
			}
			n++
			if !strings.Contains(out, line+"\n") {
				t.Errorf("%s quotes a line the report does not print:\n%s\nthe report:\n%s", file, line, out)
				break
			}
		}
		if n < 8 {
			t.Errorf("%s: the excerpt has %d lines", file, n)
		}
	}
}

// TestReportFlagsAreTheExporters: the flags the report shares with the exporter have the same
// help, defaults and allowed values on every system, so that `report` reads the logs as the
// exporter configured the same way does.
func TestReportFlagsAreTheExporters(t *testing.T) {
	shared := []string{"mfa.radius-log", "mfa.iis-log", "mfa.service-log", "mfa.syslog-log",
		"tail.max-line-bytes", "duplicate.window", "auth.timeout", "auth.max-open", "syslog.year"}
	for _, goos := range []string{"linux", "windows"} {
		exp := newApp(&options{}, goos).Model()
		rep := newReportApp(&options{}, &reportOptions{}, goos).Model()
		find := func(m *kingpin.ApplicationModel, name string) *kingpin.FlagModel {
			for _, f := range m.Flags {
				if f.Name == name {
					return f
				}
			}
			return nil
		}
		for _, name := range append(shared, "mfa.log-dir") {
			e, r := find(exp, name), find(rep, name)
			if e == nil || r == nil {
				t.Errorf("%s: --%s is missing from the exporter (%v) or the report (%v)", goos, name, e != nil, r != nil)
				continue
			}
			if strings.Join(e.Default, ",") != strings.Join(r.Default, ",") || name != "mfa.log-dir" && e.Help != r.Help {
				t.Errorf("%s: --%s differs:\n exporter %q %q\n report   %q %q", goos, name, e.Default, e.Help, r.Default, r.Help)
			}
		}
	}
}

// sampleFolder copies the RADIUS, IIS and main service sample logs into a fresh folder and
// returns it.
func sampleFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"MultiFactorAuthRadiusSvc.log", "MultiFactorAuthIisNm.log", "MultiFactorAuthSvc.log"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/sample", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// logFolder writes the sample logs into a fresh folder, with a rolled generation of the RADIUS
// log and the directory sync service's log, and returns the folder.
func logFolder(t *testing.T) string {
	t.Helper()
	dir := sampleFolder(t)
	gen := "2026-11-22T23:59:59.000000Z|i|1|1|pfrad|rolled over\n"
	if err := os.WriteFile(filepath.Join(dir, "MultiFactorAuthRadiusSvc.log.1"), []byte(gen), 0o644); err != nil {
		t.Fatal(err)
	}
	sync := "2026-11-23T08:00:00.000000Z|e|1|1|pfadssvc|***** ERROR ***** sync failed\n"
	if err := os.WriteFile(filepath.Join(dir, "MultiFactorAuthAdSyncSvc.log"), []byte(sync), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// snapshot is the content of every file in dir, by name.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// TestReportOutputIsNeverALog: --output naming a file the report reads, under any name (a
// rolled generation, the sync log, a symbolic or hard link to a log, a name a rollover would
// fill), is refused with exit 2 and one line naming --output, before anything is written.
func TestReportOutputIsNeverALog(t *testing.T) {
	for _, c := range []struct {
		name   string
		output func(t *testing.T, dir string) string
	}{
		{"the log", func(_ *testing.T, dir string) string { return filepath.Join(dir, "MultiFactorAuthSvc.log") }},
		{"a rolled generation", func(_ *testing.T, dir string) string { return filepath.Join(dir, "MultiFactorAuthRadiusSvc.log.1") }},
		{"the sync log", func(_ *testing.T, dir string) string { return filepath.Join(dir, "MultiFactorAuthAdSyncSvc.log") }},
		{"a name a rollover fills", func(_ *testing.T, dir string) string { return filepath.Join(dir, "MultiFactorAuthRadiusSvc.log.2") }},
		{"the sync log's name before it exists", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "MultiFactorAuthAdSyncSvc.log")
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"a symbolic link to a name a rollover fills", func(t *testing.T, dir string) string {
			p := filepath.Join(t.TempDir(), "report.txt")
			if err := os.Symlink(filepath.Join(dir, "MultiFactorAuthSvc.log.1"), p); err != nil {
				t.Skip("no symbolic links here:", err)
			}
			return p
		}},
		{"a symbolic link to a log", func(t *testing.T, dir string) string {
			p := filepath.Join(t.TempDir(), "report.txt")
			if err := os.Symlink(filepath.Join(dir, "MultiFactorAuthIisNm.log"), p); err != nil {
				t.Skip("no symbolic links here:", err)
			}
			return p
		}},
		{"a hard link to a generation", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "report.txt")
			if err := os.Link(filepath.Join(dir, "MultiFactorAuthRadiusSvc.log.1"), p); err != nil {
				t.Skip("no hard links here:", err)
			}
			return p
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := logFolder(t)
			out := c.output(t, dir)
			before := snapshot(t, dir)
			code, stdout, stderr := runArgs(t, "report", "--mfa.log-dir="+dir, "--output="+out)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--output=") ||
				!strings.Contains(stderr, "the report reads") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and one line naming --output", code, stdout, stderr)
			}
			after := snapshot(t, dir)
			for name, b := range before {
				if after[name] != b {
					t.Errorf("%s changed: %d bytes, was %d", name, len(after[name]), len(b))
				}
			}
			if len(after) != len(before) {
				t.Errorf("the log folder holds %d files, was %d", len(after), len(before))
			}
		})
	}
}

// TestReportOutputIsAtomic: the report replaces --output only when it is complete: an
// interrupted run says so in one line, exits 1 and leaves the old file as it was, with no
// temporary file beside it; a complete run replaces it, keeping its permissions.
func TestReportOutputIsAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(out, []byte("the old report\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"report", "--mfa.log-dir=../../testdata/sample", "--output=" + out}, &stdout, &stderr)
	if code != 1 || stdout.Len() != 0 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("interrupted: exit %d, stdout %q, stderr %q; want 1 and one line that says interrupted", code, stdout.String(), stderr.String())
	}
	if files := snapshot(t, dir); !reflect.DeepEqual(files, map[string]string{"report.txt": "the old report\n"}) {
		t.Errorf("after an interrupted run the folder holds %q", files)
	}

	code, _, errOut := runArgs(t, "report", "--mfa.log-dir=../../testdata/sample", "--output="+out)
	files := snapshot(t, dir)
	if code != 0 || len(files) != 1 || !strings.Contains(files["report.txt"], "== Coverage ==") {
		t.Fatalf("exit %d (%s); the folder holds %q", code, errOut, files)
	}
	if st, err := os.Stat(out); err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o640 {
		t.Errorf("the report's mode: %v, %v; want the old file's 0640", st.Mode(), err)
	}
}

// TestReportFlagsSayWhatIsAllowed: every flag of the report has allowed values, which a refused
// value's message ends with, as the exporter's do.
func TestReportFlagsSayWhatIsAllowed(t *testing.T) {
	for _, f := range newReportApp(&options{}, &reportOptions{}, "linux").Model().Flags {
		if !f.Hidden && f.Name != "help" && f.Name != "version" && allowed(f.Name) == "" {
			t.Errorf("--%s has no allowed values: add them to reportAllowed() in report.go", f.Name)
		}
	}
	for _, args := range [][]string{{"--format=pdf"}, {"--since=yesterday"}, {"--top=-1"}, {"--output=" + filepath.Join(t.TempDir(), "no", "r.txt")}} {
		code, _, errOut := runArgs(t, append([]string{"report", "--mfa.log-dir=../../testdata/sample"}, args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "; allowed: ") {
			t.Errorf("%q: exit %d, %q; want 2 and one line that ends with what is allowed", args, code, errOut)
		}
	}
}

// TestReportReadsWhatTheExporterReads: a log whose start looks binary (NUL bytes, control
// bytes, a UTF-16 big-endian byte order mark, a compressed file's magic number) is read by the
// exporter's follower all the same, so the report reads it too: its lines, malformed lines
// and requests are --one-shot's.
func TestReportReadsWhatTheExporterReads(t *testing.T) {
	const lines = "2026-11-23T09:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('CONTOSO\\alice', '', 1)\n" +
		"2026-11-23T09:00:05.000000Z|0|1|1|pfrad|authResult = 1\n" +
		"2026-11-23T09:00:05.000000Z|0|1|1|pfrad|rawCallStatus = 21\n"
	for _, c := range []struct{ name, head string }{
		{"NUL bytes", "\x00\x00\x00garbage\x00\n"},
		{"control bytes", strings.Repeat("\x01\x02\x03\x04\x05\x06\x07\x08", 8) + "\n"},
		{"UTF-16 big-endian mark", "\xfe\xff\n"},
		{"gzip magic", "\x1f\x8b\x08\x00\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
			if err := os.WriteFile(p, []byte(c.head+lines), 0o644); err != nil {
				t.Fatal(err)
			}
			code, prom, errOut := runArgs(t, "--one-shot", "--log.level=error", "--mfa.radius-log="+p)
			if code != 0 {
				t.Fatalf("one-shot: exit %d: %s", code, errOut)
			}
			parser := expfmt.NewTextParser(model.UTF8Validation)
			families, err := parser.TextToMetricFamilies(strings.NewReader(prom))
			if err != nil {
				t.Fatal(err)
			}
			value := func(name string) int64 {
				var sum float64
				for _, m := range families[name].GetMetric() {
					sum += m.GetCounter().GetValue()
				}
				return int64(sum)
			}
			code, js, errOut := runArgs(t, "report", "--format=json", "--mfa.radius-log="+p)
			var r report.Report
			if code != 0 || json.Unmarshal([]byte(js), &r) != nil {
				t.Fatalf("report: exit %d: %s", code, errOut)
			}
			cv, f := r.Coverage["radius"], r.Coverage["radius"].Files[0]
			got := [3]int64{cv.Lines, cv.Malformed, r.Summary["radius"].Requests}
			want := [3]int64{value("azuremfa_exporter_log_lines_total"), value("azuremfa_exporter_log_malformed_lines_total"), value("azuremfa_auth_requests_total")}
			if got != want || want[2] != 1 || f.Status != report.StatusRead || f.Lines != 4 || f.Reason == "" {
				t.Errorf("report lines, malformed, requests %v, --one-shot %v; file %+v: want it read, with what is odd about it", got, want, f)
			}
		})
	}
}

// TestReportInterruptedBySignal runs the real binary on a log that takes long to read (16 GiB
// of a sparse file) and interrupts it: it says so on one line, exits 1 within seconds, and the
// old output is left as it was, with no temporary file beside it.
func TestReportInterruptedBySignal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send to a child on Windows")
	}
	log := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(16 << 30); err != nil {
		t.Skip("no sparse file here:", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(out, []byte("the old report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "report", "--mfa.radius-log="+log, "--output="+out)
	cmd.Env = append(os.Environ(), "AZUREMFA_EXPORTER_RUN_MAIN=1")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// The temporary file appears before the read starts.
	for deadline := time.Now().Add(10 * time.Second); len(snapshot(t, dir)) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no temporary output after 10 s; stderr %q", stderr.String())
		}
	}
	time.Sleep(100 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 10 s after SIGINT; stderr %q", stderr.String())
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("after SIGINT: %v, stderr %q; want exit 1 and one line that says interrupted", err, stderr.String())
	}
	if files := snapshot(t, dir); !reflect.DeepEqual(files, map[string]string{"report.txt": "the old report\n"}) {
		t.Errorf("after SIGINT the folder holds %q", files)
	}
}

// TestReportOutputKinds: an output that is a device is written directly and stays a device; one
// reached through a symbolic link is replaced where the link leads, and the link stays; an
// existing file that cannot be written is refused before the logs are read.
func TestReportOutputKinds(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null or symbolic links to rely on")
	}
	if code, _, errOut := runArgs(t, "report", "--mfa.log-dir=../../testdata/sample", "--output="+os.DevNull); code != 0 {
		t.Errorf("--output=%s: exit %d: %s", os.DevNull, code, errOut)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Errorf("%s is no longer a device: %v %v", os.DevNull, st.Mode(), err)
	}

	dir := t.TempDir()
	target, link := filepath.Join(dir, "target.txt"), filepath.Join(dir, "link.txt")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runArgs(t, "report", "--mfa.log-dir=../../testdata/sample", "--output="+link)
	b, err := os.ReadFile(target)
	st, lerr := os.Lstat(link)
	if code != 0 || err != nil || !strings.Contains(string(b), "== Coverage ==") || lerr != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("through a link: exit %d (%s), target %.20q %v, link %v %v", code, errOut, b, err, st.Mode(), lerr)
	}

	if os.Getuid() == 0 {
		return // root writes a read-only file
	}
	locked := filepath.Join(dir, "locked.txt")
	if err := os.WriteFile(locked, []byte("old"), 0o444); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runArgs(t, "report", "--mfa.log-dir=../../testdata/sample", "--output="+locked)
	if b, _ := os.ReadFile(locked); code != 2 || !strings.Contains(errOut, "--output=") || string(b) != "old" {
		t.Errorf("a read-only output: exit %d, %q, content %q; want 2 and the file as it was", code, errOut, b)
	}
}
