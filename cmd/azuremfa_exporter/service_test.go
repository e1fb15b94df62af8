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
	var states []serviceState
	served := make(chan struct{})
	stoppedCleanly := false
	done := make(chan error, 1)
	go func() {
		done <- serviceLoop(commands, func(s serviceState) { states = append(states, s) }, func(ctx context.Context) error {
			close(served)
			<-ctx.Done()
			stoppedCleanly = true // serve drains and saves positions before it returns
			return nil
		})
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
	want := []serviceState{stateStartPending, stateRunning, stateRunning, stateStopPending}
	if !slices.Equal(states, want) {
		t.Errorf("reported %v, want %v", states, want)
	}
}

func TestServiceLoopServeFails(t *testing.T) {
	boom := errors.New("boom")
	var states []serviceState
	err := serviceLoop(make(chan serviceCommand), func(s serviceState) { states = append(states, s) },
		func(context.Context) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if states[len(states)-1] != stateStopPending {
		t.Errorf("last state %v, want stop pending", states[len(states)-1])
	}
}
