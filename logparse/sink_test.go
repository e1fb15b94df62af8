package logparse

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// sinkLog writes every Sink call as one line, so a test can compare the whole conversation.
type sinkLog struct{ calls []string }

func (s *sinkLog) Ended(a *Auth) {
	s.calls = append(s.calls, fmt.Sprintf("ended %s out=%d dup=%v client=%q", a.User, a.Outcome, a.Duplicate, a.Client))
}
func (s *sinkLog) Evicted()       { s.calls = append(s.calls, "evicted") }
func (s *sinkLog) UserForgotten() { s.calls = append(s.calls, "forgotten") }
func (s *sinkLog) Clock(now time.Time, jumped bool) {
	s.calls = append(s.calls, fmt.Sprintf("clock %s jumped=%v", clockOf(now), jumped))
}
func (s *sinkLog) InFlight(open int) { s.calls = append(s.calls, fmt.Sprintf("in-flight %d", open)) }

// TestSinkConversation: the correlator tells its sink, in order, every clock move (before what
// the move causes), every change of the in-flight count, evictions, forgotten users and ended
// authentications, with the client a Pfauth line names.
func TestSinkConversation(t *testing.T) {
	withClient := pfauth("10:00:03", "carol", true, "SUCCESS_PHONE_APP_AUTHENTICATED")
	withClient.Addr = []byte("10.1.2.3")
	lines := []Entry{
		call("10:00:00", 1, 1, "alice"), // opens a request
		call("10:00:01", 1, 2, "bob"),   // MaxOpen 1: alice is evicted; MaxUsers 1: alice forgotten
		rawStatus("10:00:02", 1, 2, 21), // bob completes
		withClient,                      // a Pfauth line names its client
		other("10:00:03"),               // same time: no clock move
		call("10:00:04", 1, 3, "dave"),  // opens
		other("09:00:00"),               // an hour back: the clock jumps, dave is abandoned
		rawStatus("09:00:01", 1, 3, 21), // an orphan now
	}
	var s sinkLog
	c := NewCorrelator(CorrelatorConfig{MaxOpen: 1, MaxUsers: 1}, &s)
	for i := range lines {
		c.Add(&lines[i])
	}
	want := []string{
		"clock 10:00:00.000000 jumped=false", "in-flight 1",
		"clock 10:00:01.000000 jumped=false", "forgotten", "evicted", `ended alice out=3 dup=false client=""`,
		"clock 10:00:02.000000 jumped=false", `ended bob out=1 dup=false client=""`, "in-flight 0",
		"clock 10:00:03.000000 jumped=false", "forgotten", `ended carol out=1 dup=false client="10.1.2.3"`,
		"clock 10:00:04.000000 jumped=false", "forgotten", "in-flight 1",
		"clock 09:00:00.000000 jumped=true", `ended dave out=3 dup=false client=""`, "in-flight 0",
		"clock 09:00:01.000000 jumped=false", `ended  out=2 dup=false client=""`,
	}
	if got := strings.Join(s.calls, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("sink heard:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}
