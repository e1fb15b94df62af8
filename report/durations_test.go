package report

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDurationsSorted: the radix sort orders the kept answer times as a comparison sort does,
// whichever digits the values share.
func TestDurationsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		n    int
		draw func() uint32
	}{
		{"few", 100, func() uint32 { return rng.Uint32() }},
		{"uniform 32 bits", 100000, func() uint32 { return rng.Uint32() }},
		{"answer times under 90 s", 100000, func() uint32 { return rng.Uint32N(90_000_000) }},
		{"under 2 ms", 5000, func() uint32 { return rng.Uint32N(2048) }},
		{"all equal", 5000, func() uint32 { return 1_500_000 }},
		{"0 and the cap", 5000, func() uint32 { return rng.Uint32N(2) * math.MaxUint32 }},
		{"one high digit", 5000, func() uint32 { return 7<<22 | rng.Uint32N(1<<11) }},
		{"beyond the radix sort's scratch", maxRadixValues + 1, func() uint32 { return rng.Uint32N(90_000_000) }},
	} {
		d := durations{max: defaultMaxDurations}
		for range tc.n {
			d.us = append(d.us, tc.draw())
		}
		want := slices.Sorted(slices.Values(d.us))
		if got := d.sorted(); !slices.Equal(got, want) || !slices.Equal(d.us, want) {
			t.Errorf("%s: not sorted as slices.Sort sorts", tc.name)
		}
	}
}

// BenchmarkDurationsSorted sorts a month's answer times of one series (330,000 values).
func BenchmarkDurationsSorted(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	values := make([]uint32, 330000)
	for i := range values {
		values[i] = uint32(rng.ExpFloat64() * 8e6)
	}
	d := durations{us: make([]uint32, len(values))}
	for b.Loop() {
		copy(d.us, values)
		d.sorted()
	}
}
