package report

import "time"

// Report is everything `azuremfa_exporter report` prints, in every format. Its JSON form is
// a documented interface (docs/report.md): fields are added, never renamed or removed.
// Counts are integers; times are RFC 3339 in UTC; maps are keyed by log name.
type Report struct {
	// Logs are the configured logs, in the order radius, iis, service, syslog, adsync.
	Logs       []string `json:"logs"`
	Range      Range    `json:"range"`
	Anonymized bool     `json:"anonymized"`
	// Settings are the rules the logs were read with.
	Settings Settings             `json:"settings"`
	Coverage map[string]*Coverage `json:"coverage"`
	Summary  map[string]*Summary  `json:"summary"`
	// Users is one row per log and user, most requests first.
	Users []UserRow `json:"users"`
	// UsersBeyondCap counts, per log, what users beyond the cap on rows did.
	UsersBeyondCap map[string]*Beyond `json:"users_beyond_cap,omitempty"`
	// Clients is one row per log and client address (from lines that name one).
	Clients          []ClientRow        `json:"clients"`
	ClientsBeyondCap map[string]*Beyond `json:"clients_beyond_cap,omitempty"`
	// FraudReports lists every authentication that ended with code 112 or 132.
	FraudReports []FraudReport `json:"fraud_reports"`
	// FraudReportsLeftOut counts fraud reports beyond the cap on that list (10000).
	FraudReportsLeftOut int64    `json:"fraud_reports_left_out,omitempty"`
	Timeline            Timeline `json:"timeline"`
}

