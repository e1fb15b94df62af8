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

// flushEvery is how many lines a log's metrics may hold back while its follower reads a long
// stretch without stopping (a backlog at start): the counts are published at least this often,
// and always when the follower has read what there is (Flush).
const flushEvery = 1024

// Codes [minTableCode, maxTableCode] have their counters in an array rather than a map: the
// status table's codes all fall in it.
const (
	minTableCode = -128
	maxTableCode = 255
)

// tally is a counter's increments not yet published: counting a line costs an add to a plain
// field, and Flush hands the sum to the Prometheus counter in one atomic operation.
type tally struct {
	c prometheus.Counter
	n uint64
}

// observation is an answer time not yet published.
type observation struct {
	o prometheus.Observer
	v float64
}

// LogMetrics is the sink of one followed log: it turns what the pipeline sees of each line
// and what the correlator decides into metrics. It is used from the log's one goroutine only.
//
// What it counts is held in plain fields and published by Flush: after every read batch of
// the follower (so a scrape while tailing sees every line read so far) and every flushEvery
// lines in between. Counters only ever grow by what was counted, so they stay monotonic.
type LogMetrics struct {
	m     *Metrics
	name  string
	shape logShape

	requests, cacheHits, notPerformed, abandoned, evictions, forgotten, timeJumps, overflow *tally
	linesRead, malformedRead                                                                tally
	prompts                                                                                 [len(logparse.Methods) + 1]*tally // by Method
	duplicates                                                                              [len(logparse.Handlings)]*tally   // by Handling
	primaryAuth                                                                             [3]*tally                         // by Verdict
	adminChanges                                                                            [4]*tally                         // by AuditAction
	results                                                                                 [maxTableCode - minTableCode + 1]*[len(logparse.Results)]*tally
	otherResults                                                                            map[int]*[len(logparse.Results)]*tally // codes outside the array
	oath                                                                                    map[int]*tally
	levels                                                                                  [256]*tally // single-character levels, by byte
	levelNone, levelOther                                                                   *tally
	unknownAdmitted                                                                         map[int]bool // codes outside the table with a series of their own
	duration                                                                                [len(logparse.Methods) + 1][len(logparse.Results)]prometheus.Observer

	dirty   []*tally      // tallies with n > 0
	pending []observation // answer times to observe
	unread  int           // lines since the last Flush

	// The latest values of the gauges, and what was last written to them.
	now                          time.Time // log clock
	nowSet                       bool
	open, openSaid               int
	cacheRatioSeen, dupRatioSeen float64
	lastEntrySeen                float64

	inFlight, cacheHitRatio, dupPromptRatio, lastEntry prometheus.Gauge
	cacheWindow, dupWindow                             *ratioWindow

	// Published at once, not through Flush: the follower's events and errors are rare, and
	// some come when no read batch follows.
	lines, malformed, readErrors prometheus.Counter
	reopens                      map[string]prometheus.Counter
	fileOpen, offset, size       prometheus.Gauge
}

