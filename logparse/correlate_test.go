package logparse

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The tests build Entries by hand, as ParseLine would fill them, so that the correlator is
// tested on its own. Times are on the public sample's day (2017-02-14, UTC), written "15:04:05.999999".

func at(clock string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.999999999Z", "2017-02-14T"+clock+"Z")
	if err != nil {
		panic(err)
	}
	return t
}

func call(clock string, pid, tid uint32, user string) Entry {
	return Entry{Format: FormatPipe, Time: at(clock), Level: []byte("0"), PID: pid, TID: tid,
		Tag: []byte("pfrad"), Kind: KindCall, User: []byte(user), Number: 1}
}

// authResult is "authResult = n": 1 is success, anything else failure.
func authResult(clock string, pid, tid uint32, n int64) Entry {
	v := VerdictFailure
	if n == 1 {
		v = VerdictSuccess
	}
	return Entry{Format: FormatPipe, Time: at(clock), Level: []byte("0"), PID: pid, TID: tid,
		Tag: []byte("pfrad"), Kind: KindAuthResult, Number: n, Verdict: v}
}

func rawStatus(clock string, pid, tid uint32, code int) Entry {
	s, ok := LookupCode(code)
	return Entry{Format: FormatPipe, Time: at(clock), Level: []byte("0"), PID: pid, TID: tid,
		Tag: []byte("pfrad"), Kind: KindRawCallStatus, Number: int64(code), Status: s, StatusKnown: ok}
}

// pfauth is "Pfauth succeeded|failed for user '<user>'. Call status: <constant> - ...".
func pfauth(clock, user string, succeeded bool, constant string) Entry {
	s, ok := LookupConstant([]byte(constant))
	v := VerdictFailure
	if succeeded {
		v = VerdictSuccess
	}
	return Entry{Format: FormatPipe, Time: at(clock), Level: []byte("i"), PID: 18288, TID: 26784,
		Tag: []byte("pfsvc"), Kind: KindPfauth, User: []byte(user), Verdict: v, Status: s,
		StatusKnown: ok, Constant: []byte(constant)}
}

func other(clock string) Entry {
	return Entry{Format: FormatPipe, Time: at(clock), Level: []byte("i"), PID: 1, TID: 1,
		Tag: []byte("pfsvc"), Kind: KindOther}
}

// event is an emitted Auth in comparable form, with the index of the line whose Add emitted it.
type event struct {
	Line        int
	Source      Source
	Outcome     Outcome
	User        string
	Start, End  string
	Duration    time.Duration
	HasDuration bool
	Code        int
	Method      Method
	StatusKnown bool
	Verdict     Verdict
	Result      Result
	Duplicate   bool
	Handling    Handling
}

func (e event) String() string {
	return fmt.Sprintf("line %d: src=%d out=%d user=%q %s..%s dur=%v/%v code=%d %s known=%v verdict=%d %s dup=%v %s",
		e.Line, e.Source, e.Outcome, e.User, e.Start, e.End, e.Duration, e.HasDuration, e.Code,
		e.Method, e.StatusKnown, e.Verdict, e.Result, e.Duplicate, e.Handling)
}

func clockOf(t time.Time) string { return t.Format("15:04:05.000000") }

// recorder collects what a Correlator emits, copying what is valid only during the call.
type recorder struct {
	line   int
	events []event
}

func (r *recorder) emit(a *Auth) {
	r.events = append(r.events, event{
		Line: r.line, Source: a.Source, Outcome: a.Outcome, User: string(a.User),
		Start: clockOf(a.Start), End: clockOf(a.End), Duration: a.Duration, HasDuration: a.HasDuration,
		Code: a.Status.Code, Method: a.Status.Method, StatusKnown: a.StatusKnown, Verdict: a.Verdict,
		Result: a.Result, Duplicate: a.Duplicate, Handling: a.Handling,
	})
}

func run(cfg CorrelatorConfig, lines []Entry) (*Correlator, []event) {
	var r recorder
	c := NewCorrelator(cfg, AuthFunc(r.emit))
	for i := range lines {
		r.line = i
		c.Add(&lines[i])
	}
	return c, r.events
}

// The six public RADIUS lines: two requests by the same user from two threads.
func seedLines() []Entry {
	return []Entry{
		call("02:57:19.234778", 1412, 6452, `Domain\pnigam`),
		authResult("02:57:24.600871", 1412, 6452, 1),
		rawStatus("02:57:24.600871", 1412, 6452, 21),
		call("02:57:56.986251", 1412, 10088, `Domain\pnigam`),
		authResult("02:57:57.550306", 1412, 10088, 1),
		rawStatus("02:57:57.550306", 1412, 10088, 6),
	}
}

