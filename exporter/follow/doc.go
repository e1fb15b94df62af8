// Package follow turns one log file on disk into whole UTF-8 lines, across
// rollovers, truncations, restarts and the file going missing. It knows
// nothing of what the lines mean.
//
// The follower has the mtail shape: it reads in large chunks into one reused
// buffer, keeps a partial last line until its newline arrives, and decides
// about rotation and truncation only at end of file, after draining the
// handle it holds. File identity always comes from the open handle.
//
// The rotation matrix in follow_matrix_test.go runs against this follower
// and, in the tests only, against an adapter over github.com/nxadm/tail
// serving the same Run/emit contract: the measured reason the package
// follows files itself. The production binary does not link nxadm/tail.
//
// The logs, their rolled-over siblings and copies are only ever opened for
// reading: an error closing such a handle loses nothing, so those closes are
// written `_ = f.Close()`. The positions file is written: an error writing,
// syncing, closing or renaming it is returned.
package follow
