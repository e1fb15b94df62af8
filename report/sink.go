package report

import (
	"errors"
	"time"

	"github.com/azuremfa/azuremfa_exporter/exporter"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// durationBounds are the upper bounds of the exporter's azuremfa_auth_duration_seconds, so
// that the report's histogram can be read beside it.
var durationBounds = [...]float64{0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300}

const (
	// maxUnknownCodes is the exporter's cap on codes outside the status table per log: beyond
	// it they are counted as code unknown, here as there.
	maxUnknownCodes = 32
	// maxTemplates caps the distinct unknown and error templates kept per log.
	maxTemplates = 500
	// maxMalformedTemplates caps the distinct templates of malformed lines kept per log.
	maxMalformedTemplates = 100
	// maxFraudReports caps the fraud reports listed per log.
	maxFraudReports = 10000
	// reasonTooLong is the malformed reason of a line over the line length cap, reasonDamaged
	// that of a UTF-16 line broken by a stray byte, which the follower drops.
	reasonTooLong = "line too long"
	reasonDamaged = "damaged UTF-16 line"
)

const (
	minCode  = -104
	maxCode  = 150
	numCodes = maxCode - minCode + 1
)

const numMethods = len(logparse.Methods) + 1

// resultKey is a code (as admitted), its method and a result.
type resultKey struct {
	code   int
	method logparse.Method
	result logparse.Result
}

// series is the answer times of one method.
type series struct {
	d       durations
	buckets [len(durationBounds) + 1]int64
}

// sinkConfig is what every log's sink shares.
type sinkConfig struct {
	since, until       time.Time
	hasSince, hasUntil bool
	maxRows            int
	maxDurations       int
}

// inRange is asked for every entry: without a range it is answered inline.
func (c *sinkConfig) inRange(t time.Time) bool {
	return !c.hasSince && !c.hasUntil || c.within(t)
}

func (c *sinkConfig) within(t time.Time) bool {
	return (!c.hasSince || !t.Before(c.since)) && (!c.hasUntil || t.Before(c.until))
}

// logSink is the report's exporter.LogSink for one log: it counts what the pipeline sees of
// each line and what the correlator decides, as the metrics sink does, and keeps the tables
// the metrics cannot carry (users, clients, templates, intervals). It is used by the log's
// one goroutine only.
type logSink struct {
	name string
	cfg  *sinkConfig
	tp   templater

	// Coverage.
	entries, malformed int64
	malformedReasons   map[string]int64
	levelByte          [256]int64
	levelNone          int64
	levelOther         int64
	kinds              [logparse.KindError + 1]int64
	unknown, errs, bad *templateSet
	unknownN, errorN   int64
	lastIn             bool // the latest entry was in range: so are the malformed lines after it
	first, last        time.Time
	timeJumps          int64
	evicted, forgotten int64

	// Summary.
	requests, cacheHits, abandoned, orphans, notPerformed int64
	inFlight                                              int64
	knownResults                                          [numCodes][len(logparse.Results)]int64
	otherResults                                          map[resultKey]int64
	unknownAdmitted                                       map[int]bool
	resultTotals                                          [len(logparse.Results)]int64
	prompts                                               [numMethods]int64
	duplicates                                            [len(logparse.Handlings)]int64
	answers                                               [numMethods]*series
	primary                                               [3]int64
	oath                                                  map[int]int64
	admin                                                 [4]int64

	users, clients *table
	fraud          []FraudReport
	fraudLeftOut   int64
	timeline       *timeline
}

var _ exporter.LogSink = (*logSink)(nil)

func newLogSink(name string, cfg *sinkConfig) *logSink {
	return &logSink{
		name:             name,
		cfg:              cfg,
		malformedReasons: make(map[string]int64),
		unknown:          newTemplateSet(maxTemplates, memoSlots),
		errs:             newTemplateSet(maxTemplates, memoSlots),
		bad:              newTemplateSet(maxMalformedTemplates, malformedMemoSlots),
		lastIn:           !cfg.hasSince,
		otherResults:     make(map[resultKey]int64),
		unknownAdmitted:  make(map[int]bool),
		oath:             make(map[int]int64),
		users:            newTable(cfg.maxRows),
		clients:          newTable(cfg.maxRows),
		timeline:         newTimeline(),
	}
}

// Line is counted per file by the reader, and in range as Entries + Malformed.
func (s *logSink) Line() {}

// Malformed counts a line without the layout. It has no time of its own: it is in range when
// the entry before it is (before the first entry: when the range has no start).
func (s *logSink) Malformed(line []byte, err error) {
	if !s.lastIn {
		return
	}
	s.malformed++
	reason := err.Error()
	var me *logparse.MalformedError
	if errors.As(err, &me) {
		reason = me.Reason
	}
	s.malformedReasons[reason]++
	s.bad.add(&s.tp, line, s.last)
}

// lineSkipped counts a line the follower dropped (too long, or UTF-16 broken by a stray
// byte), as the exporter does: a malformed line.
func (s *logSink) lineSkipped(reason string) {
	if !s.lastIn {
		return
	}
	s.malformed++
	s.malformedReasons[reason]++
}

// Entry counts a well-formed line by level and kind, the requests and what has no
// authentication of its own (not performed, primary auth, OATH, audit), and the templates
// of what the parser did not understand.
func (s *logSink) Entry(e *logparse.Entry) {
	in := s.cfg.inRange(e.Time)
	s.lastIn = in
	if !in {
		return
	}
	s.entries++
	// The seconds decide nearly always, without a call to compare the times.
	sec := e.Time.Unix()
	if fs := s.first.Unix(); s.first.IsZero() || sec < fs || sec == fs && e.Time.Before(s.first) {
		s.first = e.Time
	}
	if ls := s.last.Unix(); sec > ls || sec == ls && e.Time.After(s.last) {
		s.last = e.Time
	}
	switch lv := e.Level; {
	case len(lv) == 0:
		s.levelNone++
	case len(lv) == 1 && isAlnumASCII(lv[0]):
		s.levelByte[lv[0]]++
	default:
		s.levelOther++
	}
	if int(e.Kind) < len(s.kinds) {
		s.kinds[e.Kind]++
	}
	switch e.Kind {
	case logparse.KindCall:
		s.requests++
		s.users.note(e.User, 1<<cRequests|opSeen, e.Time)
		s.timeline.add(e.Time, tlRequests)
	case logparse.KindPfauth:
		// Its authentication, with its user and client, was counted when it Ended, just before.
		s.requests++
	case logparse.KindNotPerformed:
		s.notPerformed++
		s.users.note(e.User, 1<<cNotPerformed|opSeen, e.Time)
		if len(e.Addr) > 0 {
			s.clients.note(e.Addr, 1<<cNotPerformed|opSeen, e.Time)
		}
	case logparse.KindPrimaryAuth:
		s.primary[e.Verdict]++
	case logparse.KindOATH:
		s.oath[s.admitCode(e.Status.Code)]++
	case logparse.KindAudit:
		if int(e.Action) < len(s.admin) {
			s.admin[e.Action]++
		}
	case logparse.KindError:
		s.errorN++
		s.errs.add(&s.tp, e.Message, e.Time)
	case logparse.KindOther:
		if len(e.Level) == 1 && e.Level[0] == 'e' {
			s.errorN++
			s.errs.add(&s.tp, e.Message, e.Time)
		} else {
			s.unknownN++
			s.unknown.add(&s.tp, e.Message, e.Time)
		}
	}
}

func isAlnumASCII(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// admitCode is the code a status is counted under, as the exporter decides it: its own,
// unless it is outside the table and the log already has maxUnknownCodes such codes.
func (s *logSink) admitCode(code int) int {
	if code == logparse.CodeUnknown || s.unknownAdmitted[code] {
		return code
	}
	if _, known := logparse.LookupCode(code); known {
		return code
	}
	if len(s.unknownAdmitted) >= maxUnknownCodes {
		return logparse.CodeUnknown
	}
	s.unknownAdmitted[code] = true
	return code
}

// Ended counts an authentication whose request started in range: its result, its answer
// time, whether it was a duplicate, and the same for its user, its client and its interval.
func (s *logSink) Ended(a *logparse.Auth) {
	if !s.cfg.inRange(a.Start) {
		return
	}
	if a.Outcome == logparse.OutcomeAbandoned {
		s.abandoned++
		ops := uint16(1 << cAbandoned)
		if a.Duplicate {
			s.duplicates[a.Handling]++
			ops |= 1 << cDuplicates
			s.timeline.add(a.Start, tlDuplicates)
		}
		s.users.note(a.User, ops, time.Time{})
		return
	}
	st := a.Status
	if code := s.admitCode(st.Code); code != st.Code {
		st = logparse.Status{Code: code, Method: logparse.MethodOther}
	}
	if i := st.Code - minCode; st.Code >= minCode && st.Code <= maxCode {
		if _, known := logparse.LookupCode(st.Code); known {
			s.knownResults[i][a.Result]++
		} else {
			s.otherResults[resultKey{st.Code, st.Method, a.Result}]++
		}
	} else {
		s.otherResults[resultKey{st.Code, st.Method, a.Result}]++
	}
	s.resultTotals[a.Result]++
	meth := st.Method
	if meth.Interactive() {
		s.prompts[meth]++
	}
	if meth == logparse.MethodCache {
		s.cacheHits++
	}
	if a.Outcome == logparse.OutcomeOrphan {
		s.orphans++
	}
	if a.HasDuration {
		s.answer(meth, a.Duration)
	}
	failed := a.Result == logparse.ResultFailure
	fraud := a.Status.Code == 112 || a.Status.Code == 132
	prompted := a.Duplicate && a.Handling == logparse.HandlingPrompted
	if a.Duplicate {
		s.duplicates[a.Handling]++
	}

	// What the authentication adds to its user's and its client's row.
	var ops uint16
	if failed {
		ops |= 1 << cFailures
	}
	if fraud {
		ops |= 1 << cFraud
	}
	if a.Duplicate {
		ops |= 1 << cDuplicates
	}
	if prompted {
		ops |= 1 << cPromptedTwice
	}
	if a.Source == logparse.SourcePfauth {
		ops |= 1<<cRequests | opSeen
		s.timeline.add(a.Start, tlRequests)
	}
	if a.Outcome == logparse.OutcomeOrphan {
		ops |= opSeen
	}
	s.users.note(a.User, ops, a.Start)
	if len(a.Client) > 0 {
		s.clients.note(a.Client, ops|opSeen, a.Start)
	}
	if failed {
		s.timeline.add(a.Start, tlFailures)
	}
	if a.Duplicate {
		s.timeline.add(a.Start, tlDuplicates)
	}
	if fraud {
		s.timeline.add(a.Start, tlFraud)
		s.fraudReport(a)
	}
}

func (s *logSink) answer(meth logparse.Method, d time.Duration) {
	sr := s.answers[meth]
	if sr == nil {
		sr = &series{d: durations{max: s.cfg.maxDurations}}
		s.answers[meth] = sr
	}
	sr.d.add(d)
	sec := d.Seconds()
	i := 0
	for i < len(durationBounds) && sec > durationBounds[i] {
		i++
	}
	sr.buckets[i]++
}

func (s *logSink) fraudReport(a *logparse.Auth) {
	if len(s.fraud) >= maxFraudReports {
		s.fraudLeftOut++
		return
	}
	user := a.User
	if len(user) > maxUserBytes {
		user = user[:maxUserBytes]
	}
	s.fraud = append(s.fraud, FraudReport{
		Log:         s.name,
		Time:        a.End,
		User:        string(user),
		Client:      string(a.Client),
		Code:        a.Status.Code,
		Description: a.Status.Description,
	})
}

// Evicted counts an open request dropped by the cap on open requests.
func (s *logSink) Evicted() { s.evicted++ }

// UserForgotten counts a user dropped from duplicate detection by its cap.
func (s *logSink) UserForgotten() { s.forgotten++ }

// Clock counts the jumps back of the log clock.
func (s *logSink) Clock(_ time.Time, jumped bool) {
	if jumped {
		s.timeJumps++
	}
}

// InFlight keeps the number of requests waiting for their result.
func (s *logSink) InFlight(open int) { s.inFlight = int64(open) }
