package main

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/promslog"
	"github.com/prometheus/common/version"

	"github.com/azuremfa/azuremfa_exporter/exporter"
)

var (
	tableRow  = regexp.MustCompile(`(?s)<tr class="([a-z]+)" id="log-([a-z]+)">(.*?)</tr>`)
	tableCell = regexp.MustCompile(`(?s)<td class="([a-z ]+)">(.*?)</td>`)
	anyTag    = regexp.MustCompile(`<[^>]*>`)
)

// pageRows reads the logs table of a landing page (as served, or as a browser's DOM): per log
// label, its cells by class name, as text.
func pageRows(t *testing.T, page string) map[string]map[string]string {
	t.Helper()
	rows := map[string]map[string]string{}
	for _, r := range tableRow.FindAllStringSubmatch(page, -1) {
		cells := map[string]string{"row": r[1]}
		for _, c := range tableCell.FindAllStringSubmatch(r[3], -1) {
			class := strings.TrimPrefix(c[1], "num ")
			cells[class] = strings.TrimSpace(html.UnescapeString(anyTag.ReplaceAllString(c[2], "")))
		}
		rows[r[2]] = cells
	}
	return rows
}

func get(t *testing.T, h http.Handler, method, path string) (int, http.Header, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, rec.Result().Header, string(body)
}

func TestLandingPage(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	status := []exporter.LogStatus{
		{Name: "radius", Path: `C:\Program Files\Multi-Factor Authentication Server\Logs\MultiFactorAuthRadiusSvc.log`,
			Followed: true, Lines: 1234, Malformed: 5, ReadErrors: 1,
			LastEntry: time.Date(2026, 11, 23, 8, 57, 30, 500000000, time.UTC)},
		{Name: "iis", Path: `C:\Logs\<script>alert(1)</script>.log`, Waiting: exporter.WaitingMissing},
		{Name: "service", Path: `C:\Logs\MultiFactorAuthSvc.log`, Waiting: exporter.WaitingPermissionDenied, ReadErrors: 3},
	}
	p := newLandingPage("/metrics", func() []exporter.LogStatus { return status }, promslog.NewNopLogger())
	p.now = func() time.Time { return now }

	code, header, body := get(t, p, http.MethodGet, "/")
	if code != http.StatusOK || !strings.HasPrefix(header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %q", code, header.Get("Content-Type"))
	}
	if csp := header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q: want no script allowed", csp)
	}
	rows := pageRows(t, body)
	want := map[string]map[string]string{
		"radius": {"row": "followed", "name": "radius", "path": status[0].Path, "state": "followed",
			"lines": "1234", "malformed": "5", "last": "2026-11-23 08:57:30", "age": "2m 29s ago", "errors": "1"},
		"iis": {"row": "waiting", "name": "iis", "path": status[1].Path, "state": "waiting: missing",
			"lines": "0", "malformed": "0", "last": "–", "age": "no entry yet", "errors": "0"},
		"service": {"row": "waiting", "name": "service", "path": status[2].Path, "state": "waiting: permission denied",
			"lines": "0", "malformed": "0", "last": "–", "age": "no entry yet", "errors": "3"},
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d:\n%s", len(rows), len(want), body)
	}
	for log, cells := range want {
		for k, v := range cells {
			if rows[log][k] != v {
				t.Errorf("log %s, %s: %q, want %q", log, k, rows[log][k], v)
			}
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("a path is not escaped")
	}
	if strings.Index(body, `id="log-radius"`) > strings.Index(body, `id="log-iis"`) {
		t.Error("logs are not in the order configured")
	}
	for _, link := range []string{`href="./metrics"`, `href="./-/healthy"`, `href="` + docsURL + `"`} {
		if !strings.Contains(body, link) {
			t.Errorf("no link %s", link)
		}
	}
	for _, gone := range []string{"pprof", "<script", "version=,"} {
		if strings.Contains(body, gone) {
			t.Errorf("the page contains %q", gone)
		}
	}
	if !strings.Contains(body, `<span id="version">`+version.Version+`</span>`) {
		t.Errorf("no version on the page")
	}
}

func TestLandingPageOtherPaths(t *testing.T) {
	p := newLandingPage("/custom/metrics", func() []exporter.LogStatus { return nil }, promslog.NewNopLogger())
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/", http.StatusOK},
		{http.MethodHead, "/", http.StatusOK},
		{http.MethodGet, "/debug/pprof/heap", http.StatusNotFound},
		{http.MethodGet, "/debug/pprof/profile", http.StatusNotFound},
		{http.MethodGet, "/index.html", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
	} {
		if code, _, _ := get(t, p, tc.method, tc.path); code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, code, tc.want)
		}
	}
	if _, _, body := get(t, p, http.MethodGet, "/"); !strings.Contains(body, `href="./custom/metrics"`) {
		t.Errorf("the metrics link does not follow --web.telemetry-path:\n%s", body)
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                       "0s ago",
		1500 * time.Millisecond: "1s ago",
		59 * time.Second:        "59s ago",
		time.Hour:               "1h ago",
		time.Hour + 2*time.Minute + 3*time.Second: "1h 2m ago",
		50*time.Hour + 10*time.Minute:             "2d 2h ago",
		-90 * time.Second:                         "in the future by 1m 30s",
	} {
		if got := age(d); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}

// sampleArgs run the exporter as the README's quick start does, from the repository root.
var sampleArgs = []string{"--mfa.log-dir=testdata/sample", "--mfa.syslog-log=testdata/sample/syslog.log",
	"--tail.from-start", "--syslog.year=2026"}

