package logparse

import (
	"math"
	"time"
)

// CorrelatorConfig bounds a Correlator. Zero (or negative) fields take their defaults.
type CorrelatorConfig struct {
	Timeout         time.Duration // default 5m: log time past start+Timeout abandons an open request
	DuplicateWindow time.Duration // default 30s: same user within this much log time earlier = duplicate
	MaxOpen         int           // default 10000 open requests; beyond it the oldest is evicted (abandoned) and counted
	MaxUsers        int           // default 100000 users remembered for duplicate detection; beyond it the oldest are forgotten and counted
}

// Defaults of CorrelatorConfig.
const (
	DefaultTimeout         = 5 * time.Minute
	DefaultDuplicateWindow = 30 * time.Second
	DefaultMaxOpen         = 10000
	DefaultMaxUsers        = 100000
)

func (c CorrelatorConfig) withDefaults() CorrelatorConfig {
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = DefaultDuplicateWindow
	}
	if c.MaxOpen <= 0 {
		c.MaxOpen = DefaultMaxOpen
	}
	if c.MaxUsers <= 0 {
		c.MaxUsers = DefaultMaxUsers
	}
	return c
}

// Correlator joins the lines of one log into authentications and tells its Sink what it
// decides. A "Calling pfAuthUser" line opens
// a request on its (pid, tid); "authResult" records the verdict; "rawCallStatus" completes it.
// "Pfauth" lines are complete authentications in themselves. Every request also goes through
// the duplicate detector.
//
// Assumed (not documented by Microsoft): one thread writes the three lines of a request and
// serves one request at a time, so a new call on a thread means the open one was given up.
// Syslog lines have no tid (and a pid only as tag[pid]), so a process's lines share one thread.
//
// A line first advances the clock, which may abandon requests past their timeout (a late
// rawCallStatus is then an orphan), and is correlated after that.
//
// Time is the log's: the clock is the latest line time seen. It goes back only when a line is
// far older than it (see resetClock): a clock changed on the server, or a line stamped in the
// future. Timeouts,
// the duplicate window and the order of eviction use that clock; the Start and End of an Auth
// are the times written on its lines.
//
// A Correlator is not safe for concurrent use: one per log, fed by one goroutine.
type Correlator struct {
	cfg  CorrelatorConfig
	sink Sink
	now  time.Time // log clock: the latest line time seen
	nowN int64     // now in logNanos, for cheap arithmetic
	// expireAt is a log clock (logNanos) before which no request times out and no user
	// leaves the duplicate window: never later than the first such deadline, so that a line
	// that moves the clock only needs to look for them once it reaches it.
	expireAt int64

	slots    []openSlot
	order    order   // slots in use, oldest first
	free     []int32 // indices of slots not in use
	byThread index   // ThreadKey → slot
	used     int     // slots in use: requests and lone verdicts
	open     int     // of which requests
	openSaid int     // open as last told to the sink

	evictions uint64
	timeJumps uint64
	jumpBack  int64 // a line older than the clock by more than this resets it: max(Timeout, DuplicateWindow)
	dups      duplicates
	auth      Auth // reused for every emit
}

// openSlot is a request waiting for its rawCallStatus, or (lone) an authResult that came with
// no open request and waits for the rawCallStatus of an orphan.
type openSlot struct {
	thread    uint64
	user      []byte    // copy of the user, at most maxUserBytes; buffer reused
	start     time.Time // line time of the call (of the authResult, if lone)
	since     int64     // log clock (logNanos) when the slot opened: timeouts and eviction
	verdict   Verdict
	lone      bool
	duplicate bool
}

// NewCorrelator: one per log, telling sink (which may be nil) what it decides.
func NewCorrelator(cfg CorrelatorConfig, sink Sink) *Correlator {
	cfg = cfg.withDefaults()
	if sink == nil {
		sink = AuthFunc(func(*Auth) {})
	}
	return &Correlator{
		cfg:      cfg,
		sink:     sink,
		nowN:     -1 << 62, // below every logNanos: the first line sets the clock
		expireAt: math.MaxInt64,
		order:    newOrder(),
		byThread: newIndex(64),
		dups:     newDuplicates(cfg.DuplicateWindow, cfg.MaxUsers),
		jumpBack: int64(max(cfg.Timeout, cfg.DuplicateWindow)),
	}
}

