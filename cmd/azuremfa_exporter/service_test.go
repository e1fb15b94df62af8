package main

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestServiceLoopStops(t *testing.T) {
	commands := make(chan serviceCommand)
	var states []serviceStatus
	served := make(chan struct{})
	stoppedCleanly := false
	done := make(chan error, 1)
	go func() {
		done <- serviceLoop(commands, func(s serviceStatus) { states = append(states, s) }, func(ctx context.Context) error {
			close(served)
			<-ctx.Done()
			stoppedCleanly = true // serve drains and saves positions before it returns
			return nil
		}, nil)
	}()
	<-served
	commands <- commandInterrogate
	commands <- commandStop
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serviceLoop did not return after Stop")
	}
	if !stoppedCleanly {
		t.Error("serviceLoop returned before serve finished")
	}
	want := []serviceStatus{{state: stateStartPending}, {state: stateRunning}, {state: stateRunning},
		{state: stateStopPending, checkPoint: 1, waitHint: stopWaitHint}}
	if !slices.Equal(states, want) {
		t.Errorf("reported %v, want %v", states, want)
	}
}

// TestServiceLoopReportsStopProgress: while serve drains, each tick reports StopPending with
// the next checkpoint, Interrogate repeats the current one, and the count stops at its cap so
// that a stuck stop shows as stuck.
func TestServiceLoopReportsStopProgress(t *testing.T) {
	commands := make(chan serviceCommand)
	ticks := make(chan time.Time, 1)
	ticks <- time.Time{} // a tick while running, not read: no progress of the stop
	reports := make(chan serviceStatus, 100)
	served, release := make(chan struct{}), make(chan struct{})
	var cause error
	done := make(chan error, 1)
	go func() {
		done <- serviceLoop(commands, func(s serviceStatus) { reports <- s }, func(ctx context.Context) error {
			close(served)
			<-ctx.Done()
			cause = context.Cause(ctx)
			<-release // draining: slower than a tick
			return nil
		}, ticks)
	}()
	<-served
	next := func() serviceStatus {
		t.Helper()
		select {
		case s := <-reports:
			return s
		case <-time.After(5 * time.Second):
			t.Fatal("no report")
		}
		return serviceStatus{}
	}
	if s := next(); s.state != stateStartPending {
		t.Fatalf("first report %v, want start pending", s)
	}
	if s := next(); s.state != stateRunning {
		t.Fatalf("second report %v, want running", s)
	}
	commands <- commandStop
	pending := func(cp uint32) serviceStatus {
		return serviceStatus{state: stateStopPending, checkPoint: cp, waitHint: stopWaitHint}
	}
	if s := next(); s != pending(1) {
		t.Fatalf("after Stop: %v, want %v", s, pending(1))
	}
	commands <- commandInterrogate // served after the stale tick is dropped, if it is
	if s := next(); s != pending(1) {
		t.Fatalf("Interrogate right after Stop: %v, want %v (a stale tick counted as progress?)", s, pending(1))
	}
	ticks <- time.Time{}
	if s := next(); s != pending(2) {
		t.Fatalf("after a tick: %v, want %v", s, pending(2))
	}
	commands <- commandInterrogate
	if s := next(); s != pending(2) {
		t.Fatalf("Interrogate while stopping: %v, want %v", s, pending(2))
	}
	commands <- commandStop // a second Stop changes nothing
	for cp := uint32(3); cp <= maxStopCheckpoints; cp++ {
		ticks <- time.Time{}
		if s := next(); s != pending(cp) {
			t.Fatalf("tick %d: %v, want %v", cp, s, pending(cp))
		}
	}
	for range 5 { // past the cap: no progress is claimed
		ticks <- time.Time{}
	}
	commands <- commandInterrogate
	if s := next(); s != pending(maxStopCheckpoints) {
		t.Fatalf("past the cap: %v, want %v", s, pending(maxStopCheckpoints))
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(reports) != 0 {
		t.Errorf("reported %v after serve returned", <-reports)
	}
	if cause == nil || cause.Error() != "stop requested by the service manager" {
		t.Errorf("serve was stopped with cause %v", cause)
	}
	if stopWaitHint <= stopProgressEvery {
		t.Errorf("wait hint %v leaves no room for a tick every %v", stopWaitHint, stopProgressEvery)
	}
}

func TestServiceLoopServeFails(t *testing.T) {
	boom := errors.New("boom")
	var states []serviceStatus
	err := serviceLoop(make(chan serviceCommand), func(s serviceStatus) { states = append(states, s) },
		func(context.Context) error { return boom }, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if states[len(states)-1].state != stateStopPending {
		t.Errorf("last state %v, want stop pending", states[len(states)-1])
	}
}
