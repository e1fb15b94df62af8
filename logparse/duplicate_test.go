package logparse

import (
	"fmt"
	"testing"
	"time"
)

func TestDuplicatesSeen(t *testing.T) {
	t0 := at("10:00:00")
	type req struct {
		user  string
		after time.Duration // since t0
		want  bool
	}
	tests := []struct {
		name   string
		window time.Duration
		reqs   []req
	}{
		{"first request is never a duplicate", 30 * time.Second, []req{{"alice", 0, false}}},
		{"same instant", 30 * time.Second, []req{{"alice", 0, false}, {"alice", 0, true}}},
		{"just under the window", 30 * time.Second, []req{{"alice", 0, false}, {"alice", 30*time.Second - 1, true}}},
		{"exactly the window", 30 * time.Second, []req{{"alice", 0, false}, {"alice", 30 * time.Second, false}}},
		{"ASCII case folded", 30 * time.Second, []req{{`DOMAIN\Alice`, 0, false}, {`domain\aLICE`, time.Second, true}}},
		{"non-ASCII compared as written", 30 * time.Second, []req{{"ÉLISE", 0, false}, {"élise", time.Second, false}}},
		{"empty user names are nobody's", 30 * time.Second, []req{{"", 0, false}, {"", time.Second, false}}},
		{"other users do not count", 30 * time.Second, []req{{"alice", 0, false}, {"bob", time.Second, false}, {"alicea", 2 * time.Second, false}}},
		{"every request moves last-seen", 10 * time.Second, []req{
			{"alice", 0, false}, {"alice", 9 * time.Second, true}, {"alice", 18 * time.Second, true},
			{"alice", 28 * time.Second, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDuplicates(tt.window, 100)
			for i, r := range tt.reqs {
				now := logNanos(t0.Add(r.after))
				d.prune(now)
				if got := d.seen([]byte(r.user), now, now); got != r.want {
					t.Errorf("request %d (%q at +%v): duplicate = %v, want %v", i, r.user, r.after, got, r.want)
				}
			}
		})
	}
}

// Two names with the same hash: the newer takes the record over, the older is counted as
// forgotten, and neither is mistaken for the other.
func TestDuplicatesHashCollision(t *testing.T) {
	d := newDuplicates(30*time.Second, 100)
	d.hash = func([]byte) uint64 { return 42 }
	now := logNanos(at("10:00:00"))
	for i, r := range []struct {
		user string
		want bool
	}{{"alice", false}, {"bob", false}, {"bob", true}, {"alice", false}} {
		if got := d.seen([]byte(r.user), now, now); got != r.want {
			t.Errorf("request %d (%q): duplicate = %v, want %v", i, r.user, got, r.want)
		}
	}
	if d.forgotten != 2 || d.n != 1 {
		t.Errorf("forgotten = %d, remembered = %d; want 2, 1", d.forgotten, d.n)
	}
}

// After a burst of users, once their window has passed, the tables shrink back instead of
// keeping their peak size; the users still within the window survive the rebuild.
func TestDuplicatesCompact(t *testing.T) {
	d := newDuplicates(30*time.Second, 1_000_000)
	t0 := logNanos(at("10:00:00"))
	for i := range 50_000 {
		d.seen(fmt.Appendf(nil, "burst%d", i), t0, t0)
	}
	later := t0 + int64(20*time.Second)
	d.prune(later)
	d.seen([]byte("alice"), later, later)
	d.seen([]byte("bob"), later, later)
	d.prune(t0 + int64(30*time.Second)) // the burst leaves the window
	if len(d.recs) > compactMin || d.byHash.len() != 2 || len(d.byHash.slots) > indexMinSize || d.n != 2 {
		t.Fatalf("after the burst: records = %d, index = %d entries in %d slots, users = %d", len(d.recs), d.byHash.len(), len(d.byHash.slots), d.n)
	}
	now := t0 + int64(31*time.Second)
	d.prune(now)
	if !d.seen([]byte("ALICE"), now, now) || !d.seen([]byte("bob"), now, now) || d.seen([]byte("burst7"), now, now) {
		t.Error("the rebuild lost or kept the wrong users")
	}
	if d.order.head == none || string(d.recs[d.order.head].key) != "alice" {
		t.Error("the rebuild broke the order: alice is no longer the oldest")
	}
	if d.forgotten != 0 {
		t.Errorf("forgotten = %d, want 0", d.forgotten)
	}
}

func TestHandlingOf(t *testing.T) {
	status := func(code int) Status { s, _ := LookupCode(code); return s }
	tests := []struct {
		name string
		auth Auth
		want Handling
	}{
		{"cache 6", Auth{Outcome: OutcomeCompleted, Status: status(6)}, HandlingCached},
		{"IP cache 8", Auth{Outcome: OutcomeCompleted, Status: status(8)}, HandlingCached},
		{"app cache 9", Auth{Outcome: OutcomeCompleted, Status: status(9)}, HandlingCached},
		{"101 rejected", Auth{Outcome: OutcomeCompleted, Status: status(101)}, HandlingRejected},
		{"phone call", Auth{Outcome: OutcomeCompleted, Status: status(1)}, HandlingPrompted},
		{"text message", Auth{Outcome: OutcomeCompleted, Status: status(20)}, HandlingPrompted},
		{"mobile app denied", Auth{Outcome: OutcomeCompleted, Status: status(129)}, HandlingPrompted},
		{"oath token", Auth{Outcome: OutcomeCompleted, Status: status(23)}, HandlingPrompted},
		{"voiceprint", Auth{Outcome: OutcomeCompleted, Status: status(16)}, HandlingPrompted},
		{"security questions", Auth{Outcome: OutcomeCompleted, Status: status(25)}, HandlingPrompted},
		{"bypass", Auth{Outcome: OutcomeCompleted, Status: status(7)}, HandlingOther},
		{"user blocked", Auth{Outcome: OutcomeCompleted, Status: status(14)}, HandlingOther},
		{"no second factor (-100 skipped)", Auth{Outcome: OutcomeCompleted, Status: status(-100)}, HandlingOther},
		{"unknown code", Auth{Outcome: OutcomeCompleted, Status: status(999)}, HandlingOther},
		{"abandoned", Auth{Outcome: OutcomeAbandoned}, HandlingOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := handlingOf(&tt.auth); got != tt.want {
				t.Errorf("handlingOf(code %d, %s) = %s, want %s", tt.auth.Status.Code, tt.auth.Status.Method, got, tt.want)
			}
		})
	}
}
