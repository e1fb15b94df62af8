package follow

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	// irregular: neither a regular file nor a directory (a FIFO, socket or
	// device), never opened for reading.
	irregular error
}

// usable reports why the path cannot be followed, or nil.
func (st pathStat) usable(path string) error {
	switch {
	case st.isDir:
		return fmt.Errorf("%s %w", path, errIsDir)
	case st.irregular != nil:
		return st.irregular
	}
	return nil
}

// errGone marks a path that is being deleted: on Windows, access denied
// when opening a file for its attributes. That is what a delete-pending
// file answers, but also what a real permission problem answers, so the
// tailer turns a lasting one into an error (see deniedGrace).
var errGone = errors.New("access denied (file being deleted?)")

var (
	errIsDir = errors.New("is a directory, not a file")
	// errNotRegular: a FIFO, socket or device at a log path. Reading one
	// could block for ever (a FIFO without a writer), so it is refused.
	errNotRegular = errors.New("not a regular file")
)

// notRegular is the error for a path whose file type is not a regular file.
func notRegular(path string, mode fs.FileMode) error {
	kind := "a special file"
	switch {
	case mode.IsDir():
		kind = "a directory"
	case mode&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	}
	return &os.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w: %s, refused", errNotRegular, kind)}
}

// isGone reports whether err means "nothing at the path".
func isGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, errGone)
}

// openFile opens path for reading without ever blocking (a FIFO that
// appeared at the path since it was looked at is refused, not waited on),
// and takes identity and size from the open handle. The handle is closed
// on any error.
func openFile(path string) (*os.File, fileID, int64, error) {
	f, err := openShared(path)
	if err != nil {
		return nil, fileID{}, 0, err
	}
	id, size, err := handleIdentity(f)
	if err != nil {
		_ = f.Close()
		return nil, fileID{}, 0, err
	}
	return f, id, size, nil
}

// Probe opens path as the follower opens it (shared, never blocking, a
// non-regular file refused) and closes it at once: whether it can be read
// now. For people asking why a log is not followed.
func Probe(path string) error {
	f, _, _, err := openFile(path)
	if err != nil {
		return err
	}
	return f.Close()
}

// PathIdentity is the identity of the file at path now (device and inode,
// or volume and file index on Windows), whatever the spelling of the path
// or the symbolic links on the way: two paths with the same identity name
// one file.
func PathIdentity(path string) (string, error) {
	st, err := statPath(path)
	if err != nil {
		return "", err
	}
	if err := st.usable(path); err != nil {
		return "", err
	}
	return st.id.String(), nil
}