// Open is the number of requests waiting for their result (the in_flight gauge).
func (c *Correlator) Open() int { return c.open }

// Evictions is the number of open requests evicted by MaxOpen.
func (c *Correlator) Evictions() uint64 { return c.evictions }

// ForgottenUsers is the number of users dropped by MaxUsers before their window ended.
func (c *Correlator) ForgottenUsers() uint64 { return c.dups.forgotten }

// Add feeds one parsed entry. Every entry advances the log clock (an older time does not
// rewind it, unless it is far older: resetClock); only requests and results are correlated,
// other kinds are otherwise ignored.
func (c *Correlator) Add(e *Entry) {
	switch t := logNanos(e.Time); {
	case t > c.nowN:
		c.now, c.nowN = e.Time, t
		c.sink.Clock(c.now, false)
		if t >= c.expireAt {
			c.expire()
		}
	case c.nowN-t > c.jumpBack:
		c.resetClock(e.Time, t)
	}
	switch e.Kind {
	case KindCall:
		c.call(e)
	case KindAuthResult:
		c.authResult(e)
	case KindRawCallStatus:
		c.rawCallStatus(e)
	case KindPfauth:
		c.pfauth(e)
	}
	if c.open != c.openSaid {
		c.openSaid = c.open
		c.sink.InFlight(c.open)
	}
}

// resetClock handles a line far older than the log clock: more than the timeout and the
// duplicate window. Threads writing slightly out of order never do that; a clock that was set
// back, or one line stamped years ahead, does. Without a reset, one future line would freeze
// the clock: no timeout would ever expire again and every later request of a user would look
// like a duplicate. So the clock follows the line, the requests opened in the abandoned
// epoch are ended as abandoned, and the duplicate table starts afresh.
func (c *Correlator) resetClock(now time.Time, nowN int64) {
	c.now, c.nowN = now, nowN
	c.timeJumps++
	c.sink.Clock(now, true)
	for c.order.head != none {
		i := c.order.head
		c.abandon(i, now)
		c.release(i)
	}
	forgotten := c.dups.forgotten
	c.dups = newDuplicates(c.cfg.DuplicateWindow, c.cfg.MaxUsers)
	c.dups.forgotten = forgotten
	c.expireAt = math.MaxInt64 // nothing left to expire
}

// Now is the log clock: the latest line time seen, or zero before the first line.
func (c *Correlator) Now() time.Time { return c.now }

// TimeJumps is how often the log clock was set back by a line far older than it.
func (c *Correlator) TimeJumps() uint64 { return c.timeJumps }

// expire abandons the requests opened more than Timeout ago and forgets users outside the
// duplicate window. Slots are in clock order, so this looks at the oldest ones only: O(1) per
// line plus O(1) per slot that expires.
func (c *Correlator) expire() {
	for c.order.head != none {
		i := c.order.head
		if c.nowN-c.slots[i].since <= int64(c.cfg.Timeout) {
			break
		}
		c.abandon(i, c.now)
		c.release(i)
	}
	c.dups.prune(c.nowN)
	c.expireAt = math.MaxInt64
	if i := c.order.head; i != none {
		c.expireAt = c.timeoutAt(c.slots[i].since)
	}
	if i := c.dups.order.head; i != none {
		c.expireAt = min(c.expireAt, c.dups.forgetAt(c.dups.recs[i].last))
	}
}

// timeoutAt is the log clock at which a request opened at since times out: Timeout past it.
func (c *Correlator) timeoutAt(since int64) int64 {
	return addClamped(since, int64(c.cfg.Timeout)+1)
}

