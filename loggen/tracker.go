package loggen

import (
	"strconv"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// durationBuckets are azuremfa_auth_duration_seconds' upper bounds (exporter/metrics.go).
var durationBuckets = [...]float64{0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300}

// openCall is a pfAuthUser call waiting for its rawCallStatus.
type openCall struct {
	thread    uint64
	user      string // folded
	start     int64  // µs of log time
	verdict   logparse.Verdict
	duplicate bool
	ended     bool
}

type resultKey struct {
	method logparse.Method
	code   int
	result logparse.Result
}

type durationKey struct {
	method logparse.Method
	result logparse.Result
}

// tracker applies the exporter's rules to the lines of one log as they are written, and
// counts what the exporter must count. It knows the lines by what the generator wrote into
// them, not by parsing them back.
type tracker struct {
	log     string
	timeout int64 // µs
	window  int64 // µs

	open     map[uint64]*openCall
	queue    []*openCall // open calls in order of start, so in order of deadline
	lastSeen map[string]int64
	// challenged: users whose latest request ended pending; their next request answers it.
	challenged map[string]bool

	lines, malformed    int
	levels              map[string]int
	requests, abandoned int
	cacheHits           int
	results             map[resultKey]int
	prompts             map[logparse.Method]int
	duplicates          [4]int                                         // by logparse.Handling
	durations           map[durationKey]*[len(durationBuckets) + 1]int // per bucket, +Inf last
	notPerformed        int
	primary             map[logparse.Result]int
	oath                map[int]int
	admin               map[logparse.AuditAction]int
	orphans             int
	truth               truthTables
	// inclusive reads the boundaries of the rules the other way ("<=" where the exporter's
	// rules say "<"); tests check that the generator keeps both readings in agreement.
	inclusive bool
}

func newTracker(log string, timeout, window time.Duration) *tracker {
	return &tracker{
		log:        log,
		timeout:    timeout.Microseconds(),
		window:     window.Microseconds(),
		open:       map[uint64]*openCall{},
		lastSeen:   map[string]int64{},
		challenged: map[string]bool{},
		levels:     map[string]int{},
		results:    map[resultKey]int{},
		prompts:    map[logparse.Method]int{},
		durations:  map[durationKey]*[len(durationBuckets) + 1]int{},
		primary:    map[logparse.Result]int{},
		oath:       map[int]int{},
		admin:      map[logparse.AuditAction]int{},
		truth:      newTruthTables(),
	}
}

// onBoundary reports whether a line at t would land exactly on the deadline of an open
// call, where "passing start + timeout" could be read either way. It first ends the calls
// whose deadline is before t: the line at t (or later) ends them whatever it is.
func (tr *tracker) onBoundary(t int64) bool {
	tr.expire(t)
	for _, c := range tr.queue {
		if c.ended {
			continue
		}
		return c.start+tr.timeout == t
	}
	return false
}

// onWindowEdge reports whether a request of user at t would come exactly one window after
// the user's previous request.
func (tr *tracker) onWindowEdge(user string, t int64) bool {
	last, ok := tr.lastSeen[foldUser(user)]
	return ok && t-last == tr.window
}

// expire ends as abandoned every open call whose deadline passed before t.
func (tr *tracker) expire(t int64) {
	i := 0
	for ; i < len(tr.queue); i++ {
		c := tr.queue[i]
		if c.ended {
			continue
		}
		if d := c.start + tr.timeout; d > t || (d == t && !tr.inclusive) {
			break
		}
		tr.abandon(c)
	}
	if i > 0 {
		tr.queue = append(tr.queue[:0], tr.queue[i:]...)
	}
}

func (tr *tracker) abandon(c *openCall) {
	c.ended = true
	delete(tr.open, c.thread)
	tr.abandoned++
	if c.duplicate {
		tr.duplicates[logparse.HandlingOther]++
	}
	tr.truth.abandoned(c.user, c.start, c.duplicate)
}

// entry counts a well-formed line at t with level, and ends the calls it makes overdue.
func (tr *tracker) entry(t int64, level string) {
	tr.lines++
	if level == "" {
		level = "none" // syslog lines carry no level; the exporter counts them so
	}
	tr.levels[level]++
	tr.expire(t)
}

// malformedLine counts a line without the layout.
func (tr *tracker) malformedLine() {
	tr.lines++
	tr.malformed++
}

// request applies the duplicate rule to a request (a call or a Pfauth line) of user at t.
func (tr *tracker) request(user string, t int64) (duplicate bool) {
	tr.requests++
	key := foldUser(user)
	last, ok := tr.lastSeen[key]
	tr.lastSeen[key] = t
	if tr.challenged[key] { // the answer to a text message or OATH code challenge
		delete(tr.challenged, key)
		return false
	}
	return ok && (t-last < tr.window || (tr.inclusive && t-last == tr.window))
}

func (tr *tracker) call(thread uint64, user string, t int64) {
	if c, ok := tr.open[thread]; ok {
		tr.abandon(c)
	}
	c := &openCall{thread: thread, user: foldUser(user), start: t, duplicate: tr.request(user, t)}
	tr.open[thread] = c
	tr.queue = append(tr.queue, c)
	tr.truth.request(user, "", t)
}

func (tr *tracker) authResult(thread uint64, n int) {
	if c, ok := tr.open[thread]; ok {
		c.verdict = verdictOf(n)
	}
}

// rawCallStatus completes the call open on thread. A result with no open call is an
// orphan: completed, with no duration, not a request. The generator writes none with its
// default settings (every answer comes within a minute, a busy thread is never reused).
func (tr *tracker) rawCallStatus(thread uint64, code int, t int64) {
	c, ok := tr.open[thread]
	if !ok {
		st, _ := logparse.LookupCode(code)
		tr.orphans++
		res := st.Result(logparse.VerdictNone)
		tr.complete(st, res, false)
		tr.truth.seen("", "", t)
		tr.truth.ended("", "", t, st, res, false)
		return
	}
	c.ended = true
	delete(tr.open, thread)
	st, _ := logparse.LookupCode(code)
	res := st.Result(c.verdict)
	if res == logparse.ResultPending {
		tr.challenged[c.user] = true
	}
	tr.complete(st, res, c.duplicate)
	tr.truth.ended(c.user, "", c.start, st, res, c.duplicate)
	d := time.Duration(t-c.start) * time.Microsecond
	tr.observe(durationKey{st.Method, res}, d.Seconds())
}

// pfauth counts a Pfauth line of user, from client (the address it names, port included, or
// "").
func (tr *tracker) pfauth(user, client string, code int, succeeded bool, t int64) {
	dup := tr.request(user, t)
	st, _ := logparse.LookupCode(code)
	v := logparse.VerdictFailure
	if succeeded {
		v = logparse.VerdictSuccess
	}
	if st.Result(v) == logparse.ResultPending {
		tr.challenged[foldUser(user)] = true
	}
	tr.complete(st, st.Result(v), dup)
	tr.truth.request(user, client, t)
	tr.truth.ended(user, client, t, st, st.Result(v), dup)
}

// notPerformedLine counts a "Pfauth not performed" line of user from client.
func (tr *tracker) notPerformedLine(user, client string, t int64) {
	tr.notPerformed++
	tr.truth.notPerformed(user, client, t)
}

func (tr *tracker) complete(st logparse.Status, res logparse.Result, duplicate bool) {
	tr.results[resultKey{st.Method, st.Code, res}]++
	if st.Method.Interactive() {
		tr.prompts[st.Method]++
	}
	if st.Method == logparse.MethodCache {
		tr.cacheHits++
	}
	if duplicate {
		tr.duplicates[handlingOf(st)]++
	}
}

func (tr *tracker) observe(k durationKey, seconds float64) {
	b := tr.durations[k]
	if b == nil {
		b = new([len(durationBuckets) + 1]int)
		tr.durations[k] = b
	}
	i := 0
	for i < len(durationBuckets) && seconds > durationBuckets[i] {
		i++
	}
	b[i]++
}

func handlingOf(st logparse.Status) logparse.Handling {
	switch {
	case st.Method == logparse.MethodCache:
		return logparse.HandlingCached
	case st.Code == 101:
		return logparse.HandlingRejected
	case st.Method.Interactive():
		return logparse.HandlingPrompted
	}
	return logparse.HandlingOther
}

func verdictOf(authResult int) logparse.Verdict {
	if authResult == 1 {
		return logparse.VerdictSuccess
	}
	return logparse.VerdictFailure
}

// foldUser is the duplicate detector's key: the user as written, ASCII letters folded.
func foldUser(user string) string {
	for i := 0; i < len(user); i++ {
		if c := user[i]; 'A' <= c && c <= 'Z' {
			b := []byte(user)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return user
}

// expected turns the counts into samples.
func (tr *tracker) expected() Expected {
	e := Expected{}
	l := tr.log
	put := func(v int, name string, pairs ...string) {
		e[sampleKey(name, append([]string{"log", l}, pairs...)...)] = float64(v)
	}
	putNonZero := func(v int, name string, pairs ...string) {
		if v != 0 {
			put(v, name, pairs...)
		}
	}
	put(tr.lines, "azuremfa_exporter_log_lines_total")
	put(tr.malformed, "azuremfa_exporter_log_malformed_lines_total")
	for level, n := range tr.levels {
		putNonZero(n, "azuremfa_log_entries_total", "level", level)
	}
	put(tr.requests, "azuremfa_auth_requests_total")
	put(tr.abandoned, "azuremfa_auth_abandoned_total")
	put(tr.cacheHits, "azuremfa_cache_hits_total")
	put(len(tr.open), "azuremfa_auth_in_flight")
	for k, n := range tr.results {
		putNonZero(n, "azuremfa_auth_results_total", "method", k.method.String(),
			"code", logparse.CodeLabel(k.code), "result", k.result.String())
	}
	for m, n := range tr.prompts {
		putNonZero(n, "azuremfa_prompts_total", "method", m.String())
	}
	for h, n := range tr.duplicates {
		putNonZero(n, "azuremfa_duplicate_requests_total", "handling", logparse.Handling(h).String())
	}
	for k, b := range tr.durations {
		cum := 0
		for i, n := range b {
			cum += n
			le := "+Inf"
			if i < len(durationBuckets) {
				le = FormatValue(durationBuckets[i])
			}
			putNonZero(cum, "azuremfa_auth_duration_seconds_bucket", "method", k.method.String(),
				"result", k.result.String(), "le", le)
		}
		putNonZero(cum, "azuremfa_auth_duration_seconds_count", "method", k.method.String(),
			"result", k.result.String())
	}
	putNonZero(tr.notPerformed, "azuremfa_auth_not_performed_total")
	for r, n := range tr.primary {
		putNonZero(n, "azuremfa_primary_auth_total", "result", r.String())
	}
	for code, n := range tr.oath {
		putNonZero(n, "azuremfa_oath_validations_total", "code", strconv.Itoa(code))
	}
	for a, n := range tr.admin {
		putNonZero(n, "azuremfa_admin_changes_total", "action", a.String())
	}
	return e
}
