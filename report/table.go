package report

import (
	"encoding/binary"
	"math"
	"math/bits"
	"math/rand/v2"
	"time"
)

// The counters of a row, indexes into row.n.
const (
	cRequests = iota
	cDuplicates
	cPromptedTwice
	cFailures
	cFraud
	cAbandoned
	cNotPerformed
	numCounters
)

// zeroUnix is the Unix time of the zero time.Time: a row's first and last seen hold it until
// the row is seen.
var zeroUnix = time.Time{}.Unix()

// row is what one user (or client) of one log did, in 64 bytes: a table of tens of thousands
// of users does not fit the processor's caches, and a lookup then costs a cache miss on the row,
// so the row sits in the table's hash index itself and every counter and time a line updates
// is in that one cache line. The counters are 32 bits; the table carries what passes 2^32 (see
// add). Times are Unix seconds and nanoseconds. A row holds no pointer, so the garbage
// collector does not scan the tables.
type row struct {
	check               uint64 // the second hash of the folded name (see hashes); 0: an empty slot
	firstSec, lastSec   int64
	firstNsec, lastNsec uint32
	n                   [numCounters]uint32
	seq                 uint32 // the row's number, in the order rows were added
}

func (r *row) seen(t time.Time) { r.seenAt(t.Unix(), uint32(t.Nanosecond())) }

func (r *row) seenAt(sec int64, nsec uint32) {
	if r.firstSec == zeroUnix && r.firstNsec == 0 || sec < r.firstSec || sec == r.firstSec && nsec < r.firstNsec {
		r.firstSec, r.firstNsec = sec, nsec
	}
	if sec > r.lastSec || sec == r.lastSec && nsec > r.lastNsec {
		r.lastSec, r.lastNsec = sec, nsec
	}
}

// first and last are the times the row was first and last seen; the zero time when never.
func (r *row) first() time.Time { return time.Unix(r.firstSec, int64(r.firstNsec)).UTC() }
func (r *row) last() time.Time  { return time.Unix(r.lastSec, int64(r.lastNsec)).UTC() }

func (r *row) wasSeen() bool { return r.firstSec != zeroUnix || r.firstNsec != 0 }

// table is the rows of one log, keyed by the folded name, up to max rows. What names beyond
// it do is counted in overflow, so that the rows and the overflow add up to the totals.
//
// The rows are the slots of an open-addressing hash table (linear probing, at most half full),
// placed by a 64-bit hash of the folded name. A row holds a second 64-bit hash of the name
// under another key, so a lookup compares numbers, not the name's bytes (which live
// elsewhere in memory and would cost another cache miss). Two names are taken for one only if
// both hashes agree (the first in the bits that place them), about once in 2^70 pairs of names.
// The keys are random, so names written to collide cannot be made up in advance.
type table struct {
	max      int
	slots    []row    // a power of two of them
	names    []string // the rows' names as first written (at most maxUserBytes), by row number
	n        int      // rows in use
	overflow row
	dropped  int64 // lookups that found no room (events of names without a row)
	// carry counts, per row number and counter, how many times the counter passed 2^32.
	carry map[carryKey]int64
	keys  [4]uint64 // random: of the first hash, then of the second (see hashes)

	// batch holds the events not yet counted (see note), batchNames their names.
	batch      []event
	batchNames []byte
	touched    uint64
}

// event is what one line does to one row, kept until its batch is counted: a hash of the
// folded name, the counters to add one to, and a time the row is seen at.
type event struct {
	h, check  uint64
	sec       int64
	nsec      uint32
	ops       uint16 // bit c: add one to counter c; opSeen: the row is seen at sec, nsec
	nameLen   uint16
	nameStart uint32 // into batchNames
}

const (
	opSeen = 1 << numCounters
	// batchEvents is how many events are counted at once.
	batchEvents = 128
)

type carryKey struct {
	seq     uint32
	counter int
}

const (
	// minSlots is the size of a new table: 4 KiB.
	minSlots = 64
	// overflowSeq is the row number of the overflow.
	overflowSeq = math.MaxUint32
)

func newTable(maxRows int) *table {
	return &table{max: maxRows, slots: make([]row, minSlots), overflow: row{seq: overflowSeq},
		keys: [4]uint64{rand.Uint64(), rand.Uint64() | 1, rand.Uint64(), rand.Uint64() | 1}}
}

// note records what a line does to the row of name: add one to the counters whose bits ops
// has (1<<cRequests, ...), and, with opSeen, see the row at time at. The events are counted
// in batches, in the order they were noted: the rows of a batch are first read all at once,
// so that their cache misses overlap instead of each stalling the reading of the log in turn.
// flush counts what remains.
func (t *table) note(name []byte, ops uint16, at time.Time) {
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	h, check := t.hashes(name)
	e := event{
		h:         h,
		check:     check,
		ops:       ops,
		nameLen:   uint16(len(name)),
		nameStart: uint32(len(t.batchNames)),
	}
	if ops&opSeen != 0 {
		e.sec, e.nsec = at.Unix(), uint32(at.Nanosecond())
	}
	t.batch = append(t.batch, e)
	t.batchNames = append(t.batchNames, name...)
	if len(t.batch) == batchEvents {
		t.flush()
	}
}

