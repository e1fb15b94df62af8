package report

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
	"unsafe"
)

func BenchmarkTableGet(b *testing.B) {
	t := newTable(DefaultMaxRows)
	names := make([][]byte, 5000)
	for i := range names {
		names[i] = fmt.Appendf(nil, `CONTOSO\user%05d`, i*7919%100000)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		t.add(t.get(names[(i*2654435761)%len(names)]), cRequests)
	}
}

func TestRowSize(t *testing.T) {
	if s := unsafe.Sizeof(row{}); s != 64 {
		t.Errorf("a row takes %d bytes, want 64 (one cache line)", s)
	}
}

// TestTableCounts: rows are found again by the folded name, keep the name as first written,
// count past 2^32 exactly, and the names beyond the cap go to the overflow.
func TestTableCounts(t *testing.T) {
	tb := newTable(3)
	for _, step := range []struct {
		name    string
		counter int
		from    uint32 // the counter's 32 bits before the event
		want    int64
	}{
		{`CONTOSO\Alice`, cRequests, 0, 1},
		{`contoso\alice`, cRequests, 1, 2},
		{`CONTOSO\Bob`, cFailures, 0, 1},
		{`CONTOSO\bob`, cFailures, math.MaxUint32, 1 << 32},
		{`CONTOSO\BOB`, cFailures, 0, 1<<32 + 1},
		{"", cAbandoned, 0, 1},
		{`CONTOSO\Carol`, cRequests, 0, 1},
		{`CONTOSO\Dave`, cRequests, math.MaxUint32, 1 << 32},
	} {
		r := tb.get([]byte(step.name))
		r.n[step.counter] = step.from
		tb.add(r, step.counter)
		if got := tb.count(r, step.counter); got != step.want {
			t.Errorf("%q: counter %d = %d, want %d", step.name, step.counter, got, step.want)
		}
	}
	var names []string
	tb.each(func(name string, _ *row) { names = append(names, name) })
	if want := []string{`CONTOSO\Alice`, `CONTOSO\Bob`, ""}; !slices.Equal(names, want) {
		t.Errorf("rows %q, want %q", names, want)
	}
	if tb.dropped != 2 || tb.count(&tb.overflow, cRequests) != 1<<32 {
		t.Errorf("overflow: %d events, %d requests; want 2 and 2^32", tb.dropped, tb.count(&tb.overflow, cRequests))
	}
}

// TestTableGrows: a table of many names finds each one's row again after its index grew.
func TestTableGrows(t *testing.T) {
	tb := newTable(DefaultMaxRows)
	const n = 20000
	for round := range 2 {
		for i := range n {
			r := tb.get(fmt.Appendf(nil, "user%d", i))
			tb.add(r, cRequests)
			r.seen(time.Unix(int64(i), int64(round)))
		}
	}
	if tb.n != n {
		t.Fatalf("%d rows, want %d", tb.n, n)
	}
	i := 0
	tb.each(func(name string, r *row) {
		if name != fmt.Sprint("user", i) || tb.count(r, cRequests) != 2 ||
			!r.first().Equal(time.Unix(int64(i), 0)) || !r.last().Equal(time.Unix(int64(i), 1)) {
			t.Errorf("row %d: %s, %d requests, seen %v to %v", i, name, tb.count(r, cRequests), r.first(), r.last())
		}
		i++
	})
}

// TestTableNote: events noted in batches count as counted one by one, in the order noted:
// rows in the order of their names' first event, the cap reached in that order.
func TestTableNote(t *testing.T) {
	const names = 700 // several batches, and past the cap of 500 rows
	noted, counted := newTable(500), newTable(500)
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i := range 3 * names {
		name := fmt.Appendf(nil, "User%d", i*3%names)
		ops := uint16(1<<(i%numCounters)) | uint16(i%2)*opSeen
		when := at.Add(time.Duration(i*7919%1000) * time.Millisecond)
		noted.note(name, ops, when)
		r := counted.get(name)
		for c := range numCounters {
			if ops&(1<<c) != 0 {
				counted.add(r, c)
			}
		}
		if ops&opSeen != 0 {
			r.seen(when)
		}
	}
	noted.flush()
	type rowOf struct {
		name        string
		counts      Counts
		first, last time.Time
	}
	rows := func(tb *table) []rowOf {
		var out []rowOf
		var times []time.Time
		tb.each(func(name string, r *row) {
			times = make([]time.Time, 0, 2)
			out = append(out, rowOf{name, tb.report(r, &times), r.first(), r.last()})
		})
		return out
	}
	got, want := rows(noted), rows(counted)
	if len(got) != 500 || !slices.EqualFunc(got, want, func(a, b rowOf) bool {
		return a.name == b.name && a.first.Equal(b.first) && a.last.Equal(b.last) &&
			a.counts.Requests == b.counts.Requests && a.counts.Failures == b.counts.Failures &&
			a.counts.Abandoned == b.counts.Abandoned && a.counts.NotPerformed == b.counts.NotPerformed &&
			a.counts.Duplicates == b.counts.Duplicates && a.counts.PromptedTwice == b.counts.PromptedTwice &&
			a.counts.Fraud == b.counts.Fraud
	}) {
		t.Errorf("noted rows differ from counted ones (%d and %d rows)", len(got), len(want))
	}
	if *beyond(noted) != *beyond(counted) {
		t.Errorf("beyond the cap: noted %+v, counted %+v", *beyond(noted), *beyond(counted))
	}
}

// TestTableHashes: names that fold to the same key hash alike (every length up to the cap,
// each capital anywhere), and 200,000 distinct names hash apart.
func TestTableHashes(t *testing.T) {
	tb := newTable(DefaultMaxRows)
	var name []byte
	for n := range maxUserBytes + 1 {
		lower := foldKey(nil, name)
		h, check := tb.hashes(lower)
		for i := range name {
			if 'a' <= lower[i] && lower[i] <= 'z' {
				upper := slices.Clone(lower)
				upper[i] -= 'a' - 'A'
				if h2, c2 := tb.hashes(upper); h2 != h || c2 != check {
					t.Fatalf("%q and %q hash apart", lower, upper)
				}
			}
		}
		if h2, c2 := tb.hashes(name); h2 != h || c2 != check {
			t.Fatalf("%q and %q hash apart", lower, name)
		}
		if check == 0 {
			t.Fatalf("%q: check 0", name)
		}
		name = append(name, "CONTOSO\\Alice-ÄÖ@[]{}`~"[n%24])
	}
	for c := range 256 {
		for k := range 8 {
			want := uint64(foldKey(nil, []byte{byte(c)})[0]) << (8 * k)
			if got := foldWord(uint64(c) << (8 * k)); got != want {
				t.Fatalf("byte %#x at %d folds to %#x, want %#x", c, k, got, want)
			}
		}
	}
	seen := map[uint64]string{}
	seenCheck := map[uint64]string{}
	for i := range 200000 {
		n := fmt.Sprintf("user%d", i)
		if i%3 == 0 {
			n = fmt.Sprintf(`CONTOSO\a%0*d`, i%17, i)
		}
		h, check := tb.hashes([]byte(n))
		if o, ok := seen[h]; ok {
			t.Fatalf("%q and %q: the same first hash", o, n)
		}
		if o, ok := seenCheck[check]; ok {
			t.Fatalf("%q and %q: the same second hash", o, n)
		}
		seen[h], seenCheck[check] = n, n
	}
}
