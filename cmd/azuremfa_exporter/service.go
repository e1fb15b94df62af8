package main

import (
	"context"
	"errors"
	"time"
)

// serviceName is the name the service is installed under (sc.exe create azuremfa_exporter ...)
// and the event log source it writes as.
const serviceName = "azuremfa_exporter"

// serviceState is the state the exporter reports to the service manager.
type serviceState int

const (
	stateStartPending serviceState = iota
	stateRunning
	stateStopPending
)

// serviceStatus is one report to the service manager.
type serviceStatus struct {
	state serviceState
	// While a stop is pending, checkPoint counts up and waitHint says how long the manager
	// may wait for the next report: a service that lets waitHint pass without one is hung.
	checkPoint uint32
	waitHint   time.Duration
}

const (
	// stopProgressEvery is how often a pending stop reports progress; stopWaitHint leaves room
	// for a late tick.
	stopProgressEvery = time.Second
	stopWaitHint      = 3 * stopProgressEvery
	// maxStopCheckpoints caps the progress reported: serve stops within shutdownTimeout and
	// then saves positions, so a stop still pending after twice that is stuck, and the
	// service manager must see it so.
	maxStopCheckpoints = uint32(2 * shutdownTimeout / stopProgressEvery)
)

// serviceCommand is what the service manager asks of the exporter.
type serviceCommand int

const (
	commandInterrogate serviceCommand = iota
	commandStop                       // Stop and Shutdown alike
	commandOther
)

// serviceLoop is the life of the exporter as a service, kept apart from the Windows API so
// that it is tested everywhere: report Running at once, serve until the manager says stop or
// serve ends by itself, then wait for serve to finish (it drains and saves positions),
// reporting StopPending with a new checkpoint at each tick meanwhile.
func serviceLoop(commands <-chan serviceCommand, report func(serviceStatus), serve func(context.Context) error, ticks <-chan time.Time) error {
	report(serviceStatus{state: stateStartPending})
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	done := make(chan error, 1)
	go func() { done <- serve(ctx) }()
	running := serviceStatus{state: stateRunning}
	report(running)
	for {
		select {
		case err := <-done:
			report(serviceStatus{state: stateStopPending, checkPoint: 1, waitHint: stopWaitHint})
			return err
		case c := <-commands:
			switch c {
			case commandInterrogate:
				report(running)
			case commandStop:
				cancel(errors.New("stop requested by the service manager"))
				return stopping(commands, report, done, ticks)
			}
		}
	}
}

// stopping reports StopPending until serve has returned, with one more checkpoint per tick up
// to maxStopCheckpoints, and answers Interrogate meanwhile.
func stopping(commands <-chan serviceCommand, report func(serviceStatus), done <-chan error, ticks <-chan time.Time) error {
	st := serviceStatus{state: stateStopPending, checkPoint: 1, waitHint: stopWaitHint}
	report(st)
	select { // a tick left over from while running is no progress
	case <-ticks:
	default:
	}
	for {
		select {
		case err := <-done:
			return err
		case c := <-commands:
			if c == commandInterrogate {
				report(st)
			}
		case <-ticks:
			if st.checkPoint < maxStopCheckpoints {
				st.checkPoint++
				report(st)
			}
		}
	}
}
