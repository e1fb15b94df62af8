package logparse

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// mix is a realistic stream of pre-built Entries: RADIUS requests on 64 threads of one process,
// interleaved by time, from 2000 users of whom some retry within the duplicate window; results
// are mostly mobile app approvals and cache hits, with texts, denials, 101 rejections, a few
// unknown codes and a few requests that never get their result; plus Pfauth lines and lines
// that are neither (as the service log has). About 7 lines per second of log time.
type mix struct {
	lines []Entry
	span  time.Duration // log time covered by lines, plus a gap: the shift at each replay
	pos   int
}

func newMix(n int) *mix {
	rng := rand.New(rand.NewPCG(1, 2))
	users := make([][]byte, 2000)
	for i := range users {
		users[i] = fmt.Appendf(nil, `CORP\user%04d`, i)
	}
	codes := []int{21, 21, 21, 21, 21, 6, 6, 6, 9, 19, 20, 101, 129, 133, 1, 999}
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	var lines []Entry
	busyUntil := make([]time.Time, 64)
	now := start
	for len(lines) < n {
		now = now.Add(time.Duration(rng.IntN(600)) * time.Millisecond)
		user := users[rng.IntN(len(users))]
		if rng.IntN(10) == 0 { // the same user again within the window: a duplicate
			user = users[rng.IntN(20)]
		}
		switch r := rng.IntN(20); {
		case r < 3:
			lines = append(lines, Entry{Time: now, PID: 18288, TID: 26784, Kind: KindOther})
			continue
		case r < 5:
			s, ok := LookupCode(codes[rng.IntN(len(codes))])
			lines = append(lines, Entry{Time: now, PID: 18288, TID: 26784, Kind: KindPfauth,
				User: user, Verdict: VerdictSuccess, Status: s, StatusKnown: ok})
			continue
		}
		tid := rng.IntN(len(busyUntil))
		if busyUntil[tid].After(now) {
			continue // the thread is busy: the server would use another one
		}
		e := Entry{Time: now, PID: 1412, TID: uint32(6000 + tid), Kind: KindCall, User: user, Number: 1}
		lines = append(lines, e)
		took := time.Duration(200+rng.IntN(20000)) * time.Millisecond
		busyUntil[tid] = now.Add(took)
		if rng.IntN(40) == 0 { // never answered: abandoned by the next call or the timeout
			continue
		}
		code := codes[rng.IntN(len(codes))]
		verdict, n := VerdictSuccess, int64(1)
		if code >= 100 {
			verdict, n = VerdictFailure, 0
		}
		s, ok := LookupCode(code)
		e.Time = now.Add(took)
		e.Kind, e.User, e.Number, e.Verdict = KindAuthResult, nil, n, verdict
		lines = append(lines, e)
		e.Kind, e.Number, e.Verdict, e.Status, e.StatusKnown = KindRawCallStatus, int64(code), VerdictNone, s, ok
		lines = append(lines, e)
	}
	// Stable: a result keeps its place after its authResult when both have the same time.
	slices.SortStableFunc(lines, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	return &mix{lines: lines, span: lines[len(lines)-1].Time.Sub(start) + time.Minute}
}

// feed adds n lines, replaying the mix later in log time each time it wraps. b, if not nil,
// does not time the shift.
func (m *mix) feed(c *Correlator, n int, b *testing.B) {
	for range n {
		if m.pos == len(m.lines) {
			if b != nil {
				b.StopTimer()
			}
			for i := range m.lines {
				m.lines[i].Time = m.lines[i].Time.Add(m.span)
			}
			m.pos = 0
			if b != nil {
				b.StartTimer()
			}
		}
		c.Add(&m.lines[m.pos])
		m.pos++
	}
}

func BenchmarkCorrelator(b *testing.B) {
	m := newMix(50000)
	var ended, duplicates int
	c := NewCorrelator(CorrelatorConfig{}, AuthFunc(func(a *Auth) {
		ended++
		if a.Duplicate {
			duplicates++
		}
	}))
	m.feed(c, len(m.lines), nil) // warm up: steady state, as a long-running exporter is
	b.ReportAllocs()
	b.ResetTimer()
	m.feed(c, b.N, b)
	b.StopTimer()
	// What the mix exercises, so that a change to it shows: open requests and the share of
	// ended authentications that are duplicates.
	b.ReportMetric(float64(c.Open()), "open")
	b.ReportMetric(float64(duplicates)/float64(max(ended, 1)), "dup/auth")
}
