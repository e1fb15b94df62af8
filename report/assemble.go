package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// assemble turns what the sinks counted into the report.
func assemble(runs []*logRun, opts *Options, cfg *sinkConfig) *Report {
	r := &Report{
		Anonymized: opts.Anonymizer != nil,
		Settings: Settings{
			DuplicateWindowSeconds: orDefault(opts.Pipeline.Correlator.DuplicateWindow, logparse.DefaultDuplicateWindow).Seconds(),
			AuthTimeoutSeconds:     orDefault(opts.Pipeline.Correlator.Timeout, logparse.DefaultTimeout).Seconds(),
			MaxRows:                opts.MaxRows,
			Top:                    opts.Top,
		},
		Coverage:     map[string]*Coverage{},
		Summary:      map[string]*Summary{},
		Users:        []UserRow{},
		Clients:      []ClientRow{},
		FraudReports: []FraudReport{},
	}
	if cfg.hasSince {
		r.Range.Since = timePtr(cfg.since)
	}
	if cfg.hasUntil {
		r.Range.Until = timePtr(cfg.until)
	}
	var first, last time.Time
	var tls []*timeline
	for _, run := range runs {
		s := run.sink
		s.users.flush()
		s.clients.flush()
		r.Logs = append(r.Logs, run.log.Name)
		r.Coverage[s.name] = s.coverage(run.out)
		r.Summary[s.name] = s.summary()
		r.Users = slices.Grow(r.Users, int(s.users.n))
		times := make([]time.Time, 0, 2*(s.users.n+s.clients.n)) // the rows' first and last seen
		s.users.each(func(name string, rw *row) {
			if opts.Anonymizer != nil {
				name = opts.Anonymizer.User(name)
			}
			r.Users = append(r.Users, UserRow{Log: s.name, User: name, Counts: s.users.report(rw, &times)})
		})
		r.Clients = slices.Grow(r.Clients, int(s.clients.n))
		s.clients.each(func(name string, rw *row) {
			if opts.Anonymizer != nil {
				name = opts.Anonymizer.Client(name)
			}
			r.Clients = append(r.Clients, ClientRow{Log: s.name, Client: name, Counts: s.clients.report(rw, &times)})
		})
		if b := beyond(s.users); b != nil {
			if r.UsersBeyondCap == nil {
				r.UsersBeyondCap = map[string]*Beyond{}
			}
			r.UsersBeyondCap[s.name] = b
		}
		if b := beyond(s.clients); b != nil {
			if r.ClientsBeyondCap == nil {
				r.ClientsBeyondCap = map[string]*Beyond{}
			}
			r.ClientsBeyondCap[s.name] = b
		}
		for _, f := range s.fraud {
			if opts.Anonymizer != nil {
				f.User = opts.Anonymizer.User(f.User)
				if f.Client != "" {
					f.Client = opts.Anonymizer.Client(f.Client)
				}
			}
			r.FraudReports = append(r.FraudReports, f)
		}
		r.FraudReportsLeftOut += s.fraudLeftOut
		if !s.first.IsZero() {
			if first.IsZero() || s.first.Before(first) {
				first = s.first
			}
			if s.last.After(last) {
				last = s.last
			}
		}
		tls = append(tls, s.timeline)
	}
	if !first.IsZero() {
		r.Range.FirstEntry, r.Range.LastEntry = timePtr(first), timePtr(last)
	}
	slices.SortFunc(r.Users, func(a, b UserRow) int {
		return cmp.Or(byRequests(&a.Counts, &b.Counts), cmp.Compare(a.Log, b.Log), cmp.Compare(a.User, b.User))
	})
	slices.SortFunc(r.Clients, func(a, b ClientRow) int {
		return cmp.Or(byRequests(&a.Counts, &b.Counts), cmp.Compare(a.Log, b.Log), cmp.Compare(a.Client, b.Client))
	})
	slices.SortStableFunc(r.FraudReports, func(a, b FraudReport) int { return a.Time.Compare(b.Time) })

	from, to := first, last
	if cfg.hasSince {
		from = cfg.since
	}
	if cfg.hasUntil {
		to = cfg.until.Add(-time.Nanosecond)
	}
	if first.IsZero() {
		from, to = time.Time{}, time.Time{}
	}
	step, points := timelinePoints(tls, from, to)
	r.Timeline = Timeline{StepSeconds: int64(step / time.Second), Points: points}
	if r.Timeline.Points == nil {
		r.Timeline.Points = []TimelinePoint{}
	}
	return r
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func timePtr(t time.Time) *time.Time {
	t = t.UTC()
	return &t
}

// byRequests orders rows by requests, then failures: the busiest first.
func byRequests(a, b *Counts) int {
	return cmp.Or(cmp.Compare(b.Requests, a.Requests), cmp.Compare(b.Failures, a.Failures))
}

// report is the counts of row rw of t as the report gives them; its times are appended to
// times, whose capacity must suffice (so that the pointers into it stay valid).
func (t *table) report(rw *row, times *[]time.Time) Counts {
	c := Counts{
		Requests:      t.count(rw, cRequests),
		Duplicates:    t.count(rw, cDuplicates),
		PromptedTwice: t.count(rw, cPromptedTwice),
		Failures:      t.count(rw, cFailures),
		Fraud:         t.count(rw, cFraud),
		Abandoned:     t.count(rw, cAbandoned),
		NotPerformed:  t.count(rw, cNotPerformed),
	}
	if rw.wasSeen() {
		*times = append(*times, rw.first(), rw.last())
		n := len(*times)
		c.FirstSeen, c.LastSeen = &(*times)[n-2], &(*times)[n-1]
	}
	return c
}

func (s *logSink) coverage(files []File) *Coverage {
	c := &Coverage{
		Files:            files,
		Lines:            s.entries + s.malformed,
		Malformed:        s.malformed,
		MalformedReasons: s.malformedReasons,
		Entries:          s.entries,
		Levels:           map[string]int64{},
		Kinds:            map[string]int64{},
		Unknown:          s.unknownN,
		Errors:           s.errorN,
		UnknownOther:     s.unknown.other,
		ErrorOther:       s.errs.other,
		MalformedOther:   s.bad.other,
		TimeJumps:        s.timeJumps,
		Evicted:          s.evicted,
		ForgottenUsers:   s.forgotten,
	}
	if c.Files == nil {
		c.Files = []File{}
	}
	for b, n := range s.levelByte {
		if n > 0 {
			c.Levels[string(rune(b))] = n
		}
	}
	if s.levelNone > 0 {
		c.Levels["none"] = s.levelNone
	}
	if s.levelOther > 0 {
		c.Levels["other"] = s.levelOther
	}
	for k, n := range s.kinds {
		if n == 0 {
			continue
		}
		kind := logparse.Kind(k)
		c.Kinds[kind.String()] = n
		if kind != logparse.KindOther && kind != logparse.KindError {
			c.Understood += n
		}
	}
	c.NotUnderstood = c.Entries - c.Understood
	c.UnknownTemplates = s.unknown.list(false)
	c.ErrorTemplates = s.errs.list(true)
	c.MalformedTemplates = s.bad.list(false)
	return c
}

// list returns the templates, most frequent first (then alphabetically).
func (ts *templateSet) list(times bool) []Template {
	out := make([]Template, 0, len(ts.entries))
	for _, e := range ts.entries {
		t := Template{Template: e.template, Count: e.count, Example: e.example}
		if times && !e.first.IsZero() {
			t.FirstSeen, t.LastSeen = timePtr(e.first), timePtr(e.last)
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(a, b Template) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Template, b.Template))
	})
	return out
}

