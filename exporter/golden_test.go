package exporter

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

var update = flag.Bool("update", false, "rewrite golden files from what the code produces now")

// sampleDir holds the sample logs the README's first command runs on.
const sampleDir = "../testdata/sample"

func sampleLogs() []LogFile {
	return []LogFile{
		{Name: LogRadius, Path: filepath.Join(sampleDir, "MultiFactorAuthRadiusSvc.log")},
		{Name: LogIIS, Path: filepath.Join(sampleDir, "MultiFactorAuthIisNm.log")},
		{Name: LogService, Path: filepath.Join(sampleDir, "MultiFactorAuthSvc.log")},
		{Name: LogSyslog, Path: filepath.Join(sampleDir, "syslog.log")},
	}
}

func testPipelineConfig() PipelineConfig {
	return PipelineConfig{
		Correlator:  logparse.CorrelatorConfig{Timeout: 5 * time.Minute, DuplicateWindow: 30 * time.Second, MaxOpen: 10000},
		StatsWindow: 5 * time.Minute,
		SyslogYear:  2026,
	}
}

// testPipeline builds the pipeline of the log name, counting into m.
func testPipeline(m *Metrics, name string, cfg PipelineConfig) *Pipeline {
	return NewPipeline(m.ForLog(name, cfg.StatsWindow), cfg, promslog.NewNopLogger())
}

// replay runs the exporter one-shot over logs and returns its registry.
func replay(t *testing.T, logs []LogFile) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewRegistry()
	e, err := New(Config{Logs: logs, Follow: FollowConfig{OneShot: true}, Pipeline: testPipelineConfig()}, reg, promslog.NewNopLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return reg
}

// gatherText is the registry's scrape in the text format.
func gatherText(t *testing.T, g prometheus.Gatherer) []byte {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestGoldenScrape sends the bundled sample logs through the whole pipeline and compares the
// scrape with testdata/sample.prom (regenerate with go test ./exporter -run Golden -update).
func TestGoldenScrape(t *testing.T) {
	reg := replay(t, sampleLogs())
	golden := filepath.Join("testdata", "sample.prom")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, gatherText(t, reg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	defer func() { _ = f.Close() }() // read only
	if err := testutil.GatherAndCompare(reg, f); err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// TestOneShotMissingLog: replaying a folder where one log does not exist reads the others,
// counts a read error for the missing one and does not fail.
func TestOneShotMissingLog(t *testing.T) {
	logs := []LogFile{
		{Name: LogRadius, Path: filepath.Join(sampleDir, "MultiFactorAuthRadiusSvc.log")},
		{Name: LogIIS, Path: filepath.Join(t.TempDir(), "MultiFactorAuthIisNm.log")},
	}
	reg := replay(t, logs)
	want := `
# HELP azuremfa_exporter_log_read_errors_total Errors opening, reading or checking the log file.
# TYPE azuremfa_exporter_log_read_errors_total counter
azuremfa_exporter_log_read_errors_total{log="iis"} 1
azuremfa_exporter_log_read_errors_total{log="radius"} 0
# HELP azuremfa_auth_requests_total Authentication requests: Calling pfAuthUser lines, and Pfauth lines (a request and its result at once).
# TYPE azuremfa_auth_requests_total counter
azuremfa_auth_requests_total{log="iis"} 0
azuremfa_auth_requests_total{log="radius"} 18
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"azuremfa_exporter_log_read_errors_total", "azuremfa_auth_requests_total"); err != nil {
		t.Fatal(err)
	}
}
