package loggen

// evType is what an event does when its time comes.
type evType uint8

const (
	evArrival evType = iota // a request arrives (f preset for repeats and follow-ups)
	evStep                  // the next line of a flow
	evNoise                 // a line of no authentication
	evFree                  // a thread stuck on an unanswered call is free again (no line)
	evRestart               // the service restarts under a new pid
)

// event is something due at log time t (µs). seq breaks ties in the order of scheduling,
// so the output does not depend on the heap's internals.
type event struct {
	t   int64
	seq uint64
	typ evType
	f   *flow
}

func (a event) before(b event) bool { return a.t < b.t || (a.t == b.t && a.seq < b.seq) }

// eventQueue is a min-heap of events.
type eventQueue []event

func (q *eventQueue) push(e event) {
	*q = append(*q, e)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !h[i].before(h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *eventQueue) pop() event {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = event{}
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].before(h[m]) {
			m = l
		}
		if r < len(h) && h[r].before(h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