// ForLog returns the sink of the log with the given label value. It creates at zero the
// series that rules, dashboards and rate() need from the first scrape on that kind of log
// (see logShape); the others appear with their first count.
func (m *Metrics) ForLog(name string, statsWindow time.Duration) *LogMetrics {
	l := &LogMetrics{
		m:               m,
		name:            name,
		shape:           shapeOf(name),
		unknownAdmitted: make(map[int]bool),
		otherResults:    make(map[int]*[len(logparse.Results)]*tally),
		oath:            make(map[int]*tally),
		lastEntry:       m.lastEntry.WithLabelValues(name),
		cacheHitRatio:   m.cacheHitRatio.WithLabelValues(name),
		dupPromptRatio:  m.dupPromptRatio.WithLabelValues(name),
		lines:           m.lines.WithLabelValues(name),
		malformed:       m.malformed.WithLabelValues(name),
		readErrors:      m.readErrors.WithLabelValues(name),
		reopens:         make(map[string]prometheus.Counter),
		fileOpen:        m.fileOpen.WithLabelValues(name),
		offset:          m.offset.WithLabelValues(name),
		size:            m.size.WithLabelValues(name),
		cacheWindow:     newRatioWindow(statsWindow),
		dupWindow:       newRatioWindow(statsWindow),
		dirty:           make([]*tally, 0, 64),
		pending:         make([]observation, 0, 256),
	}
	l.linesRead.c, l.malformedRead.c = l.lines, l.malformed
	one := func(v *prometheus.CounterVec) *tally { return &tally{c: v.WithLabelValues(name)} }
	l.requests = one(m.requests)
	l.cacheHits = one(m.cacheHits)
	l.forgotten = one(m.forgotten)
	l.timeJumps = one(m.timeJumps)
	l.overflow = one(m.unknownCodes)
	for _, meth := range logparse.Methods {
		if meth.Interactive() {
			l.prompts[meth] = &tally{c: m.prompts.WithLabelValues(name, meth.String())}
		}
	}
	for _, h := range logparse.Handlings {
		l.duplicates[h] = &tally{c: m.duplicates.WithLabelValues(name, h.String())}
	}
	for _, code := range alertCodes {
		// The series an alert looks for: each code it names under its default result.
		s, _ := logparse.LookupCode(code)
		l.result(s, s.Default)
	}
	l.entryLevel([]byte(l.shape.level))
	if l.shape.requests {
		l.abandoned = one(m.abandoned)
		l.evictions = one(m.evictions)
		l.inFlight = m.inFlight.WithLabelValues(name)
	}
	if l.shape.service {
		l.notPerformed = one(m.notPerformed)
		for _, v := range []logparse.Verdict{logparse.VerdictSuccess, logparse.VerdictFailure} {
			l.primaryAuthTally(v)
		}
		for _, a := range []logparse.AuditAction{logparse.AuditChanged, logparse.AuditAdded, logparse.AuditDeleted} {
			l.adminTally(a)
		}
		for _, s := range logparse.Statuses() {
			if s.Method == logparse.MethodOATHToken {
				l.oathValidation(s.Code)
			}
		}
	}
	for _, r := range reopenReasons {
		l.reopens[r] = m.reopens.WithLabelValues(name, r)
	}
	l.cacheRatioSeen, l.dupRatioSeen = math.NaN(), math.NaN()
	l.cacheHitRatio.Set(l.cacheRatioSeen)
	l.dupPromptRatio.Set(l.dupRatioSeen)
	return l
}

// inc counts one, to be published by the next Flush.
func (l *LogMetrics) inc(t *tally) {
	if t.n == 0 {
		l.dirty = append(l.dirty, t)
	}
	t.n++
}

// Flush publishes what was counted since the last Flush. The follower's observer calls it
// after every read batch; LogMetrics calls it itself every flushEvery lines.
func (l *LogMetrics) Flush() {
	l.unread = 0
	for _, t := range l.dirty {
		t.c.Add(float64(t.n))
		t.n = 0
	}
	clear(l.dirty)
	l.dirty = l.dirty[:0]
	for _, p := range l.pending {
		p.o.Observe(p.v)
	}
	clear(l.pending)
	l.pending = l.pending[:0]
	if l.open != l.openSaid {
		if l.inFlight == nil {
			l.inFlight = l.m.inFlight.WithLabelValues(l.name)
		}
		l.inFlight.Set(float64(l.open))
		l.openSaid = l.open
	}
	if !l.nowSet {
		return
	}
	// Seconds and nanoseconds apart: UnixNano would wrap outside the years 1678 to 2262.
	if ts := float64(l.now.Unix()) + float64(l.now.Nanosecond())/1e9; ts != l.lastEntrySeen {
		l.lastEntry.Set(ts)
		l.lastEntrySeen = ts
	}
	// The ratios follow log time even when nothing completes.
	l.cacheWindow.advance(l.now)
	l.dupWindow.advance(l.now)
	setRatio(l.cacheHitRatio, l.cacheWindow, &l.cacheRatioSeen)
	setRatio(l.dupPromptRatio, l.dupWindow, &l.dupRatioSeen)
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
		l.inc(l.overflow)
		return logparse.CodeUnknown
	}
	l.unknownAdmitted[code] = true
	return code
}

