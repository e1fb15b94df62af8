//go:build !windows

package follow

import "os"

// openShared opens path for reading. On Unix opening never blocks the
// writer's rename or delete.
func openShared(path string) (*os.File, error) { return os.Open(path) }

// isLocked: Unix has no mandatory locks that fail a read.
func isLocked(error) bool { return false }
