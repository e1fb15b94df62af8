package exporter

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

const namespace = "azuremfa"

// durationBuckets are answer times, in seconds: a cache hit is under a second, a phone call
// can take minutes.
var durationBuckets = []float64{0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300}

// Native histogram settings of azuremfa_auth_duration_seconds, for a Prometheus that asks for
// them (protobuf scrapes with native histograms enabled); the classic buckets are served beside
// them. A bucket factor of 1.1 gives buckets about 9% wide (schema 3); 0.25 s to 300 s is
// about 80 of them. Past nativeMaxBuckets the histogram is reset if the last reset is more than
// nativeMinReset ago, else its resolution is halved, so memory stays bounded.
const (
	nativeBucketFactor = 1.1
	nativeMaxBuckets   = 160
	nativeMinReset     = time.Hour
	nativeZeroBucket   = 0.001 // answers within a millisecond (both lines in the same tick) count as zero
)

// reopenReasons are the label values of azuremfa_exporter_log_reopens_total.
var reopenReasons = []string{follow.ReasonRotated, follow.ReasonTruncated, follow.ReasonError}

// alertCodes are the call status codes that dashboards/rules/azuremfa-alerts.yml and the
// dashboards select by number (fraud, unreachable phones, blocked users, licences, balance,
// throttling). Every log that completes authentications has their series from the first
// scrape, so that increase() sees the first occurrence (TestAlertCodesAreTheRulesCodes keeps
// this list and the files in step).
var alertCodes = []int{14, 102, 105, 109, 112, 117, 126, 127, 128, 132, 135, 150}

// logShape is what a kind of log carries, and so which series it has from the first scrape.
// Every log gets its file and line health, the log clock, requests and results (the codes of
// alertCodes under their default result), prompts, cache hits, duplicates and their ratios,
// and the entries counter of the level its lines usually carry (the one AzureMFALogSilent
// needs to see at zero). The rest appears with its first count.
type logShape struct {
	// requests: the RADIUS and IIS logs' "Calling pfAuthUser" requests joined with their
	// results: in flight, abandoned and evicted requests. (Answer times appear with the first
	// answer: 14 series per method and result would make most of a fresh scrape.)
	requests bool
	// service: the main service's pfsvc messages (in its own log or in syslog): Pfauth not
	// performed, primary auth, OATH validations (the table's OATH codes), admin changes.
	service bool
	// level is the level of the log's ordinary lines: "0" for RADIUS, "i" for the main service
	// and IIS, none for syslog.
	level string
}

func shapeOf(log string) logShape {
	switch log {
	case LogRadius:
		return logShape{requests: true, level: "0"}
	case LogIIS:
		return logShape{requests: true, level: "i"}
	case LogService:
		return logShape{service: true, level: "i"}
	case LogSyslog:
		return logShape{service: true}
	}
	return logShape{requests: true, service: true, level: "i"}
}

// Metrics owns every metric family the exporter publishes about MFA and about the logs it
// follows. Families are registered once; each followed log gets a LogMetrics with its
// label children looked up once and kept.
type Metrics struct {
	requests       *prometheus.CounterVec
	results        *prometheus.CounterVec
	duration       *prometheus.HistogramVec
	inFlight       *prometheus.GaugeVec
	abandoned      *prometheus.CounterVec
	prompts        *prometheus.CounterVec
	cacheHits      *prometheus.CounterVec
	duplicates     *prometheus.CounterVec
	cacheHitRatio  *prometheus.GaugeVec
	dupPromptRatio *prometheus.GaugeVec
	notPerformed   *prometheus.CounterVec
	primaryAuth    *prometheus.CounterVec
	oath           *prometheus.CounterVec
	adminChanges   *prometheus.CounterVec
	callStatusInfo *prometheus.GaugeVec
	entries        *prometheus.CounterVec
	lastEntry      *prometheus.GaugeVec

	lines        *prometheus.CounterVec
	malformed    *prometheus.CounterVec
	readErrors   *prometheus.CounterVec
	reopens      *prometheus.CounterVec
	fileOpen     *prometheus.GaugeVec
	offset       *prometheus.GaugeVec
	size         *prometheus.GaugeVec
	evictions    *prometheus.CounterVec
	unknownCodes *prometheus.CounterVec
	forgotten    *prometheus.CounterVec
	timeJumps    *prometheus.CounterVec
}

