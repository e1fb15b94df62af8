package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// durations keeps every answer time of one series (a log and a method) exactly: one uint32 of
// microseconds each, the resolution of the log's timestamps, so percentiles are computed from
// the values themselves, not from buckets. Four bytes per answered request: a month of 1.5
// million answers takes 6 MB. Answer times are at most --auth.timeout (a request unanswered
// longer is abandoned); any above 2^32-1 µs (71 minutes) are kept as that.
//
// Beyond max values the series keeps a uniform random sample of max of them (reservoir
// sampling, seeded so that a report is reproducible) and its percentiles become estimates;
// the report says so. max is 2^24 by default (64 MB per series).
type durations struct {
	us    []uint32
	n     int64 // values seen
	max   int
	rng   *rand.Rand
	sum   float64 // seconds, of every value seen
	maxUS uint32  // largest value seen
}

// defaultMaxDurations is the number of answer times kept exactly per series.
const defaultMaxDurations = 1 << 24

// maxRadixValues bounds the scratch copy of a radix sort: 16 MB.
const maxRadixValues = 1 << 22

func (d *durations) add(v time.Duration) {
	us := uint32(math.MaxUint32)
	if v < 0 {
		us = 0
	} else if m := v / time.Microsecond; m < math.MaxUint32 {
		us = uint32(m)
	}
	d.n++
	d.sum += v.Seconds()
	d.maxUS = max(d.maxUS, us)
	if len(d.us) < d.max {
		d.us = append(d.us, us)
		return
	}
	if d.rng == nil {
		d.rng = rand.New(rand.NewPCG(1, 2))
	}
	if j := d.rng.Int64N(d.n); j < int64(d.max) {
		d.us[j] = us
	}
}

// exact reports whether every value seen is kept.
func (d *durations) exact() bool { return int64(len(d.us)) == d.n }

// sorted sorts the kept values in place and returns them: a radix sort, eleven bits at a
// time (three passes at most, a pass skipped when every value has the same digit), a few
// times faster than a comparison sort on the million values of a month. It takes a scratch
// copy of the values, so a series of more than maxRadixValues is sorted by comparison.
func (d *durations) sorted() []uint32 {
	v := d.us
	if len(v) < 256 || len(v) > maxRadixValues {
		slices.Sort(v)
		return v
	}
	const bits = 11
	var scratch []uint32
	for shift := 0; shift < 32; shift += bits {
		var count [1 << bits]int
		for _, x := range v {
			count[x>>shift&(1<<bits-1)]++
		}
		if count[v[0]>>shift&(1<<bits-1)] == len(v) {
			continue
		}
		pos := 0
		for i, c := range count {
			count[i] = pos
			pos += c
		}
		if scratch == nil {
			scratch = make([]uint32, len(v))
		}
		for _, x := range v {
			k := x >> shift & (1<<bits - 1)
			scratch[count[k]] = x
			count[k]++
		}
		v, scratch = scratch, v
	}
	copy(d.us, v)
	return d.us
}

// percentile is the nearest-rank percentile p (0 < p ≤ 100) of sorted values: the smallest
// value at or below which at least p% of the values lie.
func percentile(sorted []uint32, p float64) uint32 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// usSeconds converts microseconds to seconds.
func usSeconds(us uint32) float64 { return float64(us) / 1e6 }
