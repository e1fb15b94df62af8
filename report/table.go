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

// row is one user (or client) of one log: the name as first written, and its counts.
type row struct {
	name  string
	check uint64 // a second hash of the folded name, under another seed
	counts
}

// table is the rows of one log, keyed by the folded name, up to max rows. What names beyond
// it do is counted in overflow, so that the rows and the overflow add up to the totals.
//
// The index is keyed by a 64-bit hash of the folded name, and a row holds a second 64-bit hash
// of it under another seed: a lookup compares numbers, not the name's bytes (which live
// elsewhere in memory and cost a cache miss on a table of many users). Two names are taken for
// one only if both hashes agree, about once in 2^128 pairs of names.
type table struct {
	max      int
	index    map[uint64]int32
	collided map[[2]uint64]int32 // names whose first hash another name has
	chunks   [][]row             // the rows, in chunks of chunkRows: a full table is never copied to grow
	n        int32               // rows in use
	overflow counts
	dropped  int64 // lookups that found no room (events of names without a row)
	fold     []byte
	seeds    [2]maphash.Seed
}

func newTable(maxRows int) *table {
	return &table{max: maxRows, index: make(map[uint64]int32), seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
}

// get returns the counts of name, adding its row if there is room, else the overflow.
func (t *table) get(name []byte) *counts {
	t.fold = foldKey(t.fold[:0], name)
	h := maphash.Bytes(t.seeds[0], t.fold)
	check := maphash.Bytes(t.seeds[1], t.fold)
	i, ok := t.index[h]
	if ok {
		if r := t.row(i); r.check == check {
			return &r.counts
		}
		// Another name with the same first hash.
		if j, ok := t.collided[[2]uint64{h, check}]; ok {
			return &t.row(j).counts
		}
	}
	if int(t.n) >= t.max {
		t.dropped++
		return &t.overflow
	}
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	j := t.n
	if ok {
		if t.collided == nil {
			t.collided = make(map[[2]uint64]int32)
		}
		t.collided[[2]uint64{h, check}] = j
	} else {
		t.index[h] = j
	}
	if int(j)%chunkRows == 0 {
		t.chunks = append(t.chunks, make([]row, 0, chunkRows))
	}
	c := &t.chunks[len(t.chunks)-1]
	*c = append(*c, row{name: string(name), check: check})
	t.n++
	return &(*c)[len(*c)-1].counts
}

// chunkRows is the number of rows allocated at once.
const chunkRows = 4096

func (t *table) row(i int32) *row { return &t.chunks[i/chunkRows][i%chunkRows] }

// each calls fn with every row, in the order they were added.
func (t *table) each(fn func(*row)) {
	for _, c := range t.chunks {
		for i := range c {
			fn(&c[i])
		}
	}
}
