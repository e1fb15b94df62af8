package exporter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// feed sends lines through the RADIUS log's pipeline and returns the registry.
func feed(t *testing.T, lines ...string) *prometheus.Registry {
	t.Helper()
	return feedLog(t, LogRadius, lines...)
}

// feedLog sends lines through the pipeline of the log name, publishes what they counted as
// the end of a read batch does, and returns the registry.
func feedLog(t *testing.T, name string, lines ...string) *prometheus.Registry {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	p := testPipeline(m, name, testPipelineConfig())
	for _, l := range lines {
		p.HandleLine([]byte(l))
	}
	p.Flush()
	return reg
}

// TestUnknownCodesAreCappedPerLog: garbage codes get a series each up to the cap, then are
// counted under code="unknown" and in the overflow counter, never dropped.
func TestUnknownCodesAreCappedPerLog(t *testing.T) {
	var lines []string
	for i := range maxUnknownCodes + 10 {
		lines = append(lines,
			fmt.Sprintf("2026-11-23T08:00:%02d.000000Z|0|1|%d|pfrad|Calling pfAuthUser('u%d', '', 1)", i%60, i, i),
			fmt.Sprintf("2026-11-23T08:00:%02d.000000Z|0|1|%d|pfrad|rawCallStatus = %d", i%60, i, 1000+i))
	}
	reg := feed(t, lines...)
	want := `
# HELP azuremfa_exporter_unknown_code_overflow_total Results whose unknown code was counted under code="unknown" because too many distinct unknown codes were seen.
# TYPE azuremfa_exporter_unknown_code_overflow_total counter
azuremfa_exporter_unknown_code_overflow_total{log="radius"} 10
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_exporter_unknown_code_overflow_total"); err != nil {
		t.Fatal(err)
	}
	var total, series float64
	mfs, _ := reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() != "azuremfa_auth_results_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			total += m.GetCounter().GetValue()
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "code" && (strings.HasPrefix(lp.GetValue(), "10") && len(lp.GetValue()) == 4 || lp.GetValue() == "unknown") {
					series++
				}
			}
		}
	}
	if total != maxUnknownCodes+10 {
		t.Errorf("results counted %v, want %d: none may be dropped", total, maxUnknownCodes+10)
	}
	if series != maxUnknownCodes+1 {
		t.Errorf("%v series for unknown codes, want %d (the cap plus code=\"unknown\")", series, maxUnknownCodes+1)
	}
}

// TestLevelLabelStaysSmall: single-character levels are kept, anything else is "other".
func TestLevelLabelStaysSmall(t *testing.T) {
	reg := feed(t,
		"2026-11-23T08:00:00Z|w|1|1|pfrad|something",
		"2026-11-23T08:00:01Z|warning|1|1|pfrad|something",
		"2026-11-23T08:00:02Z|verbose|1|1|pfrad|something",
	)
	want := `
# HELP azuremfa_log_entries_total Well-formed log lines, by level.
# TYPE azuremfa_log_entries_total counter
azuremfa_log_entries_total{level="0",log="radius"} 0
azuremfa_log_entries_total{level="other",log="radius"} 2
azuremfa_log_entries_total{level="w",log="radius"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_log_entries_total"); err != nil {
		t.Fatal(err)
	}
}