// result returns the tally of a status and result, creating its series on first use.
func (l *LogMetrics) result(s logparse.Status, r logparse.Result) *tally {
	var byResult *[len(logparse.Results)]*tally
	inArray := minTableCode <= s.Code && s.Code <= maxTableCode
	if inArray {
		byResult = l.results[s.Code-minTableCode]
	} else {
		byResult = l.otherResults[s.Code]
	}
	if byResult == nil {
		if code := l.admitCode(s.Code); code != s.Code {
			// Over the allowance: counted under code="unknown" (which is never in the array),
			// looked up again for every such result.
			s = logparse.Status{Code: code, Method: logparse.MethodOther}
			if byResult = l.otherResults[code]; byResult == nil {
				byResult = new([len(logparse.Results)]*tally)
				l.otherResults[code] = byResult
			}
		} else {
			byResult = new([len(logparse.Results)]*tally)
			if inArray {
				l.results[s.Code-minTableCode] = byResult
			} else {
				l.otherResults[s.Code] = byResult
			}
		}
	}
	if byResult[r] == nil {
		byResult[r] = &tally{c: l.m.results.WithLabelValues(l.name, s.Method.String(), s.CodeLabel(), r.String())}
	}
	return byResult[r]
}

// oathValidation returns the tally of an OATH validation's status code.
func (l *LogMetrics) oathValidation(code int) *tally {
	if t, ok := l.oath[code]; ok {
		return t
	}
	admitted := l.admitCode(code)
	t, ok := l.oath[admitted]
	if !ok {
		t = &tally{c: l.m.oath.WithLabelValues(l.name, logparse.CodeLabel(admitted))}
		l.oath[admitted] = t
	}
	return t
}

func (l *LogMetrics) primaryAuthTally(v logparse.Verdict) *tally {
	if l.primaryAuth[v] == nil {
		r := logparse.ResultSuccess
		if v == logparse.VerdictFailure {
			r = logparse.ResultFailure
		}
		l.primaryAuth[v] = &tally{c: l.m.primaryAuth.WithLabelValues(l.name, r.String())}
	}
	return l.primaryAuth[v]
}

func (l *LogMetrics) adminTally(a logparse.AuditAction) *tally {
	if l.adminChanges[a] == nil {
		l.adminChanges[a] = &tally{c: l.m.adminChanges.WithLabelValues(l.name, a.String())}
	}
	return l.adminChanges[a]
}

// lazy returns *t, creating the log's series of vec on first use.
func (l *LogMetrics) lazy(t **tally, vec *prometheus.CounterVec) *tally {
	if *t == nil {
		*t = &tally{c: vec.WithLabelValues(l.name)}
	}
	return *t
}

