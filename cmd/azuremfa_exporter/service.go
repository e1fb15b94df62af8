package main

import (
	"context"
)

// serviceName is the name the service is installed under (sc.exe create azuremfa_exporter ...)
// and the event log source it writes as.
const serviceName = "azuremfa_exporter"

// serviceState is what the exporter reports to the service manager.
type serviceState int

const (
	stateStartPending serviceState = iota
	stateRunning
	stateStopPending
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
// serve ends by itself, then wait for serve to finish (it drains and saves positions).
func serviceLoop(commands <-chan serviceCommand, report func(serviceState), serve func(context.Context) error) error {
	report(stateStartPending)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serve(ctx) }()
	report(stateRunning)
	for {
		select {
		case err := <-done:
			report(stateStopPending)
			return err
		case c := <-commands:
			switch c {
			case commandInterrogate:
				report(stateRunning)
			case commandStop:
				report(stateStopPending)
				cancel()
				return <-done
			}
		}
	}
}
