package follow

import (
	"errors"
	"fmt"
	"io/fs"
)

// fileID identifies a file independent of its name: device and inode on
// Unix, volume serial number and file index on Windows.
type fileID struct{ vol, idx uint64 }

func (id fileID) String() string {
	if id == (fileID{}) {
		return ""
	}
	return fmt.Sprintf("%x:%x", id.vol, id.idx)
}

// pathStat is what statPath found at the followed path.
type pathStat struct {
	id    fileID
	size  int64
	isDir bool
}

// errGone marks a path that is being deleted: on Windows, access denied
// when opening a file for its attributes. That is what a delete-pending
// file answers, but also what a real permission problem answers, so the
// tailer turns a lasting one into an error (see deniedGrace).
var errGone = errors.New("access denied (file being deleted?)")

// isGone reports whether err means "nothing at the path".
func isGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, errGone)
}
