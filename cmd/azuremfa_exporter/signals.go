package main

import (
	"os"
	"syscall"
)

// signalName is the conventional name of a stop signal, for the log.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
