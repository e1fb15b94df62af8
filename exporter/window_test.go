package exporter

import (
	"math"
	"testing"
	"time"
)

func TestRatioWindow(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	w := newRatioWindow(5 * time.Minute)
	if r := w.ratio(); !math.IsNaN(r) {
		t.Fatalf("empty window ratio = %v, want NaN", r)
	}
	w.add(at(0), 1, 1)
	w.add(at(10), 0, 1)
	w.add(at(20), 0, 1)
	w.add(at(30), 1, 1)
	if got := w.ratio(); got != 0.5 {
		t.Fatalf("ratio = %v, want 0.5", got)
	}
	// 5m after the first add, it falls out of the window; the others stay.
	w.advance(at(300))
	if got := w.ratio(); got != 1.0/3 {
		t.Fatalf("after 5m ratio = %v, want 1/3", got)
	}
	// An older time than the window is ignored and does not rewind it.
	w.add(at(-100), 5, 5)
	if got := w.ratio(); got != 1.0/3 {
		t.Fatalf("old sample changed ratio to %v", got)
	}
	// A gap longer than the window empties it.
	w.advance(at(10000))
	if r := w.ratio(); !math.IsNaN(r) {
		t.Fatalf("after a long gap ratio = %v, want NaN", r)
	}
	w.add(at(10001), 0, 2)
	if got := w.ratio(); got != 0 {
		t.Fatalf("ratio = %v, want 0", got)
	}
}

// TestRatioWindowMatchesBruteForce compares the running sums with a recount over a log of
// irregularly spaced samples.
func TestRatioWindowMatchesBruteForce(t *testing.T) {
	const window = 60 * time.Second
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type sample struct {
		at       time.Time
		num, den float64
	}
	var samples []sample
	w := newRatioWindow(window)
	width := time.Duration(w.width)
	now := t0
	for i := range 2000 {
		now = now.Add(time.Duration((i*7919)%4000) * time.Millisecond)
		s := sample{now, float64(i % 3 / 2), 1}
		samples = append(samples, s)
		w.add(s.at, s.num, s.den)
		// Brute force over the same buckets: everything in (bucket(now)-n, bucket(now)].
		head := now.UnixNano() / int64(width)
		var num, den float64
		for _, p := range samples {
			if b := p.at.UnixNano() / int64(width); b > head-int64(len(w.num)) {
				num += p.num
				den += p.den
			}
		}
		if math.Abs(w.ratio()-num/den) > 1e-9 {
			t.Fatalf("sample %d: ratio %v, brute force %v", i, w.ratio(), num/den)
		}
	}
}
