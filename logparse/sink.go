package logparse

import "time"

// Sink receives what a Correlator decides, synchronously from Add and in log order. Data flows
// one way: a sink never asks the correlator for anything, so the metrics and the report are
// two sinks of the same events and cannot disagree about them.
//
// A sink must not call Add. Every *Auth and its byte slices are valid only during the call.
type Sink interface {
	// Ended is an authentication that ended: completed, orphan or abandoned.
	Ended(a *Auth)
	// Evicted is an open request dropped by the cap on open requests. Ended also reports it,
	// as abandoned.
	Evicted()
	// UserForgotten is a user dropped from duplicate detection before their window ended
	// (the cap on remembered users, or a hash collision).
	UserForgotten()
	// Clock is the log clock moving to now: forward with a newer line, or back (jumped) with a
	// line far older than the clock. It comes before the events the move causes (timeouts,
	// requests ended by the jump).
	Clock(now time.Time, jumped bool)
	// InFlight is the number of requests waiting for their result, whenever it changed.
	InFlight(open int)
}

// AuthFunc is a Sink that hears only ended authentications.
type AuthFunc func(*Auth)

func (f AuthFunc) Ended(a *Auth)       { f(a) }
func (AuthFunc) Evicted()              {}
func (AuthFunc) UserForgotten()        {}
func (AuthFunc) Clock(time.Time, bool) {}
func (AuthFunc) InFlight(int)          {}