func TestCorrelator(t *testing.T) {
	seedFirst := event{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: `Domain\pnigam`,
		Start: "02:57:19.234778", End: "02:57:24.600871", Duration: 5366093 * time.Microsecond,
		HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
		Verdict: VerdictSuccess, Result: ResultSuccess}
	seedSecond := event{Line: 5, Source: SourceCall, Outcome: OutcomeCompleted, User: `Domain\pnigam`,
		Start: "02:57:56.986251", End: "02:57:57.550306", Duration: 564055 * time.Microsecond,
		HasDuration: true, Code: 6, Method: MethodCache, StatusKnown: true,
		Verdict: VerdictSuccess, Result: ResultSuccess}
	seedSecondDup := seedSecond
	seedSecondDup.Duplicate, seedSecondDup.Handling = true, HandlingCached

	tests := []struct {
		name      string
		cfg       CorrelatorConfig
		lines     []Entry
		want      []event
		open      int
		evictions uint64
		forgotten uint64
	}{
		{
			// 37.75 s between the two requests: not a duplicate at the default 30 s window.
			name:  "seed, default window",
			lines: seedLines(),
			want:  []event{seedFirst, seedSecond},
		},
		{
			name:  "seed, 60s window: the second request is a duplicate answered from the cache",
			cfg:   CorrelatorConfig{DuplicateWindow: time.Minute},
			lines: seedLines(),
			want:  []event{seedFirst, seedSecondDup},
		},
		{
			name: "interleaved threads keep their own users, verdicts and codes",
			lines: []Entry{
				call("10:00:00", 1412, 1, "alice"),
				call("10:00:01", 1412, 2, "bob"),
				authResult("10:00:03", 1412, 2, 0),
				authResult("10:00:04", 1412, 1, 1),
				rawStatus("10:00:04", 1412, 1, 19),
				rawStatus("10:00:05", 1412, 2, 129),
			},
			want: []event{
				{Line: 4, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:04.000000", Duration: 4 * time.Second,
					HasDuration: true, Code: 19, Method: MethodTextMessage, StatusKnown: true,
					Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 5, Source: SourceCall, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:00:01.000000", End: "10:00:05.000000", Duration: 4 * time.Second,
					HasDuration: true, Code: 129, Method: MethodMobileApp, StatusKnown: true,
					Verdict: VerdictFailure, Result: ResultFailure},
			},
		},
		{
			name: "same pid, other tid and same tid, other pid are other threads",
			lines: []Entry{
				call("10:00:00", 1, 2, "alice"),
				call("10:00:01", 2, 1, "bob"),
				rawStatus("10:00:02", 2, 1, 6),
				rawStatus("10:00:03", 1, 2, 6),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:00:01.000000", End: "10:00:02.000000", Duration: time.Second,
					HasDuration: true, Code: 6, Method: MethodCache, StatusKnown: true, Result: ResultSuccess},
				{Line: 3, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:03.000000", Duration: 3 * time.Second,
					HasDuration: true, Code: 6, Method: MethodCache, StatusKnown: true, Result: ResultSuccess},
			},
		},
		{
			// authResult = 0 on a code whose default is success: the line's verdict wins.
			name: "authResult 0 is a failure",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				authResult("10:00:09", 7, 7, 0),
				rawStatus("10:00:09", 7, 7, 1),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:09.000000", Duration: 9 * time.Second,
					HasDuration: true, Code: 1, Method: MethodPhoneCall, StatusKnown: true,
					Verdict: VerdictFailure, Result: ResultFailure},
			},
		},
		{
			name: "pending code 20 stays pending with authResult 1",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				authResult("10:00:01", 7, 7, 1),
				rawStatus("10:00:01", 7, 7, 20),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:01.000000", Duration: time.Second,
					HasDuration: true, Code: 20, Method: MethodTextMessage, StatusKnown: true,
					Verdict: VerdictSuccess, Result: ResultPending},
			},
		},
		{
			name: "no authResult: the table's default",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				rawStatus("10:00:02", 7, 7, 133),
			},
			want: []event{
				{Line: 1, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:02.000000", Duration: 2 * time.Second,
					HasDuration: true, Code: 133, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultFailure},
			},
		},
		{
			name: "unknown code 999: method other, result from the verdict",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				authResult("10:00:01", 7, 7, 1),
				rawStatus("10:00:01", 7, 7, 999),
				call("10:00:02", 7, 7, "bob"),
				rawStatus("10:00:03", 7, 7, 999),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:01.000000", Duration: time.Second,
					HasDuration: true, Code: 999, Method: MethodOther, Verdict: VerdictSuccess,
					Result: ResultSuccess},
				{Line: 4, Source: SourceCall, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:00:02.000000", End: "10:00:03.000000", Duration: time.Second,
					HasDuration: true, Code: 999, Method: MethodOther, Result: ResultUnknown},
			},
		},
		{
			name: "a new call on the thread abandons the open one",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				authResult("10:00:04", 7, 7, 1),
				call("10:00:10", 7, 7, "bob"),
				rawStatus("10:00:12", 7, 7, 21),
			},
			want: []event{
				// Abandoned: zero status, verdict and result, no duration; ended by line 2.
				{Line: 2, Source: SourceCall, Outcome: OutcomeAbandoned, User: "alice",
					Start: "10:00:00.000000", End: "10:00:10.000000"},
				{Line: 3, Source: SourceCall, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:00:10.000000", End: "10:00:12.000000", Duration: 2 * time.Second,
					HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
		},
		{
			// Abandoned only when log time is past start + timeout, by any line of the log;
			// the late rawCallStatus is then an orphan.
			name: "timeout by log time",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				other("10:05:00"),
				other("10:05:00.000001"),
				rawStatus("10:05:01", 7, 7, 21),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeAbandoned, User: "alice",
					Start: "10:00:00.000000", End: "10:05:00.000001"},
				{Line: 3, Source: SourceCall, Outcome: OutcomeOrphan, Start: "10:05:01.000000",
					End: "10:05:01.000000", Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
		},
		{
			name: "timeout is configurable",
			cfg:  CorrelatorConfig{Timeout: time.Minute},
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				call("10:00:30", 7, 8, "bob"),
				other("10:01:01"),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeAbandoned, User: "alice",
					Start: "10:00:00.000000", End: "10:01:01.000000"},
			},
			open: 1,
		},
		{
			// An older time does not rewind the clock: a duration never goes negative, and the
			// line's request counts from the clock for the timeout and the window.
			name: "out-of-order times",
			lines: []Entry{
				call("10:00:10", 7, 7, "alice"),
				rawStatus("10:00:09", 7, 7, 21), // written before the call's time
				call("10:00:30", 7, 8, "bob"),
				other("10:05:31"),
				call("10:05:00", 7, 9, "bob"), // older than the clock (10:05:31)
				other("10:10:31"),             // 5m after the clock at line 4, not past it
				other("10:10:31.5"),
			},
			want: []event{
				{Line: 1, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:10.000000", End: "10:00:09.000000", HasDuration: true,
					Code: 21, Method: MethodMobileApp, StatusKnown: true, Result: ResultSuccess},
				{Line: 3, Source: SourceCall, Outcome: OutcomeAbandoned, User: "bob",
					Start: "10:00:30.000000", End: "10:05:31.000000"},
				{Line: 6, Source: SourceCall, Outcome: OutcomeAbandoned, User: "bob",
					Start: "10:05:00.000000", End: "10:10:31.500000"},
			},
		},
		{
			name: "out-of-order request of the same user is a duplicate",
			lines: []Entry{
				call("10:00:10", 7, 7, "alice"),
				call("10:00:05", 7, 8, "alice"),
				rawStatus("10:00:11", 7, 8, 101),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:05.000000", End: "10:00:11.000000", Duration: 6 * time.Second,
					HasDuration: true, Code: 101, Method: MethodOther, StatusKnown: true,
					Result: ResultFailure, Duplicate: true, Handling: HandlingRejected},
			},
			open: 1,
		},
		{
			name: "orphan rawCallStatus",
			lines: []Entry{
				rawStatus("10:00:00", 7, 7, 21),
			},
			want: []event{
				{Line: 0, Source: SourceCall, Outcome: OutcomeOrphan, Start: "10:00:00.000000",
					End: "10:00:00.000000", Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
		},
		{
			// The lone authResult is not a request: it is not in flight and is not abandoned.
			name: "orphan authResult and rawCallStatus",
			lines: []Entry{
				authResult("10:00:00", 7, 7, 0),
				call("10:00:00", 7, 8, "alice"),
				authResult("10:00:01", 7, 9, 0), // dropped by the call on its thread
				call("10:00:02", 7, 9, "bob"),
				rawStatus("10:00:03", 7, 7, 21),
				rawStatus("10:00:04", 7, 10, 21),
			},
			want: []event{
				{Line: 4, Source: SourceCall, Outcome: OutcomeOrphan, Start: "10:00:03.000000",
					End: "10:00:03.000000", Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Verdict: VerdictFailure, Result: ResultFailure},
				{Line: 5, Source: SourceCall, Outcome: OutcomeOrphan, Start: "10:00:04.000000",
					End: "10:00:04.000000", Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
			open: 2,
		},
		{
			name: "a lone authResult expires silently",
			lines: []Entry{
				authResult("10:00:00", 7, 7, 0),
				other("10:06:00"),
				rawStatus("10:06:01", 7, 7, 21),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeOrphan, Start: "10:06:01.000000",
					End: "10:06:01.000000", Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
		},
		{
			name: "101 Auth Already In Progress: rejected duplicate",
			lines: []Entry{
				call("10:00:00", 7, 7, `CORP\alice`),
				call("10:00:05", 7, 8, `CORP\alice`),
				authResult("10:00:05.1", 7, 8, 0),
				rawStatus("10:00:05.1", 7, 8, 101),
				rawStatus("10:00:20", 7, 7, 21),
			},
			want: []event{
				{Line: 3, Source: SourceCall, Outcome: OutcomeCompleted, User: `CORP\alice`,
					Start: "10:00:05.000000", End: "10:00:05.100000", Duration: 100 * time.Millisecond,
					HasDuration: true, Code: 101, Method: MethodOther, StatusKnown: true,
					Verdict: VerdictFailure, Result: ResultFailure, Duplicate: true, Handling: HandlingRejected},
				{Line: 4, Source: SourceCall, Outcome: OutcomeCompleted, User: `CORP\alice`,
					Start: "10:00:00.000000", End: "10:00:20.000000", Duration: 20 * time.Second,
					HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
		},
		{
			// The "twice MFA" case: the person is asked again. A denial on the app still prompted.
			name: "prompted duplicates, abandoned duplicate is other",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				call("10:00:02", 7, 8, "alice"),
				rawStatus("10:00:09", 7, 8, 129),
				call("10:00:12", 7, 8, "alice"),
				rawStatus("10:00:14", 7, 8, 7), // bypass: not prompted
				call("10:00:15", 7, 7, "bob"),  // abandons alice's first request (not a duplicate)
				call("10:00:16", 7, 8, "alice"),
				other("10:06:00"),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:02.000000", End: "10:00:09.000000", Duration: 7 * time.Second,
					HasDuration: true, Code: 129, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultFailure, Duplicate: true, Handling: HandlingPrompted},
				{Line: 4, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:12.000000", End: "10:00:14.000000", Duration: 2 * time.Second,
					HasDuration: true, Code: 7, Method: MethodBypass, StatusKnown: true,
					Result: ResultSuccess, Duplicate: true, Handling: HandlingOther},
				{Line: 5, Source: SourceCall, Outcome: OutcomeAbandoned, User: "alice",
					Start: "10:00:00.000000", End: "10:00:15.000000"},
				{Line: 7, Source: SourceCall, Outcome: OutcomeAbandoned, User: "bob",
					Start: "10:00:15.000000", End: "10:06:00.000000"},
				{Line: 7, Source: SourceCall, Outcome: OutcomeAbandoned, User: "alice",
					Start: "10:00:16.000000", End: "10:06:00.000000", Duplicate: true,
					Handling: HandlingOther},
			},
		},
		{
			// RADIUS challenge: the first request sends a text message (20, pending), the user
			// answers with a second request. That answer is no repeat; a third request is.
			name: "the answer to a pending challenge is not a duplicate",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				authResult("10:00:01", 7, 7, 1),
				rawStatus("10:00:01", 7, 7, 20),
				call("10:00:20", 7, 7, "Alice"),
				rawStatus("10:00:21", 7, 7, 19),
				call("10:00:25", 7, 7, "alice"),
				rawStatus("10:00:26", 7, 7, 6),
				pfauth("10:01:00", "bob", true, "SUCCESS_OATH_CODE_PENDING"),
				pfauth("10:01:10", "bob", true, "SUCCESS_OATH_CODE_VERIFIED"),
				pfauth("10:01:15", "bob", true, "SUCCESS_OATH_CODE_VERIFIED"),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:01.000000", Duration: time.Second,
					HasDuration: true, Code: 20, Method: MethodTextMessage, StatusKnown: true,
					Verdict: VerdictSuccess, Result: ResultPending},
				{Line: 4, Source: SourceCall, Outcome: OutcomeCompleted, User: "Alice",
					Start: "10:00:20.000000", End: "10:00:21.000000", Duration: time.Second,
					HasDuration: true, Code: 19, Method: MethodTextMessage, StatusKnown: true,
					Result: ResultSuccess},
				{Line: 6, Source: SourceCall, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:25.000000", End: "10:00:26.000000", Duration: time.Second,
					HasDuration: true, Code: 6, Method: MethodCache, StatusKnown: true,
					Result: ResultSuccess, Duplicate: true, Handling: HandlingCached},
				{Line: 7, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:01:00.000000", End: "10:01:00.000000", Code: 22, Method: MethodOATHToken,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultPending},
				{Line: 8, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:01:10.000000", End: "10:01:10.000000", Code: 23, Method: MethodOATHToken,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 9, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "bob",
					Start: "10:01:15.000000", End: "10:01:15.000000", Code: 23, Method: MethodOATHToken,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingPrompted},
			},
		},
		{
			name: "users compare case-insensitively, as written",
			lines: []Entry{
				call("10:00:00", 7, 1, `CORP\Alice`),
				rawStatus("10:00:01", 7, 1, 21),
				call("10:00:02", 7, 2, `corp\ALICE`),
				rawStatus("10:00:03", 7, 2, 21),
				call("10:00:04", 7, 3, `alice@corp.example`), // another spelling: another user
				rawStatus("10:00:05", 7, 3, 21),
			},
			want: []event{
				{Line: 1, Source: SourceCall, Outcome: OutcomeCompleted, User: `CORP\Alice`,
					Start: "10:00:00.000000", End: "10:00:01.000000", Duration: time.Second,
					HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
				{Line: 3, Source: SourceCall, Outcome: OutcomeCompleted, User: `corp\ALICE`,
					Start: "10:00:02.000000", End: "10:00:03.000000", Duration: time.Second,
					HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess, Duplicate: true, Handling: HandlingPrompted},
				{Line: 5, Source: SourceCall, Outcome: OutcomeCompleted, User: `alice@corp.example`,
					Start: "10:00:04.000000", End: "10:00:05.000000", Duration: time.Second,
					HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
		},
		{
			// Less than a window: exactly 30 s apart is not a duplicate. Every request moves the
			// user's last-seen time, measured start to start.
			name: "window boundary",
			lines: []Entry{
				pfauth("10:00:00", "alice", true, "SUCCESS_PHONE_APP_AUTHENTICATED"),
				pfauth("10:00:30", "alice", true, "SUCCESS_PHONE_APP_AUTHENTICATED"),
				pfauth("10:00:59.999999", "alice", true, "SUCCESS_PHONE_APP_AUTHENTICATED"),
				pfauth("10:01:29.999998", "alice", true, "SUCCESS_PHONE_APP_AUTHENTICATED"),
			},
			want: []event{
				{Line: 0, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:00.000000", End: "10:00:00.000000", Code: 21,
					Method: MethodMobileApp, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 1, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:30.000000", End: "10:00:30.000000", Code: 21,
					Method: MethodMobileApp, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 2, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:59.999999", End: "10:00:59.999999", Code: 21,
					Method: MethodMobileApp, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingPrompted},
				{Line: 3, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:01:29.999998", End: "10:01:29.999998", Code: 21,
					Method: MethodMobileApp, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingPrompted},
			},
		},
		{
			name: "Pfauth lines: complete in themselves, duplicates by handling",
			lines: []Entry{
				pfauth("10:00:00", `CORP\bob`, true, "SUCCESS_SMS_AUTHENTICATED"),
				pfauth("10:00:01", `corp\BOB`, true, "SUCCESS_USED_CACHE"),
				pfauth("10:00:02", `CORP\bob`, false, "FAILED_PHONE_BUSY"),
				pfauth("10:00:03", `CORP\carol`, false, "FAILED_PHONE_APP_DENIED"),
				pfauth("10:00:04", `CORP\bob`, true, "NO_SUCH_CONSTANT"),
			},
			want: []event{
				{Line: 0, Source: SourcePfauth, Outcome: OutcomeCompleted, User: `CORP\bob`,
					Start: "10:00:00.000000", End: "10:00:00.000000", Code: 19,
					Method: MethodTextMessage, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 1, Source: SourcePfauth, Outcome: OutcomeCompleted, User: `corp\BOB`,
					Start: "10:00:01.000000", End: "10:00:01.000000", Code: 6,
					Method: MethodCache, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingCached},
				{Line: 2, Source: SourcePfauth, Outcome: OutcomeCompleted, User: `CORP\bob`,
					Start: "10:00:02.000000", End: "10:00:02.000000", Code: 101,
					Method: MethodOther, StatusKnown: true, Verdict: VerdictFailure, Result: ResultFailure,
					Duplicate: true, Handling: HandlingRejected},
				{Line: 3, Source: SourcePfauth, Outcome: OutcomeCompleted, User: `CORP\carol`,
					Start: "10:00:03.000000", End: "10:00:03.000000", Code: 129,
					Method: MethodMobileApp, StatusKnown: true, Verdict: VerdictFailure, Result: ResultFailure},
				{Line: 4, Source: SourcePfauth, Outcome: OutcomeCompleted, User: `CORP\bob`,
					Start: "10:00:04.000000", End: "10:00:04.000000", Code: CodeUnknown,
					Method: MethodOther, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingOther},
			},
		},
		{
			name: "Pfauth and calls share the detector of their log",
			lines: []Entry{
				call("10:00:00", 7, 7, "alice"),
				pfauth("10:00:01", "ALICE", true, "SUCCESS_USED_APP_BASED_CACHE"),
			},
			want: []event{
				{Line: 1, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "ALICE",
					Start: "10:00:01.000000", End: "10:00:01.000000", Code: 9,
					Method: MethodCache, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingCached},
			},
			open: 1,
		},
		{
			name: "other kinds are neither requests nor results",
			lines: []Entry{
				{Time: at("10:00:00"), PID: 7, TID: 7, Kind: KindPrimaryAuth, User: []byte("alice"), Verdict: VerdictSuccess},
				{Time: at("10:00:01"), PID: 7, TID: 7, Kind: KindNotPerformed, User: []byte("alice")},
				{Time: at("10:00:02"), PID: 7, TID: 7, Kind: KindOATH, User: []byte("alice")},
				{Time: at("10:00:03"), PID: 7, TID: 7, Kind: KindAudit, User: []byte("alice")},
				{Time: at("10:00:04"), PID: 7, TID: 7, Kind: KindError},
				pfauth("10:00:05", "alice", true, "SUCCESS_PHONE_APP_AUTHENTICATED"),
			},
			want: []event{
				{Line: 5, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "alice",
					Start: "10:00:05.000000", End: "10:00:05.000000", Code: 21,
					Method: MethodMobileApp, StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
			},
		},
		{
			// The oldest open request is abandoned by the line that needs its place.
			name: "MaxOpen evicts the oldest",
			cfg:  CorrelatorConfig{MaxOpen: 2},
			lines: []Entry{
				call("10:00:00", 7, 1, "a"),
				call("10:00:01", 7, 2, "b"),
				call("10:00:02", 7, 3, "c"),
				rawStatus("10:00:03", 7, 1, 21), // a's place is gone: orphan
				rawStatus("10:00:04", 7, 2, 21),
			},
			want: []event{
				{Line: 2, Source: SourceCall, Outcome: OutcomeAbandoned, User: "a",
					Start: "10:00:00.000000", End: "10:00:02.000000"},
				{Line: 3, Source: SourceCall, Outcome: OutcomeOrphan, Start: "10:00:03.000000",
					End: "10:00:03.000000", Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
				{Line: 4, Source: SourceCall, Outcome: OutcomeCompleted, User: "b",
					Start: "10:00:01.000000", End: "10:00:04.000000", Duration: 3 * time.Second,
					HasDuration: true, Code: 21, Method: MethodMobileApp, StatusKnown: true,
					Result: ResultSuccess},
			},
			open:      1,
			evictions: 1,
		},
		{
			name: "MaxUsers forgets the oldest user",
			cfg:  CorrelatorConfig{MaxUsers: 2},
			lines: []Entry{
				pfauth("10:00:00", "a", true, "SUCCESS_USED_CACHE"),
				pfauth("10:00:01", "b", true, "SUCCESS_USED_CACHE"),
				pfauth("10:00:02", "c", true, "SUCCESS_USED_CACHE"), // forgets a
				pfauth("10:00:03", "c", true, "SUCCESS_USED_CACHE"),
				pfauth("10:00:04", "a", true, "SUCCESS_USED_CACHE"), // not a duplicate any more; forgets b
			},
			want: []event{
				{Line: 0, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "a",
					Start: "10:00:00.000000", End: "10:00:00.000000", Code: 6, Method: MethodCache,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 1, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "b",
					Start: "10:00:01.000000", End: "10:00:01.000000", Code: 6, Method: MethodCache,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 2, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "c",
					Start: "10:00:02.000000", End: "10:00:02.000000", Code: 6, Method: MethodCache,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
				{Line: 3, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "c",
					Start: "10:00:03.000000", End: "10:00:03.000000", Code: 6, Method: MethodCache,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess,
					Duplicate: true, Handling: HandlingCached},
				{Line: 4, Source: SourcePfauth, Outcome: OutcomeCompleted, User: "a",
					Start: "10:00:04.000000", End: "10:00:04.000000", Code: 6, Method: MethodCache,
					StatusKnown: true, Verdict: VerdictSuccess, Result: ResultSuccess},
			},
			forgotten: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := run(tt.cfg, tt.lines)
			if d := diffEvents(got, tt.want); d != "" {
				t.Errorf("events differ:\n%s", d)
			}
			if c.Open() != tt.open {
				t.Errorf("Open() = %d, want %d", c.Open(), tt.open)
			}
			if c.Evictions() != tt.evictions {
				t.Errorf("Evictions() = %d, want %d", c.Evictions(), tt.evictions)
			}
			if c.ForgottenUsers() != tt.forgotten {
				t.Errorf("ForgottenUsers() = %d, want %d", c.ForgottenUsers(), tt.forgotten)
			}
		})
	}
}

func diffEvents(got, want []event) string {
	var b strings.Builder
	for i := 0; i < len(got) || i < len(want); i++ {
		switch {
		case i >= len(got):
			fmt.Fprintf(&b, "missing: %v\n", want[i])
		case i >= len(want):
			fmt.Fprintf(&b, "extra:   %v\n", got[i])
		case got[i] != want[i]:
			fmt.Fprintf(&b, "got:     %v\nwant:    %v\n", got[i], want[i])
		}
	}
	return b.String()
}

// The emitted User is a copy: the caller may reuse the line buffer as soon as Add returns.
func TestCorrelatorCopiesUser(t *testing.T) {
	var users []string
	c := NewCorrelator(CorrelatorConfig{}, AuthFunc(func(a *Auth) { users = append(users, string(a.User)) }))
	line := call("10:00:00", 7, 7, "alice")
	c.Add(&line)
	copy(line.User, "XXXXX")
	end := rawStatus("10:00:01", 7, 7, 21)
	c.Add(&end)
	if len(users) != 1 || users[0] != "alice" {
		t.Fatalf("users = %q, want [alice]", users)
	}
}

// A user longer than maxUserBytes is kept (and compared) on its first maxUserBytes bytes only.
func TestCorrelatorTruncatesLongUsers(t *testing.T) {
	var r recorder
	c := NewCorrelator(CorrelatorConfig{}, AuthFunc(r.emit))
	long := strings.Repeat("u", maxUserBytes)
	lines := []Entry{
		call("10:00:00", 7, 1, long+"-first"),
		call("10:00:01", 7, 2, long+"-second"),
		rawStatus("10:00:02", 7, 1, 21),
		rawStatus("10:00:03", 7, 2, 21),
	}
	for i := range lines {
		c.Add(&lines[i])
	}
	got := r.events
	if len(got) != 2 {
		t.Fatalf("got %d events, want 2", len(got))
	}
	if got[0].User != long || got[1].User != long {
		t.Errorf("users not truncated to %d bytes: %d, %d", maxUserBytes, len(got[0].User), len(got[1].User))
	}
	if got[0].Duplicate || !got[1].Duplicate {
		t.Errorf("duplicates = %v, %v; want false, true", got[0].Duplicate, got[1].Duplicate)
	}
}

// Garbage: a million requests on distinct threads that never complete. Memory stays at the cap
// and every request beyond it is counted as an eviction.
func TestCorrelatorBoundedByMaxOpen(t *testing.T) {
	const n, maxOpen = 1_000_000, 1000
	abandoned := 0
	c := NewCorrelator(CorrelatorConfig{MaxOpen: maxOpen}, AuthFunc(func(a *Auth) {
		if a.Outcome == OutcomeAbandoned {
			abandoned++
		}
	}))
	e := call("10:00:00", 0, 0, "garbage")
	for i := range n {
		e.PID, e.TID = uint32(i>>16), uint32(i)
		e.Time = e.Time.Add(time.Microsecond) // all within the timeout
		c.Add(&e)
		if c.Open() > maxOpen {
			t.Fatalf("after %d requests Open() = %d > %d", i+1, c.Open(), maxOpen)
		}
	}
	if c.Open() != maxOpen || c.byThread.len() != maxOpen || len(c.slots) != maxOpen {
		t.Errorf("Open() = %d, threads = %d, slots = %d; want %d each", c.Open(), c.byThread.len(), len(c.slots), maxOpen)
	}
	if c.Evictions() != n-maxOpen || abandoned != n-maxOpen {
		t.Errorf("Evictions() = %d, abandoned = %d, want %d", c.Evictions(), abandoned, n-maxOpen)
	}
	// Lone authResults on a million threads do not grow it either, and are not in flight.
	r := authResult("10:01:00", 0, 0, 1)
	for i := range n {
		r.PID, r.TID = uint32(i>>16)+1<<20, uint32(i)
		c.Add(&r)
	}
	if c.byThread.len() != maxOpen || len(c.slots) != maxOpen || c.Open() != 0 {
		t.Errorf("after lone results: threads = %d, slots = %d, Open() = %d", c.byThread.len(), len(c.slots), c.Open())
	}
}

// Garbage: requests from a million distinct users within one window. The detector keeps at most
// MaxUsers of them and counts the rest as forgotten.
func TestCorrelatorBoundedByMaxUsers(t *testing.T) {
	const n, maxUsers = 1_000_000, 5000
	c := NewCorrelator(CorrelatorConfig{MaxUsers: maxUsers}, nil)
	e := pfauth("10:00:00", "", true, "SUCCESS_USED_CACHE")
	buf := make([]byte, 0, 32)
	for i := range n {
		buf = fmt.Appendf(buf[:0], "user%d", i)
		e.User = buf
		c.Add(&e) // all at the same log time: all within the window
		if c.dups.n > maxUsers {
			t.Fatalf("after %d users: %d remembered > %d", i+1, c.dups.n, maxUsers)
		}
	}
	if c.dups.n != maxUsers || c.dups.byHash.len() != maxUsers || len(c.dups.recs) != maxUsers {
		t.Errorf("users = %d, map = %d, records = %d; want %d each", c.dups.n, c.dups.byHash.len(), len(c.dups.recs), maxUsers)
	}
	if c.ForgottenUsers() != n-maxUsers {
		t.Errorf("ForgottenUsers() = %d, want %d", c.ForgottenUsers(), n-maxUsers)
	}
}

// Without the cap, memory follows the users seen within one window: a million distinct users
// spread over time leave only the last window's worth remembered, and nobody is forgotten early.
func TestCorrelatorUsersBoundedByWindow(t *testing.T) {
	const n = 1_000_000
	const perSecond = 100 // 3000 users per 30 s window
	c := NewCorrelator(CorrelatorConfig{}, nil)
	e := pfauth("00:00:00", "", true, "SUCCESS_USED_CACHE")
	start := e.Time
	buf := make([]byte, 0, 32)
	peak := 0
	for i := range n {
		buf = fmt.Appendf(buf[:0], "user%d", i)
		e.User = buf
		e.Time = start.Add(time.Duration(i) * time.Second / perSecond)
		c.Add(&e)
		peak = max(peak, c.dups.n)
	}
	if want := 30 * perSecond; peak != want {
		t.Errorf("peak users remembered = %d, want %d (one window)", peak, want)
	}
	// The index has room for twice its entries, rounded up to a power of two.
	if len(c.dups.recs) > 30*perSecond || c.dups.byHash.len() > 30*perSecond || len(c.dups.byHash.slots) > 4*30*perSecond {
		t.Errorf("records = %d, index = %d entries in %d slots: more than one window", len(c.dups.recs), c.dups.byHash.len(), len(c.dups.byHash.slots))
	}
	if c.ForgottenUsers() != 0 {
		t.Errorf("ForgottenUsers() = %d, want 0", c.ForgottenUsers())
	}
}

// Steady state: the realistic mix of the benchmark, once warmed up, allocates nothing per line.
func TestCorrelatorSteadyStateAllocs(t *testing.T) {
	m := newMix(20000)
	c := NewCorrelator(CorrelatorConfig{}, AuthFunc(func(*Auth) {}))
	m.feed(c, len(m.lines)*3, nil) // warm up: buffers, maps and slots reach their size
	// One measured run of ten replays: AllocsPerRun rounds down an average, so a single
	// allocation anywhere in these 200000 lines shows.
	const lines = 10 * 20000
	allocs := testing.AllocsPerRun(1, func() { m.feed(c, lines, nil) })
	if allocs != 0 {
		t.Errorf("%v allocations in %d lines, want 0", allocs, lines)
	}
}

// TestCorrelatorClockJumpsBack: one line stamped years ahead (a clock glitch) must not freeze
// the log clock. The next normal line resets it: timeouts and the duplicate window work again.
func TestCorrelatorClockJumpsBack(t *testing.T) {
	future := call("10:00:01", 7, 9, "mallory")
	future.Time = future.Time.AddDate(10, 0, 0)
	lines := []Entry{
		call("10:00:00", 7, 7, "alice"),
		future,
		call("10:00:02", 7, 8, "bob"), // resets the clock: mallory's future request is abandoned
		rawStatus("10:00:05", 7, 8, 21),
		call("11:00:00", 7, 8, "bob"), // an hour later: not a duplicate
		rawStatus("11:00:05", 7, 8, 21),
		call("11:00:10", 7, 10, "carol"),
		other("11:06:00"), // carol's request times out by log time
	}
	c, got := run(CorrelatorConfig{}, lines)
	if c.TimeJumps() != 1 {
		t.Errorf("TimeJumps = %d, want 1", c.TimeJumps())
	}
	if !c.Now().Equal(at("11:06:00")) {
		t.Errorf("clock = %v, want 11:06:00", c.Now())
	}
	var outcomes []string
	for _, e := range got {
		outcomes = append(outcomes, fmt.Sprintf("%d:%s:%d:dup=%v", e.Line, e.User, e.Outcome, e.Duplicate))
	}
	want := []string{
		// alice: abandoned when the future line passed her timeout; mallory: by the reset.
		fmt.Sprintf("1:alice:%d:dup=false", OutcomeAbandoned),
		fmt.Sprintf("2:mallory:%d:dup=false", OutcomeAbandoned),
		fmt.Sprintf("3:bob:%d:dup=false", OutcomeCompleted),
		fmt.Sprintf("5:bob:%d:dup=false", OutcomeCompleted),
		fmt.Sprintf("7:carol:%d:dup=false", OutcomeAbandoned),
	}
	if strings.Join(outcomes, "\n") != strings.Join(want, "\n") {
		t.Errorf("events:\n%s\nwant:\n%s", strings.Join(outcomes, "\n"), strings.Join(want, "\n"))
	}
	if c.Open() != 0 {
		t.Errorf("Open() = %d, want 0", c.Open())
	}
}

// TestCorrelatorLineAheadDoesNotFreezeDuplicates: one line stamped four minutes ahead (less
// than the timeout, so the clock is not set back when time returns to normal) moves the log
// clock there and keeps it there until real time catches up. Requests in those minutes are
// judged duplicates by their own line times, not at the stalled clock: two requests of a user
// two minutes apart are not duplicates; two within the window still are.
func TestCorrelatorLineAheadDoesNotFreezeDuplicates(t *testing.T) {
	lines := []Entry{
		other("10:00:00"),
		other("10:04:00"), // a clock glitch on one line
		call("10:00:10", 7, 1, "alice"),
		rawStatus("10:00:15", 7, 1, 21),
		call("10:02:10", 7, 2, "alice"), // two minutes later: a new sign-in
		rawStatus("10:02:15", 7, 2, 21),
		call("10:02:20", 7, 3, "ALICE"), // ten seconds later: a duplicate
		rawStatus("10:02:25", 7, 3, 21),
		call("10:04:30", 7, 4, "bob"), // after the glitch's time: bob's first request
		rawStatus("10:04:35", 7, 4, 21),
		call("10:04:50", 7, 5, "bob"), // and his duplicate
		rawStatus("10:04:55", 7, 5, 21),
	}
	c, got := run(CorrelatorConfig{}, lines)
	var dups []string
	for _, e := range got {
		dups = append(dups, fmt.Sprintf("%s@%s dup=%v", e.User, e.Start, e.Duplicate))
	}
	want := []string{
		"alice@10:00:10.000000 dup=false",
		"alice@10:02:10.000000 dup=false",
		"ALICE@10:02:20.000000 dup=true",
		"bob@10:04:30.000000 dup=false",
		"bob@10:04:50.000000 dup=true",
	}
	if strings.Join(dups, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(dups, "\n"), strings.Join(want, "\n"))
	}
	if c.TimeJumps() != 0 {
		t.Errorf("TimeJumps = %d, want 0: four minutes is within the timeout", c.TimeJumps())
	}
}

// TestCorrelatorExpiresOnTime: a correlator that looks for timed-out requests and users out of
// the duplicate window only once the clock reaches the first deadline decides exactly what one
// that looks on every move of the clock decides, at the same lines: random requests, results
// and Pfauth lines of a few users on a few threads, the clock going forward by up to a minute,
// a little back, and now and then far back.
func TestCorrelatorExpiresOnTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	users := []string{`CONTOSO\alice`, `CONTOSO\bob`, `contoso\ALICE`, "carol@contoso.com", "dave", "erin", ""}
	base := at("08:00:00")
	clock := base
	var lines []Entry
	for range 20000 {
		switch r := rng.IntN(100); {
		case r < 2:
			clock = clock.Add(-time.Duration(rng.IntN(3600)) * time.Second) // far back: a clock reset
		case r < 10:
			clock = clock.Add(-time.Duration(rng.IntN(5000)) * time.Millisecond)
		default:
			clock = clock.Add(time.Duration(rng.IntN(60000)) * time.Millisecond)
		}
		tid := uint32(1 + rng.IntN(4))
		var e Entry
		switch rng.IntN(5) {
		case 0:
			e = call("00:00:00", 1412, tid, users[rng.IntN(len(users))])
		case 1:
			e = authResult("00:00:00", 1412, tid, int64(rng.IntN(2)))
		case 2:
			e = rawStatus("00:00:00", 1412, tid, []int{21, 6, 15, 101, 4}[rng.IntN(5)])
		case 3:
			e = pfauth("00:00:00", users[rng.IntN(len(users))], true, "SUCCESS_PHONE_APP_AUTHENTICATED")
		default:
			e = other("00:00:00")
		}
		e.Time = clock
		lines = append(lines, e)
	}
	cfg := CorrelatorConfig{Timeout: 90 * time.Second, DuplicateWindow: 30 * time.Second, MaxOpen: 3, MaxUsers: 3}
	got, gotEvents := run(cfg, lines)

	var r recorder
	want := NewCorrelator(cfg, AuthFunc(r.emit))
	for i := range lines {
		r.line = i
		want.expireAt = math.MinInt64 // look on every move of the clock
		want.Add(&lines[i])
	}
	if d := diffEvents(gotEvents, r.events); d != "" {
		t.Fatalf("events differ from looking on every move of the clock:\n%s", d)
	}
	if got.Open() != want.Open() || got.Evictions() != want.Evictions() ||
		got.ForgottenUsers() != want.ForgottenUsers() || got.TimeJumps() != want.TimeJumps() {
		t.Errorf("open %d, evictions %d, forgotten %d, jumps %d; want %d, %d, %d, %d", got.Open(),
			got.Evictions(), got.ForgottenUsers(), got.TimeJumps(), want.Open(), want.Evictions(),
			want.ForgottenUsers(), want.TimeJumps())
	}
	if len(gotEvents) < 5000 || got.TimeJumps() == 0 || got.ForgottenUsers() == 0 || got.Evictions() == 0 {
		t.Errorf("the lines do not exercise timeouts, jumps and caps: %d events, %d jumps, %d forgotten, %d evictions",
			len(gotEvents), got.TimeJumps(), got.ForgottenUsers(), got.Evictions())
	}
}