// sampleLineCounts are the lines of each sample log, by log label.
func sampleLineCounts(t *testing.T) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for log, file := range map[string]string{"radius": "MultiFactorAuthRadiusSvc.log", "iis": "MultiFactorAuthIisNm.log",
		"service": "MultiFactorAuthSvc.log", "syslog": "syslog.log"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "sample", file))
		if err != nil {
			t.Fatal(err)
		}
		counts[log] = strings.Count(string(raw), "\n")
	}
	return counts
}

// startSampleExporter runs the exporter on the sample logs from the repository root and waits
// until every line is read. It returns the exporter and its scrape.
func startSampleExporter(t *testing.T, extra ...string) (*exporterUnderTest, string, map[string]int) {
	t.Helper()
	t.Chdir("../..")
	counts := sampleLineCounts(t)
	x := startExporter(t, append(append([]string{}, sampleArgs...), extra...)...)
	var want []string
	for log, n := range counts {
		want = append(want, `azuremfa_exporter_log_lines_total{log="`+log+`"} `+strconv.Itoa(n))
	}
	return x, x.waitFor(t, want...), counts
}

// checkSamplePage checks a landing page of the exporter running on the sample logs against
// its scrape: every log followed, with the lines and malformed lines /metrics reports.
func checkSamplePage(t *testing.T, page, scrape string, counts map[string]int) {
	t.Helper()
	rows := pageRows(t, page)
	if len(rows) != len(counts) {
		t.Errorf("%d rows, want %d (one per log):\n%s", len(rows), len(counts), page)
	}
	files := map[string]string{"radius": "testdata/sample/MultiFactorAuthRadiusSvc.log", "iis": "testdata/sample/MultiFactorAuthIisNm.log",
		"service": "testdata/sample/MultiFactorAuthSvc.log", "syslog": "testdata/sample/syslog.log"}
	for log, n := range counts {
		r := rows[log]
		malformed := counterValue(scrape, `azuremfa_exporter_log_malformed_lines_total{log="`+log+`"}`)
		want := map[string]string{"row": "followed", "path": filepath.FromSlash(files[log]), "state": "followed",
			"lines": strconv.Itoa(n), "malformed": strconv.Itoa(int(malformed)), "errors": "0"}
		for k, v := range want {
			if r[k] != v {
				t.Errorf("log %s, %s: %q, want %q", log, k, r[k], v)
			}
		}
		if !regexp.MustCompile(`^20\d\d-\d\d-\d\d \d\d:\d\d:\d\d$`).MatchString(r["last"]) || !strings.HasSuffix(r["age"], " ago") {
			t.Errorf("log %s: last entry %q, age %q", log, r["last"], r["age"])
		}
	}
}

// TestLandingPageLive serves the page from a running exporter and checks its table against
// the exporter's own /metrics, and a log that is missing.
func TestLandingPageLive(t *testing.T) {
	x, scrape, counts := startSampleExporter(t)
	resp, err := http.Get("http://" + x.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	checkSamplePage(t, string(body), scrape, counts)
	for _, path := range []string{"/debug/pprof/heap", "/debug/pprof/profile?seconds=60"} {
		if resp, err := http.Get("http://" + x.addr + path); err == nil {
			_ = resp.Body.Close() // only the status matters
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, resp.StatusCode)
			}
		}
	}
}

func TestLandingPageLiveMissingLog(t *testing.T) {
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, radius, seedLines)
	x := startExporter(t, "--mfa.radius-log="+radius, "--mfa.iis-log="+filepath.Join(dir, "absent.log"), "--tail.from-start")
	x.waitFor(t, `azuremfa_exporter_log_lines_total{log="radius"} 3`)
	resp, err := http.Get("http://" + x.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if err := resp.Body.Close(); err != nil {
		t.Fatal(err)
	}
	rows := pageRows(t, string(body))
	if r := rows["radius"]; r["state"] != "followed" || r["lines"] != "3" || r["last"] != "2017-02-14 02:57:24" {
		t.Errorf("radius: %v", r)
	}
	if r := rows["iis"]; r["state"] != "waiting: missing" || r["path"] != filepath.Join(dir, "absent.log") {
		t.Errorf("iis: %v", r)
	}
}

// TestEveryEndpointBehindBasicAuth: --web.config.file guards the landing page and the health
// check as well as /metrics, as SECURITY.md says.
func TestEveryEndpointBehindBasicAuth(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, log, seedLines)
	webConfig := filepath.Join(dir, "web-config.yml")
	// bcrypt of "scrape-secret", cost 4.
	const hash = "$2a$04$.mgD4Ip.WuHLF7ZckHdIx.AAAo5gB0q/ZZa3tHpOlEi6g96vKgRVq"
	if err := os.WriteFile(webConfig, []byte("basic_auth_users:\n  prometheus: "+hash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	x := startExporter(t, "--mfa.radius-log="+log, "--tail.from-start", "--web.config.file="+webConfig)
	status := func(path, password string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://"+x.addr+path, nil)
		if password != "" {
			req.SetBasicAuth("prometheus", password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		_ = resp.Body.Close() // only the status matters
		return resp.StatusCode
	}
	for deadline := time.Now().Add(10 * time.Second); status("/metrics", "scrape-secret") != http.StatusOK; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the exporter did not serve /metrics with the password; its log:\n%s", x.logs.String())
		}
	}
	for _, path := range []string{"/", "/-/healthy", "/metrics"} {
		if code := status(path, ""); code != http.StatusUnauthorized {
			t.Errorf("%s without the password: %d, want 401", path, code)
		}
		if code := status(path, "scrape-secret"); code != http.StatusOK {
			t.Errorf("%s with the password: %d, want 200", path, code)
		}
	}
}
