package report

import "time"

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
	counts
}

// table is the rows of one log, keyed by the folded name, up to max rows. What names beyond
// it do is counted in overflow, so that the rows and the overflow add up to the totals.
type table struct {
	max      int
	index    map[string]int32
	rows     []row
	overflow counts
	dropped  int64 // lookups that found no room (events of names without a row)
	fold     []byte
}

func newTable(max int) *table {
	return &table{max: max, index: make(map[string]int32)}
}

// get returns the counts of name, adding its row if there is room, else the overflow.
func (t *table) get(name []byte) *counts {
	t.fold = foldKey(t.fold[:0], name)
	if i, ok := t.index[string(t.fold)]; ok {
		return &t.rows[i].counts
	}
	if len(t.rows) >= t.max {
		t.dropped++
		return &t.overflow
	}
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	t.index[string(t.fold)] = int32(len(t.rows))
	t.rows = append(t.rows, row{name: string(name)})
	return &t.rows[len(t.rows)-1].counts
}
