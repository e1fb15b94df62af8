//go:build windows

package main

import "os"

// notifyHangup does nothing: Windows has no SIGHUP and no SIGPIPE.
func notifyHangup(chan<- os.Signal) {}
