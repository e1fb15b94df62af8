package report

import (
	"math"
	"time"
)

// steps are the intervals a timeline may use, each a multiple of the one before, so that
// counts kept at one step can be added up into any later one. Intervals start at multiples
// of the step since Monday 1970-01-05 00:00 UTC: hours and days at their round times, weeks
// on Mondays.
var steps = []time.Duration{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 7 * 24 * time.Hour, 28 * 24 * time.Hour, 364 * 24 * time.Hour,
}

// stepOrigin is where intervals start: a Monday, so that weeks start on Mondays.
var stepOrigin = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC).Unix()

// targetPoints is about how many intervals a timeline shows over its range.
const targetPoints = 60

// maxBuckets bounds the intervals a log's timeline keeps while it is read: past it, its
// counts move to the next step. 20000 minutes are two weeks.
const maxBuckets = 20000

// Timeline series.
const (
	tlRequests = iota
	tlFailures
	tlDuplicates
	tlFraud
	tlSeries
)

type bucketCounts [tlSeries]int64

// timeline counts events per interval of log time while a log is read. It starts at one
// minute and coarsens when it would hold more than maxBuckets intervals.
type timeline struct {
	step    int // index into steps
	buckets map[int64]*bucketCounts
	// lastKey and last spare the map lookup for a run of events in one interval.
	lastKey int64
	last    *bucketCounts
}

func newTimeline() *timeline {
	return &timeline{buckets: make(map[int64]*bucketCounts)}
}

// bucketIndex is the interval of t at step s: seconds since stepOrigin divided by the step.
func bucketIndex(t time.Time, s time.Duration) int64 {
	sec := t.Unix() - stepOrigin
	n := int64(s / time.Second)
	q := sec / n
	if sec%n < 0 {
		q--
	}
	return q
}

func (tl *timeline) add(t time.Time, series int) {
	k := bucketIndex(t, steps[tl.step])
	if tl.last != nil && k == tl.lastKey {
		tl.last[series]++
		return
	}
	b := tl.buckets[k]
	if b == nil {
		if len(tl.buckets) >= maxBuckets && tl.step < len(steps)-1 {
			tl.coarsen(tl.step + 1)
			tl.add(t, series)
			return
		}
		b = new(bucketCounts)
		tl.buckets[k] = b
	}
	tl.lastKey, tl.last = k, b
	b[series]++
}

// coarsen moves the counts to step index s (a later one).
func (tl *timeline) coarsen(s int) {
	if s <= tl.step {
		return
	}
	f := int64(steps[s] / steps[tl.step])
	nb := make(map[int64]*bucketCounts, len(tl.buckets)/int(f)+1)
	for k, b := range tl.buckets {
		q := k / f
		if k%f < 0 {
			q--
		}
		d := nb[q]
		if d == nil {
			d = new(bucketCounts)
			nb[q] = d
		}
		for i := range b {
			d[i] += b[i]
		}
	}
	tl.buckets, tl.step, tl.last = nb, s, nil
}

// chooseStep is the smallest step, no finer than step index finest, that divides [from, to]
// into at most targetPoints intervals.
func chooseStep(from, to time.Time, finest int) int {
	span := to.Sub(from)
	for s := finest; s < len(steps); s++ {
		if span <= 0 || float64(span)/float64(steps[s]) <= targetPoints {
			return s
		}
	}
	return len(steps) - 1
}

// timelinePoints merges the timelines of every log at one step and returns dense points from
// the interval of from to the interval of to (at most a few hundred: a range of centuries at
// the largest step is cut to its last maxPoints intervals).
func timelinePoints(tls []*timeline, from, to time.Time) (time.Duration, []TimelinePoint) {
	minStep := 0
	for _, tl := range tls {
		minStep = max(minStep, tl.step)
	}
	s := chooseStep(from, to, minStep)
	merged := map[int64]*bucketCounts{}
	for _, tl := range tls {
		tl.coarsen(s)
		for k, b := range tl.buckets {
			d := merged[k]
			if d == nil {
				d = new(bucketCounts)
				merged[k] = d
			}
			for i := range b {
				d[i] += b[i]
			}
		}
	}
	step := steps[s]
	lo, hi := bucketIndex(from, step), bucketIndex(to, step)
	const maxPoints = 400
	if hi-lo >= maxPoints {
		lo = hi - maxPoints + 1
	}
	var points []TimelinePoint
	if len(merged) == 0 || from.IsZero() {
		return step, points
	}
	for k := lo; k <= hi && k < math.MaxInt64; k++ {
		p := TimelinePoint{Start: time.Unix(stepOrigin+k*int64(step/time.Second), 0).UTC()}
		if b := merged[k]; b != nil {
			p.Requests, p.Failures, p.Duplicates, p.Fraud = b[tlRequests], b[tlFailures], b[tlDuplicates], b[tlFraud]
		}
		points = append(points, p)
	}
	return step, points
}
