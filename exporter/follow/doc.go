// Package follow turns one log file on disk into whole UTF-8 lines, across
// rollovers, truncations, restarts and the file going missing. It knows
// nothing of what the lines mean.
//
// The follower has the mtail shape: it reads in large chunks into one reused
// buffer, keeps a partial last line until its newline arrives, and decides
// about rotation and truncation only at end of file, after draining the
// handle it holds. File identity always comes from the open handle.
//
// Two implementations serve the same Run/emit contract: the package's own
// follower and an adapter over github.com/nxadm/tail. The rotation matrix in
// follow_matrix_test.go runs against both; New picks the one the matrix
// proves for the configured mode (see Implementation).
package follow