func (s *logSink) summary() *Summary {
	sm := &Summary{
		Requests:     s.requests,
		Results:      map[string]int64{},
		CacheHits:    s.cacheHits,
		Abandoned:    s.abandoned,
		Orphans:      s.orphans,
		InFlight:     s.inFlight,
		NotPerformed: s.notPerformed,
		Prompts:      map[string]int64{},
		Duplicates:   map[string]int64{},
		Codes:        []Code{},
		AnswerTimes:  []AnswerTime{},
		PrimaryAuth:  map[string]int64{},
		OATH:         []Code{},
		AdminChanges: map[string]int64{},
	}
	for _, res := range logparse.Results {
		sm.Results[res.String()] = s.resultTotals[res]
	}
	for _, m := range logparse.Methods {
		if m.Interactive() {
			sm.Prompts[m.String()] = s.prompts[m]
		}
	}
	for _, h := range logparse.Handlings {
		sm.Duplicates[h.String()] += s.duplicates[h]
	}
	for i := range s.knownResults {
		for res, n := range s.knownResults[i] {
			if n > 0 {
				st, _ := logparse.LookupCode(i + minCode)
				sm.Codes = append(sm.Codes, codeOf(st, logparse.Result(res), n))
			}
		}
	}
	for k, n := range s.otherResults {
		st := logparse.Status{Code: k.code, Method: k.method}
		if known, ok := logparse.LookupCode(k.code); ok {
			st = known
		}
		sm.Codes = append(sm.Codes, codeOf(st, k.result, n))
	}
	slices.SortFunc(sm.Codes, func(a, b Code) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(codeNum(a), codeNum(b)), cmp.Compare(a.Result, b.Result))
	})
	for _, m := range logparse.Methods {
		sr := s.answers[m]
		if sr == nil || sr.d.n == 0 {
			continue
		}
		v := sr.d.sorted()
		at := AnswerTime{
			Method:     m.String(),
			Count:      sr.d.n,
			Exact:      sr.d.exact(),
			P50Seconds: usSeconds(percentile(v, 50)),
			P90Seconds: usSeconds(percentile(v, 90)),
			P99Seconds: usSeconds(percentile(v, 99)),
			MaxSeconds: usSeconds(sr.d.maxUS),
			SumSeconds: sr.d.sum,
		}
		at.fine = fineHistogram(v)
		for i, n := range sr.buckets {
			b := HistogramBucket{Count: n}
			if i < len(durationBounds) {
				le := durationBounds[i]
				b.LE = &le
			}
			at.Histogram = append(at.Histogram, b)
		}
		sm.AnswerTimes = append(sm.AnswerTimes, at)
	}
	sm.PrimaryAuth[logparse.ResultSuccess.String()] = s.primary[logparse.VerdictSuccess]
	sm.PrimaryAuth[logparse.ResultFailure.String()] = s.primary[logparse.VerdictFailure]
	for code, n := range s.oath {
		st, ok := logparse.LookupCode(code)
		if !ok {
			st = logparse.Status{Code: code, Method: logparse.MethodOATHToken}
		}
		c := codeOf(st, st.Default, n)
		c.Result = ""
		sm.OATH = append(sm.OATH, c)
	}
	slices.SortFunc(sm.OATH, func(a, b Code) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(codeNum(a), codeNum(b))) })
	for _, a := range []logparse.AuditAction{logparse.AuditChanged, logparse.AuditAdded, logparse.AuditDeleted} {
		sm.AdminChanges[a.String()] = s.admin[a]
	}
	return sm
}