// flush counts the events noted.
func (t *table) flush() {
	// Read the row each event starts its search at: the loads are independent, so the
	// processor has many in flight at once and the rows are in its caches for what follows.
	mask := uint64(len(t.slots) - 1)
	var touched uint64
	for i := range t.batch {
		touched += t.slots[t.batch[i].h&mask].check
	}
	t.touched = touched
	for i := range t.batch {
		e := &t.batch[i]
		r := t.lookup(e.h, e.check, t.batchNames[e.nameStart:e.nameStart+uint32(e.nameLen)])
		for c := range numCounters {
			if e.ops&(1<<c) != 0 {
				t.add(r, c)
			}
		}
		if e.ops&opSeen != 0 {
			r.seenAt(e.sec, e.nsec)
		}
	}
	t.batch, t.batchNames = t.batch[:0], t.batchNames[:0]
}

// get returns the row of name, adding it if there is room, else the overflow. The row stays
// valid until the next get or flush.
func (t *table) get(name []byte) *row {
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	h, check := t.hashes(name)
	return t.lookup(h, check, name)
}

// hashes are two 64-bit hashes of foldKey(nil, name), under the table's two random keys, in
// one pass over name, eight bytes at a time, folding as it goes: each word is mixed into the
// state by a 128-bit multiplication by a key, whose two halves are added up. check is never 0
// (an empty slot). name must be at most maxUserBytes long.
func (t *table) hashes(name []byte) (h, check uint64) {
	n := len(name)
	h, check = t.keys[0]^uint64(n), t.keys[2]^uint64(n)
	rest := name
	for len(rest) > 8 {
		w := foldWord(binary.LittleEndian.Uint64(rest))
		h, check = mix(h^w, t.keys[1]), mix(check^w, t.keys[3])
		rest = rest[8:]
	}
	// The last word: the last eight bytes (again some of those before), or fewer, zero-padded.
	var w uint64
	if n >= 8 {
		w = binary.LittleEndian.Uint64(name[n-8:])
	} else {
		for i := n - 1; i >= 0; i-- {
			w = w<<8 | uint64(name[i])
		}
	}
	w = foldWord(w)
	h, check = mix(h^w, t.keys[1]), mix(check^w, t.keys[3])
	return mix(h, t.keys[0]^t.keys[1]), mix(check, t.keys[2]^t.keys[3]) | 1
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// foldWord is foldKey on the eight bytes of w: ASCII capitals to lower case.
func foldWord(w uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	low := w &^ highs // each byte's low seven bits, so that the sums below stay in their byte
	atLeastA := low + (0x80-'A')*ones
	pastZ := low + (0x80-'Z'-1)*ones
	return w | (atLeastA&^pastZ&^w&highs)>>2 // 0x20 in each byte from A to Z
}

// lookup is get of a name whose folded form has hashes h and check.
func (t *table) lookup(h, check uint64, name []byte) *row {
	mask := uint64(len(t.slots) - 1)
	p := h & mask
	for ; t.slots[p].check != 0; p = (p + 1) & mask {
		if t.slots[p].check == check {
			return &t.slots[p]
		}
	}
	if t.n >= t.max {
		t.dropped++
		return &t.overflow
	}
	if len(name) > maxUserBytes {
		name = name[:maxUserBytes]
	}
	t.names = append(t.names, string(name))
	t.n++
	if 2*t.n > len(t.slots) {
		t.grow()
		for p = h & uint64(len(t.slots)-1); t.slots[p].check != 0; p = (p + 1) & uint64(len(t.slots)-1) {
		}
	}
	t.slots[p] = row{check: check, firstSec: zeroUnix, lastSec: zeroUnix, seq: uint32(t.n - 1)}
	return &t.slots[p]
}

// grow doubles the slots and places the rows again, by their names' hashes.
func (t *table) grow() {
	old := t.slots
	t.slots = make([]row, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for i := range old {
		r := &old[i]
		if r.check == 0 {
			continue
		}
		h, _ := t.hashes([]byte(t.names[r.seq]))
		p := h & mask
		for t.slots[p].check != 0 {
			p = (p + 1) & mask
		}
		t.slots[p] = *r
	}
}

// add counts one event in counter c of r (a row of t or its overflow).
func (t *table) add(r *row, c int) {
	r.n[c]++
	if r.n[c] == 0 {
		if t.carry == nil {
			t.carry = make(map[carryKey]int64)
		}
		t.carry[carryKey{r.seq, c}]++
	}
}

// count is the value of counter c of r.
func (t *table) count(r *row, c int) int64 {
	return int64(r.n[c]) + t.carry[carryKey{r.seq, c}]*(math.MaxUint32+1)
}

// each calls fn with every row and its name, in the order they were added.
func (t *table) each(fn func(name string, r *row)) {
	order := make([]int32, t.n)
	for i := range t.slots {
		if r := &t.slots[i]; r.check != 0 {
			order[r.seq] = int32(i)
		}
	}
	for seq, i := range order {
		fn(t.names[seq], &t.slots[i])
	}
}
