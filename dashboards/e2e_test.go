package dashboards

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The end-to-end test runs the real programs: the exporter built from this checkout follows
// two log files the test writes; Debian's prometheus scrapes it every second and evaluates
// rules/*.yml; Debian's prometheus-alertmanager sends what fires to a webhook in the test.
// Everything listens on 127.0.0.1 only.
//
// Without the binaries it skips, unless CI=true: then their absence is a failure.

const (
	e2eJob = "azuremfa"
	// stepTimeout bounds each wait; the whole test normally takes about 15 s.
	stepTimeout = 60 * time.Second
)

// findBinary looks for a program in PATH, then under /usr/bin (Debian's packages).
func findBinary(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		if p := filepath.Join("/usr/bin", n); isExecutable(p) {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found (apt-get install -y prometheus prometheus-alertmanager)", strings.Join(names, " or "))
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s, and CI=true: the end-to-end test must run in CI", msg)
	}
	t.Skipf("SKIP end to end: %s", msg)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil { // the port is free again for the program
		t.Fatal(err)
	}
	return addr
}

// startProcess starts a program whose output goes to a file, and kills it when the test
// ends; on failure the tail of that file is printed.
func startProcess(t *testing.T, dir, name, bin string, args ...string) {
	t.Helper()
	logPath := filepath.Join(dir, name+".out")
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if err := out.Close(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			raw, _ := os.ReadFile(logPath)
			if len(raw) > 4000 {
				raw = raw[len(raw)-4000:]
			}
			t.Logf("--- last output of %s:\n%s", name, raw)
		}
	})
}

// eventually polls check until it reports done or the step's deadline passes.
func eventually(t *testing.T, what string, check func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	last := ""
	for {
		done, state := check()
		if done {
			return
		}
		last = state
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %v; last state: %s", what, stepTimeout, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// promResult is one element of an instant-query vector.
type promResult struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (r promResult) float() float64 {
	s, _ := r.Value[1].(string)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return f
}

// promAPI is a small client for Prometheus's HTTP API.
type promAPI struct{ base string }

func (p promAPI) get(path string, params url.Values, v any) error {
	resp, err := http.Get(p.base + path + "?" + params.Encode())
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }() // read to its end below, or failed
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Status string          `json:"status"`
		Error  string          `json:"error"`
		Data   json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%s: %s: %w", path, resp.Status, err)
	}
	if env.Status != "success" {
		return fmt.Errorf("%s: %s", path, env.Error)
	}
	return json.Unmarshal(env.Data, v)
}

// query runs an instant query and returns its vector (a scalar comes back as one element).
func (p promAPI) query(q string) ([]promResult, error) {
	var data struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	}
	if err := p.get("/api/v1/query", url.Values{"query": {q}}, &data); err != nil {
		return nil, err
	}
	switch data.ResultType {
	case "vector":
		var v []promResult
		return v, json.Unmarshal(data.Result, &v)
	case "scalar":
		var s [2]any
		return []promResult{{Value: s}}, json.Unmarshal(data.Result, &s)
	}
	return nil, fmt.Errorf("result type %s", data.ResultType)
}

// webhook collects what Alertmanager posts.
type webhook struct {
	mu     sync.Mutex
	alerts []webhookAlert
}

