//go:build windows

package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
)

func isWindowsService() bool {
	ok, err := svc.IsWindowsService()
	return err == nil && ok
}

// runAsService hands the exporter to the service manager until it is stopped.
func runAsService(serve func(context.Context) error) error {
	h := &serviceHandler{serve: serve}
	if err := svc.Run(serviceName, h); err != nil {
		return err
	}
	return h.err
}

type serviceHandler struct {
	serve func(context.Context) error
	err   error
}

// Execute adapts the service manager's requests to serviceLoop.
func (h *serviceHandler) Execute(_ []string, requests <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	commands := make(chan serviceCommand)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case r := <-requests:
				c := commandOther
				switch r.Cmd {
				case svc.Interrogate:
					c = commandInterrogate
				case svc.Stop, svc.Shutdown:
					c = commandStop
				}
				select {
				case commands <- c:
				case <-stop:
					return
				}
			}
		}
	}()
	report := func(s serviceStatus) {
		switch s.state {
		case stateStartPending:
			status <- svc.Status{State: svc.StartPending}
		case stateRunning:
			status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
		case stateStopPending:
			status <- svc.Status{State: svc.StopPending, CheckPoint: s.checkPoint, WaitHint: uint32(s.waitHint / time.Millisecond)}
		}
	}
	ticker := time.NewTicker(stopProgressEvery)
	defer ticker.Stop()
	h.err = serviceLoop(commands, report, h.serve, ticker.C)
	if h.err != nil {
		return true, 1 // a service-specific exit code, so that recovery actions restart it
	}
	return false, 0
}

// eventLogWriter writes each log record as an event of the level the record names.
type eventLogWriter struct {
	mu  sync.Mutex
	log *eventlog.Log
}

func openEventLog(source string) (*eventLogWriter, error) {
	l, err := eventlog.Open(source)
	if err != nil {
		return nil, err
	}
	return &eventLogWriter{log: l}, nil
}

func (w *eventLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	msg := strings.TrimRight(string(p), "\n")
	const eventID = 1
	var err error
	switch recordLevel(p) {
	case slog.LevelError:
		err = w.log.Error(eventID, msg)
	case slog.LevelWarn:
		err = w.log.Warning(eventID, msg)
	default:
		err = w.log.Info(eventID, msg)
	}
	return len(p), err
}

func (w *eventLogWriter) Close() error { return w.log.Close() }