func codeOf(st logparse.Status, res logparse.Result, n int64) Code {
	c := Code{Constant: st.Constant, Description: st.Description, Method: st.Method.String(), Result: res.String(), Count: n}
	if st.Code != logparse.CodeUnknown {
		code := st.Code
		c.Code = &code
	}
	return c
}

func codeNum(c Code) int {
	if c.Code == nil {
		return logparse.CodeUnknown
	}
	return *c.Code
}

func beyond(t *table) *Beyond {
	if t.dropped == 0 {
		return nil
	}
	o := &t.overflow
	return &Beyond{
		Events: t.dropped, Requests: t.count(o, cRequests), Duplicates: t.count(o, cDuplicates),
		PromptedTwice: t.count(o, cPromptedTwice), Failures: t.count(o, cFailures), Fraud: t.count(o, cFraud),
		Abandoned: t.count(o, cAbandoned), NotPerformed: t.count(o, cNotPerformed),
	}
}

// fineEdges are the bin edges of the answer-time chart: ten per decade from 10 ms to 1000 s.
var fineEdges = func() []float64 {
	e := make([]float64, 51)
	for i := range e {
		e[i] = 0.01 * math.Pow(10, float64(i)/10)
	}
	return e
}()

// fineHistogram counts sorted answer times (µs) per bin: [0, e0], (e0, e1], ..., and above
// the last edge.
func fineHistogram(sorted []uint32) []int64 {
	out := make([]int64, len(fineEdges)+1)
	lo := 0
	for i, e := range fineEdges {
		limit := uint32(math.Min(e*1e6, math.MaxUint32))
		hi, _ := slices.BinarySearch(sorted[lo:], limit+1)
		out[i] = int64(hi)
		lo += hi
	}
	out[len(fineEdges)] = int64(len(sorted) - lo)
	return out
}