type webhookAlert struct {
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func (w *webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var msg struct {
		Alerts []webhookAlert `json:"alerts"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	w.mu.Lock()
	w.alerts = append(w.alerts, msg.Alerts...)
	w.mu.Unlock()
}

func (w *webhook) received(alertname string) []webhookAlert {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []webhookAlert
	for _, a := range w.alerts {
		if a.Labels["alertname"] == alertname && a.Status == "firing" {
			out = append(out, a)
		}
	}
	return out
}

// mfaLog writes MFA Server lines, stamped with the current time as the server would.
type mfaLog struct {
	t    *testing.T
	path string
}

func (l mfaLog) write(lines ...string) {
	l.t.Helper()
	l.writeAt(nil, lines...)
}

// writeAt writes lines stamped with the given times (nil: each with the current time).
func (l mfaLog) writeAt(times []time.Time, lines ...string) {
	l.t.Helper()
	f, err := os.OpenFile(l.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		l.t.Fatal(err)
	}
	defer func() {
		if err := f.Close(); err != nil {
			l.t.Error(err)
		}
	}()
	for i, line := range lines {
		at := time.Now()
		if times != nil {
			at = times[i]
		}
		ts := at.UTC().Format("2006-01-02T15:04:05.000000Z")
		if _, err := fmt.Fprintf(f, "%s|%s\r\n", ts, line); err != nil {
			l.t.Fatal(err)
		}
	}
}

// answeredAuth is a RADIUS app approval on its own thread that took answer to answer: the
// request stamped that long before now, its result now.
func (l mfaLog) answeredAuth(tid int, user string, answer time.Duration) {
	l.t.Helper()
	now := time.Now()
	l.writeAt([]time.Time{now.Add(-answer), now, now}, radiusAuth(tid, user, 1, 21)...)
}

// radiusAuth is one RADIUS authentication on its own thread: request, authResult, status.
func radiusAuth(tid int, user string, authResult, status int) []string {
	return []string{
		fmt.Sprintf("0|1412|%d|pfrad|Calling pfAuthUser('CONTOSO\\%s', '', 1)", tid, user),
		fmt.Sprintf("0|1412|%d|pfrad|authResult = %d", tid, authResult),
		fmt.Sprintf("0|1412|%d|pfrad|rawCallStatus = %d", tid, status),
	}
}

const pfsvc = "i|18288|26784|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|"

func TestEndToEnd(t *testing.T) {
	prometheusBin := findBinary(t, "prometheus")
	alertmanagerBin := findBinary(t, "prometheus-alertmanager", "alertmanager")
	goBin := findBinary(t, "go")

	dir := t.TempDir()
	rulesDir, err := filepath.Abs("rules")
	if err != nil {
		t.Fatal(err)
	}

	// The exporter, built from this checkout.
	exporterBin := filepath.Join(dir, "azuremfa_exporter")
	build := exec.Command(goBin, "build", "-o", exporterBin, "./cmd/azuremfa_exporter")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/azuremfa_exporter: %v\n%s", err, out)
	}

	radius := mfaLog{t, filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")}
	service := mfaLog{t, filepath.Join(dir, "MultiFactorAuthSvc.log")}
	// Normal traffic before the exporter starts: two app approvals, one cache hit, one
	// successful Pfauth.
	radius.write(radiusAuth(6452, "alice", 1, 21)...)
	radius.write(radiusAuth(6453, "bob", 1, 21)...)
	radius.write(radiusAuth(6454, "alice", 1, 6)...)
	service.write(pfsvc + `Pfauth succeeded for user 'carol@contoso.com'. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`)

	exporterAddr, promAddr, amAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	hook := &webhook{}
	hookSrv := httptest.NewServer(hook) // 127.0.0.1
	t.Cleanup(hookSrv.Close)

	startProcess(t, dir, "exporter", exporterBin,
		"--mfa.radius-log="+radius.path, "--mfa.service-log="+service.path,
		"--tail.from-start", "--web.listen-address="+exporterAddr)

	amConfig := filepath.Join(dir, "alertmanager.yml")
	writeFile(t, amConfig, fmt.Sprintf(`route:
  receiver: test
  group_by: [alertname, instance, log, code]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test
    webhook_configs:
      - url: %s/alerts
        send_resolved: false
`, hookSrv.URL))
	startProcess(t, dir, "alertmanager", alertmanagerBin,
		"--config.file="+amConfig, "--storage.path="+filepath.Join(dir, "am-data"),
		"--web.listen-address="+amAddr, "--cluster.listen-address=")

	promConfig := filepath.Join(dir, "prometheus.yml")
	writeFile(t, promConfig, fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %s
  - %s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['%s']
scrape_configs:
  - job_name: %s
    static_configs:
      - targets: ['%s']
`, filepath.Join(rulesDir, "azuremfa-recording.yml"), filepath.Join(rulesDir, "azuremfa-alerts.yml"),
		amAddr, e2eJob, exporterAddr))
	startProcess(t, dir, "prometheus", prometheusBin,
		"--config.file="+promConfig, "--storage.tsdb.path="+filepath.Join(dir, "prom-data"),
		"--web.listen-address="+promAddr)
	prom := promAPI{base: "http://" + promAddr}

	// A second Prometheus with native histograms: it scrapes the protobuf format and gets the
	// answer-time histogram's exponential buckets (and, in this version, not the classic ones).
	nativeAddr := freeAddr(t)
	nativeConfig := filepath.Join(dir, "prometheus-native.yml")
	writeFile(t, nativeConfig, fmt.Sprintf(`global:
  scrape_interval: 1s
scrape_configs:
  - job_name: %s
    static_configs:
      - targets: ['%s']
`, e2eJob, exporterAddr))
	startProcess(t, dir, "prometheus-native", prometheusBin, "--enable-feature=native-histograms",
		"--config.file="+nativeConfig, "--storage.tsdb.path="+filepath.Join(dir, "prom-native-data"),
		"--web.listen-address="+nativeAddr)
	native := promAPI{base: "http://" + nativeAddr}

	eventually(t, "Prometheus scrapes the exporter (up == 1)", func() (bool, string) {
		r, err := prom.query(fmt.Sprintf(`up{job=%q}`, e2eJob))
		if err != nil {
			return false, err.Error()
		}
		return len(r) == 1 && r[0].float() == 1, fmt.Sprint(r)
	})
	expectValue(t, prom, `sum(azuremfa_auth_results_total{log="radius", code="21", result="success"})`, 2)
	expectValue(t, prom, `sum(azuremfa_cache_hits_total{log="radius"})`, 1)
	expectValue(t, prom, `sum(azuremfa_auth_results_total{log="service", code="21", result="success"})`, 1)
	// Zero, and already scraped: so the fraud below is an increase Prometheus can see.
	expectValue(t, prom, `sum(azuremfa_auth_results_total{log="radius", code="112"})`, 0)

	// A fraud code entered on a phone call, and a fraud report from the mobile app.
	radius.write(radiusAuth(6460, "dave", 0, 112)...)
	radius.write(radiusAuth(6461, "alice", 1, 9)...) // and a cache hit, for the ratios
	service.write(pfsvc + `Pfauth failed for user 'erin@contoso.com'. Call status: FAILED_FRAUD_REPORTED - "Fraud Reported".`)
	expectValue(t, prom, `sum(azuremfa_auth_results_total{log="radius", code="112", result="failure"})`, 1)
	expectValue(t, prom, `sum(azuremfa_auth_results_total{log="service", code="132", result="failure"})`, 1)
	expectValue(t, prom, `sum(azuremfa_auth_requests_total{log="radius"})`, 5)
	expectValue(t, prom, `sum(azuremfa_cache_hits_total{log="radius"})`, 2)

	// Recording rules evaluate, with per-log values from the counters.
	eventually(t, "recording rules produce per-log series", func() (bool, string) {
		r, err := prom.query(`log:azuremfa_auth_results:rate5m{log="radius"} > 0 and on (log) log:azuremfa_cache_hit:ratio_rate5m > 0`)
		if err != nil {
			return false, err.Error()
		}
		return len(r) == 1 && r[0].Metric["job"] == e2eJob, fmt.Sprint(r)
	})
	checkRuleHealth(t, prom)

	// The fraud alert reaches the webhook through Alertmanager, for both codes.
	eventually(t, "AzureMFAFraudReported reaches the webhook for codes 112 and 132", func() (bool, string) {
		got := map[string]webhookAlert{}
		for _, a := range hook.received("AzureMFAFraudReported") {
			got[a.Labels["log"]+"/"+a.Labels["code"]] = a
		}
		_, radiusOK := got["radius/112"]
		_, serviceOK := got["service/132"]
		return radiusOK && serviceOK, fmt.Sprint(got)
	})
	for _, a := range hook.received("AzureMFAFraudReported") {
		if a.Labels["severity"] != "critical" || a.Labels["job"] != e2eJob ||
			a.Annotations["runbook_url"] != runbookBase+"AzureMFAFraudReported.md" ||
			!strings.Contains(a.Annotations["description"], "code "+a.Labels["code"]) {
			t.Errorf("fraud alert as received: %+v", a)
		}
	}

	checkAnswerTimes(t, prom, native, radius)

	// Every dashboard query runs against the real Prometheus as Grafana would send it.
	checkDashboardQueries(t, prom, exporterAddr)
}