// entryLevel returns the tally of a level. Levels are single tokens; anything longer than
// one character, or not a letter or digit, is counted as "other" so that the label set stays
// small; syslog lines, which have none, as "none".
func (l *LogMetrics) entryLevel(level []byte) *tally {
	var slot **tally
	label := string(level)
	switch {
	case len(level) == 0:
		slot, label = &l.levelNone, "none"
	case len(level) > 1 || !isAlnum(level[0]):
		slot, label = &l.levelOther, "other"
	default:
		slot = &l.levels[level[0]]
	}
	if *slot == nil {
		*slot = &tally{c: l.m.entries.WithLabelValues(l.name, label)}
	}
	return *slot
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// Line counts a line read from the log.
func (l *LogMetrics) Line() {
	l.unread++
	if l.unread >= flushEvery {
		l.Flush()
	}
	l.inc(&l.linesRead)
}

// Malformed counts a line that had no layout.
func (l *LogMetrics) Malformed([]byte, error) { l.inc(&l.malformedRead) }

// Entry counts a well-formed entry by level and by message kind.
func (l *LogMetrics) Entry(e *logparse.Entry) {
	if len(e.Level) == 1 && l.levels[e.Level[0]] != nil {
		l.inc(l.levels[e.Level[0]])
	} else {
		l.inc(l.entryLevel(e.Level))
	}
	switch e.Kind {
	case logparse.KindCall, logparse.KindPfauth:
		l.inc(l.requests)
	case logparse.KindNotPerformed:
		l.inc(l.lazy(&l.notPerformed, l.m.notPerformed))
	case logparse.KindPrimaryAuth:
		if e.Verdict == logparse.VerdictSuccess || e.Verdict == logparse.VerdictFailure {
			l.inc(l.primaryAuthTally(e.Verdict))
		}
	case logparse.KindOATH:
		l.inc(l.oathValidation(e.Status.Code))
	case logparse.KindAudit:
		if e.Action != logparse.AuditNone && int(e.Action) < len(l.adminChanges) {
			l.inc(l.adminTally(e.Action))
		}
	}
}

// Ended counts an authentication the correlator ended.
func (l *LogMetrics) Ended(a *logparse.Auth) {
	if a.Outcome == logparse.OutcomeAbandoned {
		l.inc(l.lazy(&l.abandoned, l.m.abandoned))
		if a.Duplicate {
			l.inc(l.duplicates[a.Handling])
		}
		return
	}
	meth := a.Status.Method
	l.inc(l.result(a.Status, a.Result))
	if a.HasDuration {
		o := l.duration[meth][a.Result]
		if o == nil {
			o = l.m.duration.WithLabelValues(l.name, meth.String(), a.Result.String())
			l.duration[meth][a.Result] = o
		}
		if len(l.pending) == cap(l.pending) {
			l.Flush()
		}
		l.pending = append(l.pending, observation{o, a.Duration.Seconds()})
	}
	var hit, prompt, dupPrompt float64
	if meth.Interactive() {
		l.inc(l.prompts[meth])
		prompt = 1
	}
	if meth == logparse.MethodCache {
		l.inc(l.cacheHits)
		hit = 1
	}
	if a.Duplicate {
		l.inc(l.duplicates[a.Handling])
		if a.Handling == logparse.HandlingPrompted {
			dupPrompt = 1
		}
	}
	l.cacheWindow.add(a.End, hit, 1)
	if prompt != 0 || dupPrompt != 0 {
		l.dupWindow.add(a.End, dupPrompt, prompt)
	}
}

// Evicted counts an open request dropped by the cap on open requests.
func (l *LogMetrics) Evicted() { l.inc(l.lazy(&l.evictions, l.m.evictions)) }

// UserForgotten counts a user dropped from duplicate detection by its cap.
func (l *LogMetrics) UserForgotten() { l.inc(l.forgotten) }

// InFlight keeps the number of requests waiting for their result.
func (l *LogMetrics) InFlight(open int) { l.open = open }

// Clock keeps the log clock for the last-entry gauge and the ratio windows, and starts the
// windows afresh when a line far older than the clock set it back.
func (l *LogMetrics) Clock(now time.Time, jumped bool) {
	if jumped {
		l.inc(l.timeJumps)
		l.cacheWindow.reset()
		l.dupWindow.reset()
	}
	l.now, l.nowSet = now, true
}

// setRatio writes a window's ratio to g when it differs from the last value written.
func setRatio(g prometheus.Gauge, w *ratioWindow, seen *float64) {
	r := w.ratio()
	if r != *seen && !(math.IsNaN(r) && math.IsNaN(*seen)) {
		g.Set(r)
		*seen = r
	}
}