// NewMetrics creates the metric families and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	}
	gauge := func(name, help string, labels ...string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, labels)
	}
	m := &Metrics{
		requests: counter("auth_requests_total",
			"Authentication requests: Calling pfAuthUser lines, and Pfauth lines (a request and its result at once).", "log"),
		results: counter("auth_results_total",
			"Completed authentications by call status code, method and result (success, failure, pending, unknown).",
			"log", "method", "code", "result"),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "auth_duration_seconds",
			Help:    "Time from the request to its rawCallStatus, by log time: how long people take to answer.",
			Buckets: durationBuckets,

			NativeHistogramBucketFactor:     nativeBucketFactor,
			NativeHistogramMaxBucketNumber:  nativeMaxBuckets,
			NativeHistogramMinResetDuration: nativeMinReset,
			NativeHistogramZeroThreshold:    nativeZeroBucket,
		}, []string{"log", "method", "result"}),
		inFlight:  gauge("auth_in_flight", "Authentication requests waiting for their result.", "log"),
		abandoned: counter("auth_abandoned_total", "Authentication requests that never got a result (superseded on their thread, timed out by log time, or evicted).", "log"),
		prompts:   counter("prompts_total", "Completed authentications with an interactive method (the person was prompted).", "log", "method"),
		cacheHits: counter("cache_hits_total", "Completed authentications answered from a caching rule (codes 6, 8, 9).", "log"),
		duplicates: counter("duplicate_requests_total",
			"Requests for a user who made a request in the same log less than the duplicate window earlier, by how they were handled.",
			"log", "handling"),
		cacheHitRatio: gauge("cache_hit_ratio",
			"Cache hits / completed authentications over the last stats window of log time (NaN with none). The counters are the truth.", "log"),
		dupPromptRatio: gauge("duplicate_prompt_ratio",
			"Duplicate requests handled by prompting again / prompts over the last stats window of log time (NaN with none).", "log"),
		notPerformed: counter("auth_not_performed_total", "Pfauth not performed lines.", "log"),
		primaryAuth:  counter("primary_auth_total", "Primary auth succeeded/failed lines, by result.", "log", "result"),
		oath:         counter("oath_validations_total", "validate_oath_code lines, by call status code.", "log", "code"),
		adminChanges: counter("admin_changes_total", "Admin audit lines: user records changed, added or deleted.", "log", "action"),
		callStatusInfo: gauge("call_status_info",
			"Every known call status code with its constant, description and method; always 1.",
			"code", "constant", "description", "method"),
		entries:   counter("log_entries_total", "Well-formed log lines, by level.", "log", "level"),
		lastEntry: gauge("log_last_entry_timestamp_seconds", "Log time of the newest well-formed line.", "log"),

		lines:      counter("exporter_log_lines_total", "Lines read from the log, well-formed or not.", "log"),
		malformed:  counter("exporter_log_malformed_lines_total", "Lines without the log layout, and lines over the length cap.", "log"),
		readErrors: counter("exporter_log_read_errors_total", "Errors opening, reading or checking the log file.", "log"),
		reopens:    counter("exporter_log_reopens_total", "Times the log file was reopened, by reason: rotated, truncated, error.", "log", "reason"),
		fileOpen:   gauge("exporter_log_file_open", "1 while the log file is open and followed, 0 while it is missing or failing.", "log"),
		offset:     gauge("exporter_log_offset_bytes", "Bytes of the current log file read so far.", "log"),
		size:       gauge("exporter_log_size_bytes", "Size of the current log file when last checked.", "log"),
		evictions: counter("exporter_correlator_evictions_total",
			"Open requests dropped because the cap on open requests was reached (also counted as abandoned).", "log"),
		timeJumps: counter("exporter_log_time_jumps_total",
			"Lines far older than the log clock (more than the auth timeout and the duplicate window), which set it back: a clock change or a line stamped in the future.", "log"),
		forgotten: counter("exporter_duplicate_users_forgotten_total",
			"Users dropped from duplicate detection before their window ended because the cap on remembered users was reached.", "log"),
		unknownCodes: counter("exporter_unknown_code_overflow_total",
			"Results whose unknown code was counted under code=\"unknown\" because too many distinct unknown codes were seen.", "log"),
	}
	for _, c := range []prometheus.Collector{m.requests, m.results, m.duration, m.inFlight, m.abandoned,
		m.prompts, m.cacheHits, m.duplicates, m.cacheHitRatio, m.dupPromptRatio, m.notPerformed,
		m.primaryAuth, m.oath, m.adminChanges, m.callStatusInfo, m.entries, m.lastEntry,
		m.lines, m.malformed, m.readErrors, m.reopens, m.fileOpen, m.offset, m.size, m.evictions,
		m.unknownCodes, m.forgotten, m.timeJumps} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, s := range logparse.Statuses() {
		m.callStatusInfo.WithLabelValues(s.CodeLabel(), s.Constant, s.Description, s.Method.String()).Set(1)
	}
	return m, nil
}
