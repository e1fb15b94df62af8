package exporter

import (
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// maxUnknownCodes caps how many distinct codes outside the status table get a series of their
// own per log, so that garbage cannot grow the label set without bound. Beyond it they are
// counted under code="unknown" and in azuremfa_exporter_unknown_code_overflow_total.
const maxUnknownCodes = 32

// LogMetrics is the sink of one followed log: it turns what the pipeline sees of each line
// and what the correlator decides into metrics. Its children are looked up once; it is used
// from the log's one goroutine only.
type LogMetrics struct {
	m    *Metrics
	name string

	requests, abandoned, cacheHits, notPerformed       prometheus.Counter
	inFlight, cacheHitRatio, dupPromptRatio, lastEntry prometheus.Gauge
	prompts                                            [len(logparse.Methods) + 1]prometheus.Counter // by Method
	duplicates                                         [len(logparse.Handlings)]prometheus.Counter   // by Handling
	duration                                           [len(logparse.Methods) + 1][len(logparse.Results)]prometheus.Observer
	primaryAuth                                        [3]prometheus.Counter // by Verdict
	adminChanges                                       [4]prometheus.Counter // by AuditAction
	results                                            map[int]*[len(logparse.Results)]prometheus.Counter
	oath                                               map[int]prometheus.Counter
	entriesByLevel                                     map[string]prometheus.Counter
	unknownAdmitted                                    map[int]bool // codes outside the table with a series of their own
	overflow                                           prometheus.Counter

	lines, malformed, readErrors, evictions, forgotten prometheus.Counter
	reopens                                            map[string]prometheus.Counter
	fileOpen, offset, size                             prometheus.Gauge

	cacheWindow, dupWindow       *ratioWindow
	timeJumps                    prometheus.Counter
	cacheRatioSeen, dupRatioSeen float64 // the values last written to the ratio gauges
	// lastLevel and lastLevelCounter spare the map lookup for a run of lines of one level.
	lastLevel        [1]byte
	lastLevelCounter prometheus.Counter
}

// ForLog returns the sink of the log with the given label value, pre-creating every known
// label combination at zero so that rate() and alerts see them from the first scrape.
func (m *Metrics) ForLog(name string, statsWindow time.Duration) *LogMetrics {
	l := &LogMetrics{
		m:               m,
		name:            name,
		requests:        m.requests.WithLabelValues(name),
		abandoned:       m.abandoned.WithLabelValues(name),
		cacheHits:       m.cacheHits.WithLabelValues(name),
		notPerformed:    m.notPerformed.WithLabelValues(name),
		inFlight:        m.inFlight.WithLabelValues(name),
		cacheHitRatio:   m.cacheHitRatio.WithLabelValues(name),
		dupPromptRatio:  m.dupPromptRatio.WithLabelValues(name),
		lastEntry:       m.lastEntry.WithLabelValues(name),
		results:         make(map[int]*[len(logparse.Results)]prometheus.Counter),
		oath:            make(map[int]prometheus.Counter),
		unknownAdmitted: make(map[int]bool),
		entriesByLevel:  make(map[string]prometheus.Counter),
		overflow:        m.unknownCodes.WithLabelValues(name),
		lines:           m.lines.WithLabelValues(name),
		malformed:       m.malformed.WithLabelValues(name),
		readErrors:      m.readErrors.WithLabelValues(name),
		evictions:       m.evictions.WithLabelValues(name),
		forgotten:       m.forgotten.WithLabelValues(name),
		timeJumps:       m.timeJumps.WithLabelValues(name),
		reopens:         make(map[string]prometheus.Counter),
		fileOpen:        m.fileOpen.WithLabelValues(name),
		offset:          m.offset.WithLabelValues(name),
		size:            m.size.WithLabelValues(name),
		cacheWindow:     newRatioWindow(statsWindow),
		dupWindow:       newRatioWindow(statsWindow),
	}
	for _, meth := range logparse.Methods {
		if meth.Interactive() {
			l.prompts[meth] = m.prompts.WithLabelValues(name, meth.String())
		}
		// Answer times matter where someone answers or a cache does; the rest are made on use.
		if meth.Interactive() || meth == logparse.MethodCache {
			for _, r := range []logparse.Result{logparse.ResultSuccess, logparse.ResultFailure} {
				l.duration[meth][r] = m.duration.WithLabelValues(name, meth.String(), r.String())
			}
		}
	}
	for _, h := range logparse.Handlings {
		l.duplicates[h] = m.duplicates.WithLabelValues(name, h.String())
	}
	l.primaryAuth[logparse.VerdictSuccess] = m.primaryAuth.WithLabelValues(name, logparse.ResultSuccess.String())
	l.primaryAuth[logparse.VerdictFailure] = m.primaryAuth.WithLabelValues(name, logparse.ResultFailure.String())
	for _, a := range []logparse.AuditAction{logparse.AuditChanged, logparse.AuditAdded, logparse.AuditDeleted} {
		l.adminChanges[a] = m.adminChanges.WithLabelValues(name, a.String())
	}
	for _, s := range logparse.Statuses() {
		// The series an alert or a dashboard looks for: each code under its default result.
		l.result(s, s.Default)
	}
	for _, s := range logparse.Statuses() {
		if s.Method == logparse.MethodOATHToken {
			l.oathValidation(s.Code)
		}
	}
	for _, lvl := range []string{"i", "e", "0"} {
		l.entryLevel([]byte(lvl))
	}
	for _, r := range reopenReasons {
		l.reopens[r] = m.reopens.WithLabelValues(name, r)
	}
	l.cacheRatioSeen, l.dupRatioSeen = math.NaN(), math.NaN()
	l.cacheHitRatio.Set(l.cacheRatioSeen)
	l.dupPromptRatio.Set(l.dupRatioSeen)
	return l
}

// admitCode returns the code a status is counted under: its own, unless it is outside the
// table and the log already has maxUnknownCodes such codes, in which case CodeUnknown (and the
// overflow is counted). Results and OATH validations share the allowance.
func (l *LogMetrics) admitCode(code int) int {
	if code == logparse.CodeUnknown || l.unknownAdmitted[code] {
		return code
	}
	if _, known := logparse.LookupCode(code); known {
		return code
	}
	if len(l.unknownAdmitted) >= maxUnknownCodes {
		l.overflow.Inc()
		return logparse.CodeUnknown
	}
	l.unknownAdmitted[code] = true
	return code
}

// result returns the counter of a status and result, creating it on first use.
func (l *LogMetrics) result(s logparse.Status, r logparse.Result) prometheus.Counter {
	byResult, ok := l.results[s.Code]
	if !ok {
		if code := l.admitCode(s.Code); code != s.Code {
			s = logparse.Status{Code: code, Method: logparse.MethodOther}
			if byResult, ok = l.results[code]; !ok {
				byResult = new([len(logparse.Results)]prometheus.Counter)
				l.results[code] = byResult
			}
		} else {
			byResult = new([len(logparse.Results)]prometheus.Counter)
			l.results[s.Code] = byResult
		}
	}
	if byResult[r] == nil {
		byResult[r] = l.m.results.WithLabelValues(l.name, s.Method.String(), s.CodeLabel(), r.String())
	}
	return byResult[r]
}

// oathValidation returns the counter of an OATH validation's status code.
func (l *LogMetrics) oathValidation(code int) prometheus.Counter {
	if c, ok := l.oath[code]; ok {
		return c
	}
	admitted := l.admitCode(code)
	c, ok := l.oath[admitted]
	if !ok {
		c = l.m.oath.WithLabelValues(l.name, logparse.CodeLabel(admitted))
		l.oath[admitted] = c
	}
	return c
}

// entryLevel returns the counter of a level. Levels are single tokens; anything longer than
// one character is counted as "other" so that the label set stays small.
func (l *LogMetrics) entryLevel(level []byte) prometheus.Counter {
	if c, ok := l.entriesByLevel[string(level)]; ok {
		return c
	}
	label := string(level)
	switch {
	case len(level) == 0:
		label = "none"
	case len(level) > 1 || !isAlnum(level[0]):
		label = "other"
	}
	c := l.m.entries.WithLabelValues(l.name, label)
	if len(l.entriesByLevel) < 64 {
		l.entriesByLevel[string(level)] = c
	}
	return c
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// Line counts a line read from the log.
func (l *LogMetrics) Line() { l.lines.Inc() }

// Malformed counts a line that had no layout.
func (l *LogMetrics) Malformed([]byte, error) { l.malformed.Inc() }

// Entry counts a well-formed entry by level and by message kind.
func (l *LogMetrics) Entry(e *logparse.Entry) {
	if len(e.Level) == 1 && e.Level[0] == l.lastLevel[0] && l.lastLevelCounter != nil {
		l.lastLevelCounter.Inc()
	} else {
		c := l.entryLevel(e.Level)
		c.Inc()
		if len(e.Level) == 1 {
			l.lastLevel[0], l.lastLevelCounter = e.Level[0], c
		}
	}
	switch e.Kind {
	case logparse.KindCall, logparse.KindPfauth:
		l.requests.Inc()
	case logparse.KindNotPerformed:
		l.notPerformed.Inc()
	case logparse.KindPrimaryAuth:
		if c := l.primaryAuth[e.Verdict]; c != nil {
			c.Inc()
		}
	case logparse.KindOATH:
		l.oathValidation(e.Status.Code).Inc()
	case logparse.KindAudit:
		if c := l.adminChanges[e.Action]; c != nil {
			c.Inc()
		}
	}
}

// Ended counts an authentication the correlator ended.
func (l *LogMetrics) Ended(a *logparse.Auth) {
	if a.Outcome == logparse.OutcomeAbandoned {
		l.abandoned.Inc()
		if a.Duplicate {
			l.duplicates[a.Handling].Inc()
		}
		return
	}
	meth := a.Status.Method
	l.result(a.Status, a.Result).Inc()
	if a.HasDuration {
		o := l.duration[meth][a.Result]
		if o == nil {
			o = l.m.duration.WithLabelValues(l.name, meth.String(), a.Result.String())
			l.duration[meth][a.Result] = o
		}
		o.Observe(a.Duration.Seconds())
	}
	var hit, prompt, dupPrompt float64
	if meth.Interactive() {
		l.prompts[meth].Inc()
		prompt = 1
	}
	if meth == logparse.MethodCache {
		l.cacheHits.Inc()
		hit = 1
	}
	if a.Duplicate {
		l.duplicates[a.Handling].Inc()
		if a.Handling == logparse.HandlingPrompted {
			dupPrompt = 1
		}
	}
	l.cacheWindow.add(a.End, hit, 1)
	l.dupWindow.add(a.End, dupPrompt, prompt)
	l.setRatios()
}

// Evicted counts an open request dropped by the cap on open requests.
func (l *LogMetrics) Evicted() { l.evictions.Inc() }

// UserForgotten counts a user dropped from duplicate detection by its cap.
func (l *LogMetrics) UserForgotten() { l.forgotten.Inc() }

// InFlight publishes the number of requests waiting for their result.
func (l *LogMetrics) InFlight(open int) { l.inFlight.Set(float64(open)) }

// Clock keeps the last-entry gauge and the ratio windows on the log clock, and starts the
// windows afresh when a line far older than the clock set it back.
func (l *LogMetrics) Clock(now time.Time, jumped bool) {
	if jumped {
		l.timeJumps.Inc()
		l.cacheWindow.reset()
		l.dupWindow.reset()
	}
	// Seconds and nanoseconds apart: UnixNano would wrap outside the years 1678 to 2262.
	l.lastEntry.Set(float64(now.Unix()) + float64(now.Nanosecond())/1e9)
	// The ratios follow log time even when nothing completes.
	l.cacheWindow.advance(now)
	l.dupWindow.advance(now)
	l.setRatios()
}

// setRatios writes the ratio gauges whose window moved to another value.
func (l *LogMetrics) setRatios() {
	setRatio(l.cacheHitRatio, l.cacheWindow, &l.cacheRatioSeen)
	setRatio(l.dupPromptRatio, l.dupWindow, &l.dupRatioSeen)
}

// setRatio writes a window's ratio to g when it differs from the last value written.
func setRatio(g prometheus.Gauge, w *ratioWindow, seen *float64) {
	r := w.ratio()
	if r != *seen && !(math.IsNaN(r) && math.IsNaN(*seen)) {
		g.Set(r)
		*seen = r
	}
}
