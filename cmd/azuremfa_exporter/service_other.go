//go:build !windows

package main

import (
	"context"
	"errors"
	"io"
)

func isWindowsService() bool { return false }

func runAsService(func(context.Context) error) error {
	return errors.New("running as a Windows service is only possible on Windows")
}

func openEventLog(string) (io.WriteCloser, error) {
	return nil, errors.New("the event log exists only on Windows")
}