// addClamped is a + d for d >= 0, or math.MaxInt64 if that overflows.
func addClamped(a, d int64) int64 {
	if a > math.MaxInt64-d {
		return math.MaxInt64
	}
	return a + d
}

// seen asks the duplicate detector about the request e, telling the sink of a user it forgot
// to make room. The request is judged by its own line time; the clock only ages users out.
func (c *Correlator) seen(e *Entry) bool {
	forgotten := c.dups.forgotten
	dup := c.dups.seen(e.User, min(logNanos(e.Time), c.nowN), c.nowN)
	c.expireAt = min(c.expireAt, c.dups.forgetAt(c.nowN))
	for ; forgotten < c.dups.forgotten; forgotten++ {
		c.sink.UserForgotten()
	}
	return dup
}

func (c *Correlator) call(e *Entry) {
	dup := c.seen(e)
	if i, ok := c.byThread.get(e.ThreadKey()); ok {
		// A new call on the thread: the open request never got its result.
		c.abandon(i, e.Time)
		c.release(i)
	}
	i := c.acquire(e.ThreadKey(), e.Time)
	s := &c.slots[i]
	user := e.User
	if len(user) > maxUserBytes {
		user = user[:maxUserBytes]
	}
	s.user = setUser(s.user, user)
	s.duplicate = dup
	c.open++
}

func (c *Correlator) authResult(e *Entry) {
	i, ok := c.byThread.get(e.ThreadKey())
	if !ok {
		i = c.acquire(e.ThreadKey(), e.Time)
		c.slots[i].lone = true
	}
	c.slots[i].verdict = e.Verdict
}

func (c *Correlator) rawCallStatus(e *Entry) {
	i, ok := c.byThread.get(e.ThreadKey())
	if !ok || c.slots[i].lone {
		c.auth = Auth{
			Source:      SourceCall,
			Outcome:     OutcomeOrphan,
			Start:       e.Time,
			End:         e.Time,
			Status:      e.Status,
			StatusKnown: e.StatusKnown,
		}
		if ok {
			c.auth.Verdict = c.slots[i].verdict
			c.release(i)
		}
		c.auth.Result = e.Status.Result(c.auth.Verdict)
		c.sink.Ended(&c.auth)
		return
	}
	s := &c.slots[i]
	// As e.Time.Sub(s.start) for every time ParseLine accepts (see logNanos), without its
	// check for overflow, which costs more than the rest of a result.
	d := time.Duration(logNanos(e.Time) - logNanos(s.start))
	if d < 0 { // lines written out of order across the two times
		d = 0
	}
	c.auth = Auth{
		Source:      SourceCall,
		Outcome:     OutcomeCompleted,
		User:        s.user,
		Start:       s.start,
		End:         e.Time,
		Duration:    d,
		HasDuration: true,
		Status:      e.Status,
		StatusKnown: e.StatusKnown,
		Verdict:     s.verdict,
		Result:      e.Status.Result(s.verdict),
		Duplicate:   s.duplicate,
	}
	if s.duplicate {
		c.auth.Handling = handlingOf(&c.auth)
	}
	if c.auth.Result == ResultPending {
		c.dups.challenge(s.user)
	}
	c.sink.Ended(&c.auth)
	c.release(i)
}

func (c *Correlator) pfauth(e *Entry) {
	c.auth = Auth{
		Source:      SourcePfauth,
		Outcome:     OutcomeCompleted,
		User:        e.User,
		Start:       e.Time,
		End:         e.Time,
		Status:      e.Status,
		StatusKnown: e.StatusKnown,
		Verdict:     e.Verdict,
		Result:      e.Status.Result(e.Verdict),
		Client:      e.Addr,
		Duplicate:   c.seen(e),
	}
	if c.auth.Duplicate {
		c.auth.Handling = handlingOf(&c.auth)
	}
	if c.auth.Result == ResultPending {
		c.dups.challenge(e.User)
	}
	c.sink.Ended(&c.auth)
}

