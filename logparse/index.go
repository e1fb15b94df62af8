package logparse

// index maps uint64 keys to non-negative int32 values (slot and record numbers): an
// open-addressing hash table with linear probing. It is what the correlator looks a thread or
// a user up in on every request and result, and it is cheaper there than a Go map: one
// multiplication hashes a key, an entry is one load from a small array, and a table that has
// grown allocates nothing more. Deleting shifts back the entries probed past the deleted one,
// so no tombstones accumulate however many keys come and go. The table is kept at most 3/8
// full: the runs of occupied slots that a probe walks and a delete shifts are then mostly one
// slot long, and their branches predicted; at half full, their mispredictions cost the
// replay of a RADIUS log about 5% of its time.
type index struct {
	slots []indexSlot // len is a power of two, at least 8/3 of n
	n     int
	shift uint // 64 - log2(len(slots))
}

type indexSlot struct {
	key uint64
	val int32 // -1: empty
}

const indexMinSize = 16

// newIndex returns an index with room for capacity keys before it grows.
func newIndex(capacity int) index {
	size := indexMinSize
	for overloaded(capacity, size) {
		size *= 2
	}
	return indexOfSize(size)
}

// overloaded reports whether n keys make a table of size slots more than 3/8 full.
func overloaded(n, size int) bool { return 8*n > 3*size }

func indexOfSize(size int) index {
	x := index{slots: make([]indexSlot, size), shift: 64}
	for s := size; s > 1; s >>= 1 {
		x.shift--
	}
	for i := range x.slots {
		x.slots[i].val = -1
	}
	return x
}

// home is where key's probe starts (Fibonacci hashing: the top bits of key times 2^64/φ).
func (x *index) home(key uint64) int { return int((key * 0x9E3779B97F4A7C15) >> x.shift) }

// get returns the value of key.
func (x *index) get(key uint64) (int32, bool) {
	mask := len(x.slots) - 1
	for i := x.home(key); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.val < 0 {
			return -1, false
		}
		if s.key == key {
			return s.val, true
		}
	}
}

// put sets the value of key; val must not be negative.
func (x *index) put(key uint64, val int32) {
	if overloaded(x.n+1, len(x.slots)) {
		x.grow()
	}
	mask := len(x.slots) - 1
	for i := x.home(key); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.val < 0 {
			s.key, s.val = key, val
			x.n++
			return
		}
		if s.key == key {
			s.val = val
			return
		}
	}
}

// del removes key, if present.
func (x *index) del(key uint64) {
	mask := len(x.slots) - 1
	i := x.home(key)
	for ; ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.val < 0 {
			return
		}
		if s.key == key {
			break
		}
	}
	// Shift back every entry of the run after i whose probe started at or before the hole
	// (cyclically), so that each entry stays reachable from its home without a tombstone.
	for j := i; ; {
		j = (j + 1) & mask
		if x.slots[j].val < 0 {
			break
		}
		h := x.home(x.slots[j].key)
		if i <= j && i < h && h <= j || i > j && (i < h || h <= j) {
			continue // its home is between the hole and it: it stays
		}
		x.slots[i] = x.slots[j]
		i = j
	}
	x.slots[i].val = -1
	x.n--
}

func (x *index) len() int { return x.n }

func (x *index) grow() {
	old := x.slots
	*x = indexOfSize(2 * len(old))
	for _, s := range old {
		if s.val >= 0 {
			x.put(s.key, s.val)
		}
	}
}
