package exporter

import (
	"math"
	"time"
)

// windowBuckets is how finely a stats window is divided: a ratio moves in steps of
// window/windowBuckets of log time.
const windowBuckets = 300

// ratioWindow keeps a numerator and a denominator over the last window of log time, in
// buckets, with running sums so that adding and reading are O(1) amortised.
type ratioWindow struct {
	width    int64 // bucket width, ns of log time
	num, den []float64
	sumNum   float64
	sumDen   float64
	head     int64 // index (log time / width) of the newest bucket
	headAt   int64 // head * width: the log time its bucket starts at
	headSlot int   // where the newest bucket is in num and den
	started  bool
}

func newRatioWindow(window time.Duration) *ratioWindow {
	width := int64(window) / windowBuckets
	if width < int64(time.Millisecond) {
		width = int64(time.Millisecond)
	}
	n := int((int64(window) + width - 1) / width)
	if n < 1 {
		n = 1
	}
	return &ratioWindow{width: width, num: make([]float64, n), den: make([]float64, n)}
}

// advance moves the window's end to log time t, dropping what fell out of it, and returns
// the bucket of t, or -1 when t is older than the window. An older time never moves the end
// back; a log clock set back empties the window instead (reset).
func (w *ratioWindow) advance(t time.Time) int {
	ns := t.UnixNano()
	if w.started && ns >= w.headAt && ns-w.headAt < w.width {
		return w.headSlot // the newest bucket: most times are in it
	}
	idx := ns / w.width
	n := int64(len(w.num))
	switch {
	case !w.started:
		w.started, w.head = true, idx
	case idx-w.head >= n: // a gap longer than the window: everything falls out
		clear(w.num)
		clear(w.den)
		w.sumNum, w.sumDen, w.head = 0, 0, idx
	}
	for w.head < idx {
		w.head++
		i := ((w.head % n) + n) % n
		w.sumNum -= w.num[i]
		w.sumDen -= w.den[i]
		w.num[i], w.den[i] = 0, 0
	}
	w.headAt, w.headSlot = w.head*w.width, int(((w.head%n)+n)%n)
	if idx <= w.head-n {
		return -1
	}
	return int(((idx % n) + n) % n)
}

// reset empties the window, for a log clock that was set back.
func (w *ratioWindow) reset() {
	clear(w.num)
	clear(w.den)
	w.sumNum, w.sumDen, w.head, w.started = 0, 0, 0, false
}

// add counts num and den at log time t.
func (w *ratioWindow) add(t time.Time, num, den float64) {
	i := w.advance(t)
	if i < 0 {
		return
	}
	w.num[i] += num
	w.den[i] += den
	w.sumNum += num
	w.sumDen += den
}

// ratio is sumNum/sumDen over the window, NaN when the denominator is empty.
func (w *ratioWindow) ratio() float64 {
	if w.sumDen <= 0 {
		return math.NaN()
	}
	return w.sumNum / w.sumDen
}
