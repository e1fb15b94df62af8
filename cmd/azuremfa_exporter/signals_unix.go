//go:build !windows

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyHangup delivers SIGHUP to c instead of ending the process. It also keeps a broken
// standard output or error (the reader of a pipe gone) from ending the process with SIGPIPE:
// writes to it fail with EPIPE instead, and the exporter serves on.
func notifyHangup(c chan<- os.Signal) {
	signal.Notify(c, syscall.SIGHUP)
	signal.Ignore(syscall.SIGPIPE)
}