// TestRatiosFollowLogTime: the cache-hit and duplicate-prompt gauges cover the last stats
// window of log time, whatever the wall clock says.
func TestRatiosFollowLogTime(t *testing.T) {
	at := func(d time.Duration) string {
		return time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC).Add(d).Format("2006-01-02T15:04:05.000000Z")
	}
	reg := feed(t,
		at(0)+"|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)",
		at(5*time.Second)+"|0|1|1|pfrad|authResult = 1",
		at(5*time.Second)+"|0|1|1|pfrad|rawCallStatus = 21",
		at(10*time.Second)+"|0|1|2|pfrad|Calling pfAuthUser('A', '', 1)", // duplicate of a, prompted again
		at(20*time.Second)+"|0|1|2|pfrad|authResult = 1",
		at(20*time.Second)+"|0|1|2|pfrad|rawCallStatus = 21",
		at(21*time.Second)+"|0|1|3|pfrad|Calling pfAuthUser('b', '', 1)",
		at(22*time.Second)+"|0|1|3|pfrad|authResult = 1",
		at(22*time.Second)+"|0|1|3|pfrad|rawCallStatus = 6",
	)
	want := `
# HELP azuremfa_cache_hit_ratio Cache hits / completed authentications over the last stats window of log time (NaN with none). The counters are the truth.
# TYPE azuremfa_cache_hit_ratio gauge
azuremfa_cache_hit_ratio{log="radius"} 0.3333333333333333
# HELP azuremfa_duplicate_prompt_ratio Duplicate requests handled by prompting again / prompts over the last stats window of log time (NaN with none).
# TYPE azuremfa_duplicate_prompt_ratio gauge
azuremfa_duplicate_prompt_ratio{log="radius"} 0.5
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_cache_hit_ratio", "azuremfa_duplicate_prompt_ratio"); err != nil {
		t.Fatal(err)
	}
	// Ten minutes of log time later, with nothing completed, the window is empty again.
	reg2 := feed(t,
		at(0)+"|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)",
		at(1*time.Second)+"|0|1|1|pfrad|rawCallStatus = 6",
		at(10*time.Minute)+"|0|1|1|pfrad|a line of another shape",
	)
	want2 := `
# HELP azuremfa_cache_hit_ratio Cache hits / completed authentications over the last stats window of log time (NaN with none). The counters are the truth.
# TYPE azuremfa_cache_hit_ratio gauge
azuremfa_cache_hit_ratio{log="radius"} NaN
`
	if err := testutil.GatherAndCompare(reg2, strings.NewReader(want2), "azuremfa_cache_hit_ratio"); err != nil {
		t.Fatal(err)
	}
}

// TestClockJumpBack: after one line stamped years ahead, the next normal line sets the log
// clock back: the last-entry gauge and the ratios follow the log again, and the jump is counted.
func TestClockJumpBack(t *testing.T) {
	reg := feed(t,
		"2026-11-23T08:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)",
		"2026-11-23T08:00:01.000000Z|0|1|1|pfrad|rawCallStatus = 21",
		"2036-11-23T08:00:02.000000Z|0|1|2|pfrad|a line from a clock gone wrong",
		"2026-11-23T08:00:03.000000Z|0|1|3|pfrad|Calling pfAuthUser('b', '', 1)",
		"2026-11-23T08:00:04.000000Z|0|1|3|pfrad|rawCallStatus = 6",
	)
	want := `
# HELP azuremfa_cache_hit_ratio Cache hits / completed authentications over the last stats window of log time (NaN with none). The counters are the truth.
# TYPE azuremfa_cache_hit_ratio gauge
azuremfa_cache_hit_ratio{log="radius"} 1
# HELP azuremfa_exporter_log_time_jumps_total Lines far older than the log clock (more than the auth timeout and the duplicate window), which set it back: a clock change or a line stamped in the future.
# TYPE azuremfa_exporter_log_time_jumps_total counter
azuremfa_exporter_log_time_jumps_total{log="radius"} 1
# HELP azuremfa_log_last_entry_timestamp_seconds Log time of the newest well-formed line.
# TYPE azuremfa_log_last_entry_timestamp_seconds gauge
azuremfa_log_last_entry_timestamp_seconds{log="radius"} 1.795420804e+09
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_cache_hit_ratio",
		"azuremfa_exporter_log_time_jumps_total", "azuremfa_log_last_entry_timestamp_seconds"); err != nil {
		t.Fatal(err)
	}
}

