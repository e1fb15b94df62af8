//go:build !windows

package report

import "os"

// openShared opens path for reading; on Unix that never blocks the writer's rename or delete.
func openShared(path string) (*os.File, error) { return os.Open(path) }
