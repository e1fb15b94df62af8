package exporter

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/loggen"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// maxFreshSeries bounds the azuremfa_ series of an exporter following the four logs before it
// has read a line: what every MFA server of a fleet costs Prometheus even when idle.
const maxFreshSeries = 400

// freshExporter is an exporter configured with the four logs, none of which exists yet, and
// its registry: the series it has are those it pre-creates.
func freshExporter(t *testing.T) *prometheus.Registry {
	t.Helper()
	dir := t.TempDir()
	var logs []LogFile
	for _, name := range []string{LogRadius, LogIIS, LogService, LogSyslog} {
		logs = append(logs, LogFile{Name: name, Path: filepath.Join(dir, name+".log")})
	}
	reg := prometheus.NewRegistry()
	if _, err := New(Config{Logs: logs, Pipeline: testPipelineConfig()}, reg, promslog.NewNopLogger()); err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestFreshSeries: a fresh exporter with the four logs configured publishes at most
// maxFreshSeries azuremfa_ series, and exactly those of testdata/fresh.prom (regenerate with
// go test ./exporter -run Fresh -update): per log, the series rules and dashboards need from
// the first scrape, and no more.
func TestFreshSeries(t *testing.T) {
	reg := freshExporter(t)
	text := gatherText(t, reg)
	golden := filepath.Join("testdata", "fresh.prom")
	if *update {
		if err := os.WriteFile(golden, text, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if err := testutil.GatherAndCompare(reg, bytes.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	samples, err := loggen.ParseText(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k := range samples {
		if strings.HasPrefix(k, "azuremfa_") {
			n++
		}
	}
	t.Logf("%d azuremfa_ series, %d bytes of text", n, len(text))
	if n > maxFreshSeries {
		t.Errorf("a fresh exporter on four logs has %d azuremfa_ series, want at most %d", n, maxFreshSeries)
	}

	// What the alerts need on every log: the entries counter (AzureMFALogSilent), file and
	// line health, requests, and each code an alert names.
	for _, log := range []string{LogRadius, LogIIS, LogService, LogSyslog} {
		need := []string{
			`azuremfa_exporter_log_file_open{log="` + log + `"}`,
			`azuremfa_exporter_log_lines_total{log="` + log + `"}`,
			`azuremfa_exporter_log_malformed_lines_total{log="` + log + `"}`,
			`azuremfa_auth_requests_total{log="` + log + `"}`,
			`azuremfa_duplicate_requests_total{handling="prompted",log="` + log + `"}`,
		}
		for _, code := range alertCodes {
			s, _ := logparse.LookupCode(code)
			need = append(need, `azuremfa_auth_results_total{code="`+strconv.Itoa(code)+`",log="`+log+
				`",method="`+s.Method.String()+`",result="failure"}`)
		}
		if shapeOf(log).requests {
			need = append(need, `azuremfa_auth_abandoned_total{log="`+log+`"}`)
		}
		for _, k := range need {
			if _, ok := samples[k]; !ok {
				t.Errorf("a fresh exporter lacks %s", k)
			}
		}
		entries := 0
		for k := range samples {
			if strings.HasPrefix(k, "azuremfa_log_entries_total{") && strings.Contains(k, `log="`+log+`"`) {
				entries++
			}
		}
		if entries == 0 {
			t.Errorf("log %s: no azuremfa_log_entries_total series at zero: AzureMFALogSilent cannot see it silent", log)
		}
	}
}

// ruleCode is a call status code selected by number in a rule or a dashboard query
// (code="109", code=~"112|132", quotes escaped or not).
var ruleCode = regexp.MustCompile(`code\s*=~?\s*\\?"([-0-9|]+)\\?"`)

// TestAlertCodesAreTheRulesCodes: alertCodes are exactly the codes the alerting rules and the
// dashboards select, so that no alert watches a code whose series may not exist yet.
func TestAlertCodesAreTheRulesCodes(t *testing.T) {
	files, err := filepath.Glob("../dashboards/rules/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	dashboards, _ := filepath.Glob("../dashboards/*.json")
	files = append(files, dashboards...)
	named := map[int]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yml") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ruleCode.FindAllStringSubmatch(string(raw), -1) {
			for _, c := range strings.Split(m[1], "|") {
				n, err := strconv.Atoi(c)
				if err != nil {
					t.Fatalf("%s: code %q", f, c)
				}
				named[n] = true
			}
		}
	}
	if len(named) == 0 {
		t.Fatal("no code found in the rules and dashboards")
	}
	for n := range named {
		if !slices.Contains(alertCodes, n) {
			t.Errorf("code %d is selected by a rule or dashboard but not in alertCodes", n)
		}
	}
	for _, n := range alertCodes {
		if !named[n] {
			t.Errorf("alertCodes has %d, which no rule or dashboard selects", n)
		}
		if _, known := logparse.LookupCode(n); !known {
			t.Errorf("alertCodes has %d, which the status table does not know", n)
		}
	}
}