// checkAnswerTimes writes three app approvals answered in 2, 4 and 8 seconds and reads their
// median back: from the native histogram (exponential buckets about 9% wide) it is close to
// 4 s; from the classic buckets (2, 5, 10 s) only somewhere between 2 and 5 s.
func checkAnswerTimes(t *testing.T, prom, native promAPI, radius mfaLog) {
	t.Helper()
	series := fmt.Sprintf(`{job=%q, log="radius", method="mobile_app", result="success"}`, e2eJob)
	// Both have scraped the series before the answers, so rate() sees all three.
	eventually(t, "the native Prometheus has the answer-time histogram", func() (bool, string) {
		var r []json.RawMessage
		err := native.get("/api/v1/series", url.Values{"match[]": {"azuremfa_auth_duration_seconds" + series}}, &r)
		return err == nil && len(r) == 1, fmt.Sprint(len(r), err)
	})
	expectValue(t, prom, "count(azuremfa_auth_duration_seconds_count"+series+")", 1)
	for i, answer := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
		radius.answeredAuth(6470+i, fmt.Sprintf("user%d", i), answer)
	}
	median := func(p promAPI, q string, lo, hi float64) {
		t.Helper()
		eventually(t, fmt.Sprintf("%s in [%v, %v]", q, lo, hi), func() (bool, string) {
			r, err := p.query(q)
			if err != nil {
				return false, err.Error()
			}
			ok := len(r) == 1 && r[0].float() >= lo && r[0].float() <= hi
			if ok {
				t.Logf("%s = %.3f", q, r[0].float())
			}
			return ok, fmt.Sprint(r)
		})
	}
	median(native, "histogram_quantile(0.5, sum(rate(azuremfa_auth_duration_seconds"+series+"[1m])))", 3.6, 4.1)
	median(prom, "histogram_quantile(0.5, sum by (le) (rate(azuremfa_auth_duration_seconds_bucket"+series+"[1m])))", 2, 5)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// expectValue waits until q returns exactly one sample equal to want.
