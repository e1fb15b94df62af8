package logparse

import (
	"hash/maphash"
	"time"
)

// maxUserBytes caps how much of a user name the correlator keeps, per open request and per
// remembered user, so that garbage lines with huge "users" cannot multiply memory by the caps.
// Real names (DOMAIN\user, UPN, even long LDAP DNs) are far shorter; two names that differ only
// after this many bytes count as the same user.
const maxUserBytes = 256

// setUser copies user (at most maxUserBytes) into buf, reused. A buffer that is too small is
// replaced by one of maxUserBytes, never grown step by step: records and slots are reused for
// other users, and a buffer that grew with each longer name would keep allocating long after
// the number of records stopped growing.
func setUser(buf, user []byte) []byte {
	if cap(buf) < len(user) {
		buf = make([]byte, 0, maxUserBytes)
	}
	return append(buf[:0], user...)
}

// userRecord is one user remembered for duplicate detection.
type userRecord struct {
	key  []byte // the user as written, ASCII case-folded, at most maxUserBytes; buffer reused
	hash uint64 // hash of key: the index key
	last int64  // log clock (logNanos) at the user's latest request: when to forget the user
	at   int64  // line time (logNanos) of the user's latest request: what a new one is judged by
	// challenged: the user's latest request ended pending (15, 20, 22: a text message or OATH
	// code was asked for), so the next request is the answer to that challenge, not a repeat.
	challenged bool
}

// duplicates decides whether a request is a duplicate: the same user (case-insensitively, as
// written) made a request less than window before (or, for lines written out of order, after)
// it in the same log, measured start to start by the times written on the request lines. The
// log clock decides only when a user is forgotten: once their latest request is a window behind
// it. So one line stamped minutes ahead, which holds the clock there until real time catches
// up, does not make every request of those minutes a duplicate of the one before. It remembers
// only users whose latest request is within the window, plus a cap.
//
// The index is keyed by a 64-bit hash of the folded name, not by the name, so that a user
// coming back after the window costs no allocation (a string key would). Two names with the same hash
// cannot share a record: the newer one takes it over and the older one is counted as forgotten.
// With a random maphash seed that happens about once in 10^10 logs of 100000 users.
type duplicates struct {
	window time.Duration
	max    int
	hash   func([]byte) uint64 // replaced by tests to force collisions

	byHash index // hash → index in recs
	recs   []userRecord
	order  order   // recs in order of last request on the log clock, oldest first (a clock set back starts a new table)
	free   []int32 // indices of recs not in use
	n      int     // records in use

	forgotten uint64 // users dropped before their window ended (cap or hash collision)
	fold      []byte // scratch for the folded name
}

func newDuplicates(window time.Duration, maxUsers int) duplicates {
	seed := maphash.MakeSeed()
	return duplicates{
		window: window,
		max:    maxUsers,
		hash:   func(b []byte) uint64 { return maphash.Bytes(seed, b) },
		byHash: newIndex(64),
		order:  newOrder(),
	}
}

// seen records a request by user, written at line time at, at log clock now (at <= now), and
// reports whether it is a duplicate. Call prune(now) first, whenever the clock has advanced. A
// request with no user name is nobody's: it is never a duplicate and is not remembered.
func (d *duplicates) seen(user []byte, at, now int64) bool {
	if len(user) == 0 {
		return false
	}
	if len(user) > maxUserBytes {
		user = user[:maxUserBytes]
	}
	d.fold = appendLower(d.fold[:0], user)
	h := d.hash(d.fold)
	if i, ok := d.byHash.get(h); ok {
		r := &d.recs[i]
		if string(r.key) == string(d.fold) {
			apart := at - r.at
			dup := apart < int64(d.window) && -apart < int64(d.window) && !r.challenged
			r.last, r.at, r.challenged = now, at, false
			d.order.moveToBack(i)
			return dup
		}
		// A different name with the same hash: the newcomer takes the record over.
		d.forgotten++
		r.key = setUser(r.key, d.fold)
		r.last, r.at, r.challenged = now, at, false
		d.order.moveToBack(i)
		return false
	}
	if d.n >= d.max {
		d.forgotten++
		d.remove(d.order.head)
	}
	i := d.alloc()
	r := &d.recs[i]
	r.key = setUser(r.key, d.fold)
	r.hash = h
	r.last, r.at, r.challenged = now, at, false
	d.byHash.put(h, i)
	d.order.pushBack(i)
	d.n++
	return false
}

// challenge marks that user's latest request as ended pending: the user was sent a text
// message or asked for an OATH code, and answers with a new request, which is therefore not
// a duplicate. A user no longer remembered needs no mark: the answer cannot be a duplicate.
func (d *duplicates) challenge(user []byte) {
	if len(user) == 0 {
		return
	}
	if len(user) > maxUserBytes {
		user = user[:maxUserBytes]
	}
	d.fold = appendLower(d.fold[:0], user)
	if i, ok := d.byHash.get(d.hash(d.fold)); ok && string(d.recs[i].key) == string(d.fold) {
		d.recs[i].challenged = true
	}
}

// prune forgets the users whose latest request is a whole window or more before now: a new
// request from them would not be a duplicate. Amortised O(1): each record is pruned once.
func (d *duplicates) prune(now int64) {
	for d.order.head != none && now-d.recs[d.order.head].last >= int64(d.window) {
		d.remove(d.order.head)
	}
	// After a burst of garbage users the slices and the index would keep their peak size;
	// rebuild them once they are mostly empty so memory follows the users within one window.
	if len(d.recs) > compactMin && d.n*4 < len(d.recs) {
		d.compact()
	}
}

// forgetAt is the log clock at which a user whose latest request was at log clock last is
// forgotten by prune.
func (d *duplicates) forgetAt(last int64) int64 { return addClamped(last, int64(d.window)) }

// compactMin is the size below which the tables are never rebuilt (not worth the allocation).
const compactMin = 4096

func (d *duplicates) alloc() int32 {
	if k := len(d.free); k > 0 {
		i := d.free[k-1]
		d.free = d.free[:k-1]
		return i
	}
	d.recs = append(d.recs, userRecord{})
	d.order.grow(len(d.recs))
	return int32(len(d.recs) - 1)
}

func (d *duplicates) remove(i int32) {
	d.byHash.del(d.recs[i].hash)
	d.order.remove(i)
	d.free = append(d.free, i)
	d.n--
}

// compact copies the live records, oldest first, into fresh tables.
func (d *duplicates) compact() {
	recs := make([]userRecord, 0, 2*d.n)
	byHash := newIndex(2 * d.n)
	for i := d.order.head; i != none; i = d.order.links[i].next {
		byHash.put(d.recs[i].hash, int32(len(recs)))
		recs = append(recs, d.recs[i])
	}
	d.recs, d.byHash, d.free = recs, byHash, nil
	d.order = newOrder()
	d.order.grow(len(recs))
	for i := range recs {
		d.order.pushBack(int32(i))
	}
}

// handlingOf says how a duplicate request was dealt with, from how it ended.
func handlingOf(a *Auth) Handling {
	switch {
	case a.Outcome == OutcomeAbandoned:
		return HandlingOther
	case a.Status.Method == MethodCache:
		return HandlingCached
	case a.Status.Code == 101: // Auth Already In Progress
		return HandlingRejected
	case a.Status.Method.Interactive():
		return HandlingPrompted
	}
	return HandlingOther
}
