package report

import (
	"hash/maphash"
	"time"
)

// counts are what the users and clients tables count per row.
type counts struct {
	requests, duplicates, promptedTwice, failures, fraud, abandoned, notPerformed int64
	first, last                                                                   time.Time
}

func (c *counts) seen(t time.Time) {
	if c.first.IsZero() || t.Before(c.first) {
		c.first = t
	}
	if t.After(c.last) {
		c.last = t
	}
}

func (c *counts) addAll(o *counts) {
	c.requests += o.requests
	c.duplicates += o.duplicates
	c.promptedTwice += o.promptedTwice
	c.failures += o.failures
	c.fraud += o.fraud
	c.abandoned += o.abandoned
	c.notPerformed += o.notPerformed
	if !o.first.IsZero() {
		c.seen(o.first)
		c.seen(o.last)
	}
}

// row is one user (or client) of one log: the name as first written, and its counts.
type row struct {
	name string
	key  string // folded
	counts
}

// table is the rows of one log, keyed by the folded name, up to max rows. What names beyond
// it do is counted in overflow, so that the rows and the overflow add up to the totals.
//
// The index is keyed by a 64-bit hash of the folded name (a uint64 key costs less to look up
// than a string key, whose bytes live elsewhere); the row's own key settles a collision: the
// second name then goes to a small map of its own.
type table struct {
	max      int
	index    map[uint64]int32
	collided map[string]int32
	rows     []row
	overflow counts
	dropped  int64 // lookups that found no room (events of names without a row)
	fold     []byte
	seed     maphash.Seed
}

func newTable(max int) *table {
	return &table{max: max, index: make(map[uint64]int32), seed: maphash.MakeSeed()}
}

// get returns the counts of name, adding its row if there is room, else the overflow.
func (t *table) get(name []byte) *counts {
	t.fold = foldKey(t.fold[:0], name)
	h := maphash.Bytes(t.seed, t.fold)
	i, ok := t.index[h]
	if ok && t.rows[i].key == string(t.fold) {
		return &t.rows[i].counts
	}
	if ok { // another name with the same hash
		if j, ok := t.collided[string(t.fold)]; ok {
			return &t.rows[j].counts
		}
	}
	if len(t.rows) >= t.max {
		t.dropped++
		return &t.overflow
	}
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	j := int32(len(t.rows))
	if ok {
		if t.collided == nil {
			t.collided = make(map[string]int32)
		}
		t.collided[string(t.fold)] = j
	} else {
		t.index[h] = j
	}
	t.rows = append(t.rows, row{name: string(name), key: string(t.fold)})
	return &t.rows[j].counts
}
