//go:build !windows

package follow

import (
	"os"
	"syscall"
)

// openShared opens path for reading. On Unix opening never blocks the
// writer's rename or delete. O_NONBLOCK keeps open(2) from waiting for a
// writer if the path is a FIFO (it changes nothing for a regular file);
// the caller then refuses the handle by its type.
func openShared(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}

// isLocked: Unix has no mandatory locks that fail a read.
func isLocked(error) bool { return false }