// Range is the log time the report covers.
type Range struct {
	// Since and Until are the range asked for (absent: unbounded); Until is exclusive.
	Since *time.Time `json:"since,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// FirstEntry and LastEntry are the earliest and latest entry counted (absent: none).
	FirstEntry *time.Time `json:"first_entry,omitempty"`
	LastEntry  *time.Time `json:"last_entry,omitempty"`
}

// Settings are the rules and caps the report was made with.
type Settings struct {
	DuplicateWindowSeconds float64 `json:"duplicate_window_seconds"`
	AuthTimeoutSeconds     float64 `json:"auth_timeout_seconds"`
	MaxRows                int     `json:"max_rows"`
	Top                    int     `json:"top"`
}

// File is one file read for a log (the log itself or a rolled generation of it).
type File struct {
	Path     string    `json:"path"`
	Bytes    int64     `json:"bytes"`
	Modified time.Time `json:"modified"`
	// Encoding: utf-8, utf-8-bom or utf-16le; empty when the file was not read.
	Encoding string `json:"encoding,omitempty"`
	Lines    int64  `json:"lines"`
	// Status: read, missing, empty, compressed or unreadable. Reason says why a file was not
	// (fully) read, or what is odd about a file read.
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Template is one message shape with its count and one masked example. FirstSeen and
// LastSeen are given for error templates.
type Template struct {
	Template  string     `json:"template"`
	Count     int64      `json:"count"`
	Example   string     `json:"example"`
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
}

// Coverage says how much of a log the parser understood.
type Coverage struct {
	Files []File `json:"files"`
	// Notes say what was skipped among the files beside the log, and what is odd about their
	// order; absent when there is nothing to say.
	Notes []string `json:"notes,omitempty"`
	// Lines = Entries + Malformed: every line read (of the range).
	Lines     int64 `json:"lines"`
	Malformed int64 `json:"malformed"`
	// MalformedReasons counts malformed lines by reason.
	MalformedReasons map[string]int64 `json:"malformed_reasons"`
	Entries          int64            `json:"entries"`
	// Levels counts entries by level ("none" for syslog lines, "other" for odd ones).
	Levels map[string]int64 `json:"levels"`
	// Kinds counts entries by the message kind the parser decoded (other, error, call, ...).
	Kinds map[string]int64 `json:"kinds"`
	// Understood entries are of a kind the parser decodes; NotUnderstood = Entries -
	// Understood: the kinds other and error, whose templates follow.
	Understood    int64 `json:"understood"`
	NotUnderstood int64 `json:"not_understood"`
	// Unknown + Errors = NotUnderstood: entries of kind other (not at level e), and entries
	// of kind error or at level e.
	Unknown int64 `json:"unknown"`
	Errors  int64 `json:"errors"`
	// UnknownTemplates groups the entries of kind other whose level is not e.
	UnknownTemplates []Template `json:"unknown_templates"`
	// UnknownOther counts those entries whose template is beyond the cap on templates.
	UnknownOther int64 `json:"unknown_templates_other"`
	// ErrorTemplates groups the entries of kind error and those of kind other at level e.
	ErrorTemplates []Template `json:"error_templates"`
	ErrorOther     int64      `json:"error_templates_other"`
	// MalformedTemplates groups the malformed lines (lines too long are left out).
	MalformedTemplates []Template `json:"malformed_templates"`
	MalformedOther     int64      `json:"malformed_templates_other"`
	// TimeJumps, Evicted and ForgottenUsers are the correlator's events (see docs/counting.md).
	TimeJumps      int64 `json:"time_jumps"`
	Evicted        int64 `json:"evicted"`
	ForgottenUsers int64 `json:"forgotten_users"`
}

// Code is the count of one status code under one result.
type Code struct {
	// Code is the number; null for a status line whose constant and description are unknown.
	Code        *int   `json:"code"`
	Constant    string `json:"constant,omitempty"`
	Description string `json:"description,omitempty"`
	Method      string `json:"method"`
	Result      string `json:"result"`
	Count       int64  `json:"count"`
}

// AnswerTime is the distribution of the time from request to result of one method.
type AnswerTime struct {
	Method string `json:"method"`
	Count  int64  `json:"count"`
	// Exact is false when the series held more answers than it keeps: its percentiles are
	// then those of a uniform random sample.
	Exact      bool    `json:"exact"`
	P50Seconds float64 `json:"p50_seconds"`
	P90Seconds float64 `json:"p90_seconds"`
	P99Seconds float64 `json:"p99_seconds"`
	MaxSeconds float64 `json:"max_seconds"`
	SumSeconds float64 `json:"sum_seconds"`
	// Histogram counts the answers per bucket of the exporter's azuremfa_auth_duration_seconds
	// (each bucket on its own, not cumulative).
	Histogram []HistogramBucket `json:"histogram"`
	// fine counts the kept answers per bin of fineEdges, for the HTML chart.
	fine []int64
}

// HistogramBucket counts the answer times above the previous bucket's bound and at most LE
// seconds; LE is null for the last bucket, which holds the rest.
type HistogramBucket struct {
	LE    *float64 `json:"le"`
	Count int64    `json:"count"`
}

// Summary is what a log's authentications came to.
type Summary struct {
	// Requests are request lines: pfAuthUser calls and Pfauth lines.
	Requests int64 `json:"requests"`
	// Results counts ended authentications by result (success, failure, pending, unknown):
	// completed ones and orphans.
	Results   map[string]int64 `json:"results"`
	CacheHits int64            `json:"cache_hits"`
	Abandoned int64            `json:"abandoned"`
	// Orphans are results with no request line before them (a user-less row holds them).
	Orphans int64 `json:"orphans"`
	// InFlight are requests still waiting for their result at the end of the logs.
	InFlight     int64 `json:"in_flight"`
	NotPerformed int64 `json:"not_performed"`
	// Prompts counts completed authentications of an interactive method, by method.
	Prompts map[string]int64 `json:"prompts"`
	// Duplicates counts duplicate requests by handling (prompted, cached, rejected, other).
	Duplicates   map[string]int64 `json:"duplicates"`
	Codes        []Code           `json:"codes"`
	AnswerTimes  []AnswerTime     `json:"answer_times"`
	PrimaryAuth  map[string]int64 `json:"primary_auth"`
	OATH         []Code           `json:"oath_validations"`
	AdminChanges map[string]int64 `json:"admin_changes"`
}

// Counts are what a user or a client did in one log.
type Counts struct {
	// Requests are request lines (pfAuthUser calls, Pfauth lines).
	Requests int64 `json:"requests"`
	// Duplicates are duplicate requests, however handled; PromptedTwice those that prompted
	// the person again.
	Duplicates    int64 `json:"duplicates"`
	PromptedTwice int64 `json:"prompted_twice"`
	// Failures are results of result failure; Fraud those with code 112 or 132.
	Failures     int64 `json:"failures"`
	Fraud        int64 `json:"fraud"`
	Abandoned    int64 `json:"abandoned"`
	NotPerformed int64 `json:"not_performed"`
	// FirstSeen and LastSeen are the times of the first and last request (or not performed
	// line, or orphan result).
	FirstSeen *time.Time `json:"first_seen,omitempty"`
	LastSeen  *time.Time `json:"last_seen,omitempty"`
}

// UserRow is one user of one log: as first written (names that differ only in the case of
// ASCII letters are one user), or a pseudonym. The empty user holds results with no user
// name: orphans, and requests for an empty name.
type UserRow struct {
	Log  string `json:"log"`
	User string `json:"user"`
	Counts
}

// ClientRow is one client address of one log (or a pseudonym).
type ClientRow struct {
	Log    string `json:"log"`
	Client string `json:"client"`
	Counts
}

// Beyond is what the names beyond the cap on rows did, summed.
type Beyond struct {
	Events        int64 `json:"events"`
	Requests      int64 `json:"requests"`
	Duplicates    int64 `json:"duplicates"`
	PromptedTwice int64 `json:"prompted_twice"`
	Failures      int64 `json:"failures"`
	Fraud         int64 `json:"fraud"`
	Abandoned     int64 `json:"abandoned"`
	NotPerformed  int64 `json:"not_performed"`
}

// FraudReport is one authentication that ended with a fraud code.
type FraudReport struct {
	Log         string    `json:"log"`
	Time        time.Time `json:"time"`
	User        string    `json:"user"`
	Client      string    `json:"client,omitempty"`
	Code        int       `json:"code"`
	Description string    `json:"description"`
}

// Timeline counts per interval of log time over the range.
type Timeline struct {
	StepSeconds int64           `json:"step_seconds"`
	Points      []TimelinePoint `json:"points"`
}

// TimelinePoint is one interval, from Start for StepSeconds.
type TimelinePoint struct {
	Start      time.Time `json:"start"`
	Requests   int64     `json:"requests"`
	Failures   int64     `json:"failures"`
	Duplicates int64     `json:"duplicates"`
	Fraud      int64     `json:"fraud"`
}