func expectValue(t *testing.T, prom promAPI, q string, want float64) {
	t.Helper()
	eventually(t, fmt.Sprintf("%s == %v", q, want), func() (bool, string) {
		r, err := prom.query(q)
		if err != nil {
			return false, err.Error()
		}
		return len(r) == 1 && r[0].float() == want, fmt.Sprint(r)
	})
}

// checkRuleHealth: Prometheus loaded every rule of both files and none fails to evaluate.
func checkRuleHealth(t *testing.T, prom promAPI) {
	t.Helper()
	var data struct {
		Groups []struct {
			Name  string `json:"name"`
			Rules []struct {
				Name      string `json:"name"`
				Health    string `json:"health"`
				LastError string `json:"lastError"`
			} `json:"rules"`
		} `json:"groups"`
	}
	want := 0
	for _, f := range ruleFiles(t) {
		for _, g := range f.Groups {
			want += len(g.Rules)
		}
	}
	eventually(t, "every rule evaluated once", func() (bool, string) {
		if err := prom.get("/api/v1/rules", nil, &data); err != nil {
			return false, err.Error()
		}
		n, ok := 0, 0
		for _, g := range data.Groups {
			for _, r := range g.Rules {
				n++
				if r.Health == "ok" {
					ok++
				}
			}
		}
		return n == want && ok == want, fmt.Sprintf("%d rules loaded, %d healthy, want %d", n, ok, want)
	})
	for _, g := range data.Groups {
		for _, r := range g.Rules {
			if r.LastError != "" {
				t.Errorf("rule %s: %s", r.Name, r.LastError)
			}
		}
	}
}

// checkDashboardQueries substitutes the variables as Grafana would and runs every panel
// query; those that must show the traffic written above must not come back empty.
func checkDashboardQueries(t *testing.T, prom promAPI, exporterAddr string) {
	t.Helper()
	// The variables' own queries: label_values(<selector>, label).
	vars := map[string]string{"job": e2eJob, "instance": exporterAddr, "log": "radius|service"}
	for file, d := range loadDashboards(t) {
		for _, v := range d.Templating.List {
			m := labelValuesQuery.FindStringSubmatch(v.queryText())
			if v.Type != "query" || m == nil {
				continue
			}
			sel := strings.NewReplacer("$job", e2eJob, "$instance", exporterAddr).Replace(m[1])
			var values []string
			if err := prom.get("/api/v1/label/"+m[2]+"/values", url.Values{"match[]": {sel}}, &values); err != nil {
				t.Errorf("%s: variable %s: %v", file, v.Name, err)
				continue
			}
			if want := vars[v.Name]; !strings.Contains(strings.Join(values, "|"), strings.Split(want, "|")[0]) {
				t.Errorf("%s: variable %s offers %v, want %s among them", file, v.Name, values, want)
			}
		}
	}

	expand := strings.NewReplacer(
		"$__rate_interval", "10s", "$__range", "5m", "$__interval", "1s",
		`"$job"`, strconv.Quote(e2eJob), `"$instance"`, strconv.Quote(exporterAddr), `"$log"`, strconv.Quote(vars["log"]),
	)
	mustHaveData := map[string]bool{
		"Requests per second": true, "Fraud reports": true, "Failure codes": true, "Method mix": true,
		"File open": true, "Read lag": true, "Seconds since the last entry": true, "Lines per second": true,
		"Exporter versions": true, "Answer time p50 / p95 by method": true,
	}
	for file, d := range loadDashboards(t) {
		for _, p := range allPanels(d.Panels) {
			for _, tg := range p.Targets {
				q := expand.Replace(tg.Expr)
				r, err := prom.query(q)
				if err != nil {
					t.Errorf("%s: panel %q: %v\n%s", file, p.Title, err, q)
					continue
				}
				if mustHaveData[p.Title] && len(r) == 0 {
					t.Errorf("%s: panel %q shows nothing\n%s", file, p.Title, q)
				}
				if p.Title == "Failure codes" {
					checkFailureTable(t, r)
				}
			}
		}
	}
}

// checkFailureTable: the join names the fraud codes.
func checkFailureTable(t *testing.T, rows []promResult) {
	t.Helper()
	want := map[string]string{"112": "Fraud Code Entered", "132": "Fraud Reported"}
	for _, r := range rows {
		if d, ok := want[r.Metric["code"]]; ok && r.Metric["description"] == d && r.float() > 0 {
			delete(want, r.Metric["code"])
		}
	}
	if len(want) > 0 {
		t.Errorf("Failure codes table lacks %v; rows: %v", want, rows)
	}
}
