package logparse

import "time"

// Source says which kind of line started an authentication.
type Source uint8

const (
	// SourceCall is a "Calling pfAuthUser" line joined with its authResult and rawCallStatus.
	SourceCall Source = iota + 1
	// SourcePfauth is a "Pfauth succeeded|failed" line: a request and its result at once.
	SourcePfauth
)

// Outcome says how an authentication ended.
type Outcome uint8

const (
	// OutcomeCompleted: a request followed by its rawCallStatus (or a Pfauth line).
	OutcomeCompleted Outcome = iota + 1
	// OutcomeOrphan: a result (rawCallStatus) with no open request on its thread; no duration.
	OutcomeOrphan
	// OutcomeAbandoned: a request that never got its result (a new call on the same thread,
	// log time past start + timeout, or evicted by the cap on open requests).
	OutcomeAbandoned
)

// Handling is how a duplicate request was dealt with: the "twice MFA" question.
type Handling uint8

const (
	// HandlingOther: anything not below, abandoned duplicates included.
	HandlingOther Handling = iota
	// HandlingPrompted: the person was asked again (an interactive method).
	HandlingPrompted
	// HandlingCached: answered from a caching rule (method cache).
	HandlingCached
	// HandlingRejected: refused with 101 "Auth Already In Progress".
	HandlingRejected
)

// Handlings lists every handling, for pre-creating label values.
var Handlings = [...]Handling{HandlingPrompted, HandlingCached, HandlingRejected, HandlingOther}

var handlingNames = [...]string{"other", "prompted", "cached", "rejected"}

// String is the metric label value of the handling.
func (h Handling) String() string {
	if int(h) < len(handlingNames) {
		return handlingNames[h]
	}
	return "other"
}

// Auth is one authentication as the correlator saw it. User and Client are valid only
// during the Sink call that receives the Auth.
type Auth struct {
	Source  Source
	Outcome Outcome
	User    []byte
	Start   time.Time // log time of the request (of the result, for an orphan)
	End     time.Time // log time of the result (of the line that ended it, if abandoned)
	// Duration is End - Start, by log time; HasDuration is false for orphans, Pfauth lines
	// and abandoned requests.
	Duration    time.Duration
	HasDuration bool
	// Status, StatusKnown, Verdict, Result: zero for abandoned requests.
	Status      Status
	StatusKnown bool
	Verdict     Verdict
	Result      Result
	// Client is the client address a Pfauth line names ("from <ip>[:<port>]"), empty when the
	// line names none; request lines never do.
	Client []byte
	// Duplicate: the same user (case-insensitively) made a request in the same log less than
	// the duplicate window earlier. Handling says how it was dealt with.
	Duplicate bool
	Handling  Handling
}