// TestUnknownOATHCodesShareTheCap: numbers in validate_oath_code lines cannot grow the label
// set either: they share the log's allowance of unknown codes with the results.
func TestUnknownOATHCodesShareTheCap(t *testing.T) {
	var lines []string
	for i := range 500 {
		lines = append(lines, fmt.Sprintf(
			"2026-11-23T08:00:%02d.000000Z|i|1|1|pfsvc|validate_oath_code: user u%d updated authentication result. result = 0, callStatus = %d",
			i%60, i, 5000+i))
	}
	reg := feedLog(t, LogService, lines...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var series, total float64
	for _, mf := range mfs {
		if mf.GetName() == "azuremfa_oath_validations_total" {
			for _, m := range mf.GetMetric() {
				series++
				total += m.GetCounter().GetValue()
			}
		}
	}
	oathCodes := 0
	for _, s := range logparse.Statuses() {
		if s.Method == logparse.MethodOATHToken {
			oathCodes++
		}
	}
	if want := float64(oathCodes + maxUnknownCodes + 1); series != want {
		t.Errorf("%v OATH series, want %v (the table's OATH codes, the cap and code=\"unknown\")", series, want)
	}
	if total != 500 {
		t.Errorf("OATH validations counted %v, want 500", total)
	}
}

// TestCountsPublishedPerReadBatch: what a log's lines counted reaches the registry when the
// follower ends a read batch (its observer's Progress), and every flushEvery lines while it
// reads on, so a scrape while tailing sees every line read so far.
func TestCountsPublishedPerReadBatch(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	lm := m.ForLog(LogRadius, time.Minute)
	p := NewPipeline(lm, testPipelineConfig(), promslog.NewNopLogger())
	health := &fileHealth{l: lm}
	lines := func() float64 { return testutil.ToFloat64(lm.lines) }

	p.HandleLine([]byte("2026-11-23T08:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)"))
	p.HandleLine([]byte("2026-11-23T08:00:04.000000Z|0|1|1|pfrad|rawCallStatus = 21"))
	health.Progress(100, 100)
	if got := lines(); got != 2 {
		t.Fatalf("after a read batch of 2 lines, lines_total = %v", got)
	}
	want := `
# HELP azuremfa_log_last_entry_timestamp_seconds Log time of the newest well-formed line.
# TYPE azuremfa_log_last_entry_timestamp_seconds gauge
azuremfa_log_last_entry_timestamp_seconds{log="radius"} 1.795420804e+09
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_log_last_entry_timestamp_seconds"); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.results.WithLabelValues(LogRadius, "mobile_app", "21", "success")); got != 1 {
		t.Fatalf("results{code=21} = %v after the batch", got)
	}
	// A long batch: published on the way, within flushEvery lines.
	for range 3 * flushEvery {
		p.HandleLine([]byte("2026-11-23T08:00:05.000000Z|0|1|1|pfrad|chatter"))
	}
	if got := lines(); got < 2+2*flushEvery {
		t.Fatalf("after %d more lines and no end of batch, lines_total = %v", 3*flushEvery, got)
	}
	health.Progress(200, 200)
	if got := lines(); got != 2+3*flushEvery {
		t.Fatalf("lines_total = %v, want %d", got, 2+3*flushEvery)
	}
}

// TestAnswerTimesAreNativeToo: the answer-time histogram carries classic buckets and native
// (exponential) ones, so a Prometheus with native histograms gets the fine resolution.
func TestAnswerTimesAreNativeToo(t *testing.T) {
	reg := feed(t,
		"2026-11-23T08:00:00.000000Z|0|1|1|pfrad|Calling pfAuthUser('a', '', 1)",
		"2026-11-23T08:00:04.000000Z|0|1|1|pfrad|rawCallStatus = 21",
	)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "azuremfa_auth_duration_seconds" {
			continue
		}
		h := mf.GetMetric()[0].GetHistogram()
		if len(h.GetBucket()) != len(durationBuckets) {
			t.Errorf("%d classic buckets, want %d", len(h.GetBucket()), len(durationBuckets))
		}
		if h.Schema == nil || h.GetSchema() != 3 || len(h.GetPositiveSpan()) == 0 || h.GetZeroThreshold() != nativeZeroBucket {
			t.Errorf("no native histogram of schema 3: schema %v, spans %v, zero threshold %v", h.Schema, h.GetPositiveSpan(), h.GetZeroThreshold())
		}
		return
	}
	t.Fatal("azuremfa_auth_duration_seconds not gathered")
}
