package exporter

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// syslogPipeline builds a syslog pipeline whose wall clock is now and whose year is year
// (0: inferred).
func syslogPipeline(t *testing.T, year int, now time.Time) (*Pipeline, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testPipelineConfig()
	cfg.SyslogYear, cfg.Now = year, func() time.Time { return now }
	return testPipeline(m, LogSyslog, cfg), reg
}

// TestSyslogYearFollowsNewYear: RFC 3164 lines carry no year; after Dec 31 come Jan 1 lines
// of the next year, so the clock moves on instead of jumping back eleven months.
func TestSyslogYearFollowsNewYear(t *testing.T) {
	for _, tc := range []struct {
		name string
		year int
		now  time.Time
	}{
		{"year given", 2026, time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"year inferred, replayed in January", 0, time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC)},
		{"year inferred, followed live", 0, time.Date(2026, 12, 31, 23, 59, 30, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, reg := syslogPipeline(t, tc.year, tc.now)
			for _, l := range []string{
				`Dec 31 23:59:00 mfa01 pfsvc: Pfauth succeeded for user 'alice'. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`,
				`Jan  1 09:00:00 mfa01 pfsvc: Pfauth succeeded for user 'alice'. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`,
				`Jan  1 10:00:00 mfa01 pfsvc: Pfauth succeeded for user 'alice'. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`,
			} {
				p.HandleLine([]byte(l))
			}
			p.Flush()
			want := `
# HELP azuremfa_duplicate_requests_total Requests for a user who made a request in the same log less than the duplicate window earlier, by how they were handled.
# TYPE azuremfa_duplicate_requests_total counter
azuremfa_duplicate_requests_total{handling="cached",log="syslog"} 0
azuremfa_duplicate_requests_total{handling="other",log="syslog"} 0
azuremfa_duplicate_requests_total{handling="prompted",log="syslog"} 0
azuremfa_duplicate_requests_total{handling="rejected",log="syslog"} 0
# HELP azuremfa_exporter_log_time_jumps_total Lines far older than the log clock (more than the auth timeout and the duplicate window), which set it back: a clock change or a line stamped in the future.
# TYPE azuremfa_exporter_log_time_jumps_total counter
azuremfa_exporter_log_time_jumps_total{log="syslog"} 0
# HELP azuremfa_log_last_entry_timestamp_seconds Log time of the newest well-formed line.
# TYPE azuremfa_log_last_entry_timestamp_seconds gauge
azuremfa_log_last_entry_timestamp_seconds{log="syslog"} 1.7987976e+09
`
			if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_duplicate_requests_total",
				"azuremfa_exporter_log_time_jumps_total", "azuremfa_log_last_entry_timestamp_seconds"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLineAfterNULs: a line glued to the zeroed tail an unclean stop leaves behind is read, not
// counted as malformed; a line of NULs alone is malformed.
func TestLineAfterNULs(t *testing.T) {
	reg := feed(t,
		"\x00\x00\x00\x00"+"2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\\pnigam', '', 1)",
		"2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21",
		"\x00\x00\x00")
	want := `
# HELP azuremfa_auth_requests_total Authentication requests: Calling pfAuthUser lines, and Pfauth lines (a request and its result at once).
# TYPE azuremfa_auth_requests_total counter
azuremfa_auth_requests_total{log="radius"} 1
# HELP azuremfa_exporter_log_malformed_lines_total Lines without the log layout, and lines over the length cap.
# TYPE azuremfa_exporter_log_malformed_lines_total counter
azuremfa_exporter_log_malformed_lines_total{log="radius"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "azuremfa_auth_requests_total",
		"azuremfa_exporter_log_malformed_lines_total"); err != nil {
		t.Fatal(err)
	}
}
