package logparse

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"
)

// TestLogNanosCoversTheLogRange: within MinYear..MaxYear, the log clock keeps exact
// differences, and no difference the correlator takes (two clock values, or one against its
// initial clock of -2^62) overflows, for any time, accepted or not.
func TestLogNanosCoversTheLogRange(t *testing.T) {
	first := time.Date(MinYear, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(MaxYear, 12, 31, 23, 59, 59, 999999999, time.UTC)
	inRange := []time.Time{first, first.Add(1), time.Date(2017, 2, 14, 2, 57, 19, 234778000, time.UTC),
		time.Date(2043, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2085, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2150, 6, 1, 12, 0, 0, 1, time.UTC),
		time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(-63, 0, 0), last.Add(-1), last}
	for i, a := range inRange {
		for _, b := range inRange[i:] {
			if got, want := logNanos(b)-logNanos(a), int64(b.Sub(a)); got != want {
				t.Errorf("logNanos(%v) - logNanos(%v) = %d, want %d", b, a, got, want)
			}
		}
	}
	extremes := append([]time.Time{time.Unix(math.MinInt64/2, 0), time.Unix(math.MaxInt64/2, 0),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1677, 9, 21, 0, 0, 0, 0, time.UTC), time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC)}, inRange...)
	const initialClock = -1 << 62
	fits := func(a, b int64) bool {
		d := new(big.Int).Sub(big.NewInt(a), big.NewInt(b))
		return d.IsInt64()
	}
	for _, a := range extremes {
		if n := logNanos(a); n <= initialClock || !fits(n, initialClock) || !fits(initialClock, n) {
			t.Errorf("logNanos(%v) = %d: not above the initial clock, or its difference overflows", a, n)
		}
		for _, b := range extremes {
			if !fits(logNanos(a), logNanos(b)) {
				t.Errorf("logNanos(%v) - logNanos(%v) overflows", a, b)
			}
			if a.Before(b) && logNanos(a) > logNanos(b) {
				t.Errorf("logNanos(%v) > logNanos(%v)", a, b)
			}
		}
	}
}

// TestCorrelatorLateYears: timeouts and the duplicate window work the same in any accepted
// year, not only in the years around 1970.
func TestCorrelatorLateYears(t *testing.T) {
	for _, year := range []int{MinYear, 2017, 2044, 2150, MaxYear} {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			lines := []Entry{
				call("10:00:00", 7, 7, "alice"),
				rawStatus("10:00:05", 7, 7, 21),
				call("10:00:10", 7, 8, "alice"), // 10 s after her first: a duplicate
				rawStatus("10:00:12", 7, 8, 21),
				call("11:00:00", 7, 9, "alice"), // an hour later: not a duplicate
				call("11:00:10", 7, 10, "carol"),
				other("11:06:00"), // both open requests time out by log time
			}
			for i := range lines {
				lines[i].Time = lines[i].Time.AddDate(year-2017, 0, 0)
			}
			c, got := run(CorrelatorConfig{}, lines)
			var outcomes []string
			for _, e := range got {
				outcomes = append(outcomes, fmt.Sprintf("%d:%s:%d:dup=%v", e.Line, e.User, e.Outcome, e.Duplicate))
			}
			want := []string{
				fmt.Sprintf("1:alice:%d:dup=false", OutcomeCompleted),
				fmt.Sprintf("3:alice:%d:dup=true", OutcomeCompleted),
				fmt.Sprintf("6:alice:%d:dup=false", OutcomeAbandoned),
				fmt.Sprintf("6:carol:%d:dup=false", OutcomeAbandoned),
			}
			if strings.Join(outcomes, "\n") != strings.Join(want, "\n") {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(outcomes, "\n"), strings.Join(want, "\n"))
			}
			if c.Open() != 0 || c.TimeJumps() != 0 {
				t.Errorf("Open() = %d, TimeJumps() = %d, want 0 and 0", c.Open(), c.TimeJumps())
			}
		})
	}
}
