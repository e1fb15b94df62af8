//go:build !windows

package exporter

import "os"

// probeOpen opens path for reading and closes it at once, to tell whether it can be read.
func probeOpen(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}