// abandon emits the request in slot i as abandoned at log time end. A lone verdict is dropped
// silently: it was never a request.
func (c *Correlator) abandon(i int32, end time.Time) {
	s := &c.slots[i]
	if s.lone {
		return
	}
	c.auth = Auth{
		Source:    SourceCall,
		Outcome:   OutcomeAbandoned,
		User:      s.user,
		Start:     s.start,
		End:       end,
		Duplicate: s.duplicate,
		Handling:  HandlingOther,
	}
	c.sink.Ended(&c.auth)
}

// acquire takes a free slot for thread, evicting the oldest slot when MaxOpen are in use.
func (c *Correlator) acquire(thread uint64, start time.Time) int32 {
	if c.used >= c.cfg.MaxOpen {
		i := c.order.head
		if !c.slots[i].lone {
			c.evictions++
			c.sink.Evicted()
		}
		c.abandon(i, start)
		c.release(i)
	}
	var i int32
	if k := len(c.free); k > 0 {
		i = c.free[k-1]
		c.free = c.free[:k-1]
	} else {
		c.slots = append(c.slots, openSlot{})
		c.order.grow(len(c.slots))
		i = int32(len(c.slots) - 1)
	}
	s := &c.slots[i]
	*s = openSlot{thread: thread, user: s.user[:0], start: start, since: c.nowN}
	c.byThread.put(thread, i)
	c.order.pushBack(i)
	c.expireAt = min(c.expireAt, c.timeoutAt(c.nowN))
	c.used++
	return i
}

func (c *Correlator) release(i int32) {
	s := &c.slots[i]
	if !s.lone {
		c.open--
	}
	c.byThread.del(s.thread)
	c.order.remove(i)
	c.free = append(c.free, i)
	c.used--
}

// logNanos is t in nanoseconds since 2085-01-01 UTC, clamped to ±(2^62 - 2^59), for cheap
// arithmetic on every line. ParseLine accepts times in MinYear..MaxYear only, about 115 years
// either side of 2085; the clamp holds about 127 years either side (1957 to 2212), so every
// accepted time is exact, and the difference of two clamped values, or of one against the
// initial clock (-2^62), stays within int64. Times beyond the clamp (an Entry built by hand)
// all count as its ends.
func logNanos(t time.Time) int64 {
	const (
		epoch = 3629145600 // 2085-01-01T00:00:00Z in Unix seconds: the middle of the accepted years
		limit = 1<<62 - 1<<59
		span  = limit / int64(time.Second)
	)
	u := t.Unix()
	switch {
	case u >= epoch+span:
		return limit
	case u <= epoch-span:
		return -limit
	}
	return (u-epoch)*int64(time.Second) + int64(t.Nanosecond())
}

// none marks the end of an order.
const none int32 = -1

// link is the place of one slot in an order.
type link struct{ prev, next int32 }

// order is a doubly linked list of slot indices kept beside the slots (links[i] belongs to
// slot i), so that both the oldest slot and any slot can be removed in O(1) without
// allocating.
type order struct {
	links      []link
	head, tail int32
}

func newOrder() order { return order{head: none, tail: none} }

// grow makes room for links of slots 0..n-1.
func (o *order) grow(n int) {
	for len(o.links) < n {
		o.links = append(o.links, link{none, none})
	}
}

func (o *order) pushBack(i int32) {
	o.links[i] = link{prev: o.tail, next: none}
	if o.tail == none {
		o.head = i
	} else {
		o.links[o.tail].next = i
	}
	o.tail = i
}

func (o *order) remove(i int32) {
	l := o.links[i]
	if l.prev == none {
		o.head = l.next
	} else {
		o.links[l.prev].next = l.next
	}
	if l.next == none {
		o.tail = l.prev
	} else {
		o.links[l.next].prev = l.prev
	}
	o.links[i] = link{none, none}
}

func (o *order) moveToBack(i int32) {
	if o.tail == i {
		return
	}
	o.remove(i)
	o.pushBack(i)
}
