//go:build !windows

package follow

import (
	"os"
	"syscall"
)

// idOf is what os.SameFile compares on Unix: device and inode.
func idOf(fi os.FileInfo) fileID {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{vol: uint64(st.Dev), idx: uint64(st.Ino)}
	}
	return fileID{}
}

// handleIdentity takes identity and size from the open handle (fstat). A
// handle that is not a regular file is refused.
func handleIdentity(f *os.File) (fileID, int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return fileID{}, 0, err
	}
	if !fi.Mode().IsRegular() {
		return fileID{}, 0, notRegular(f.Name(), fi.Mode())
	}
	return idOf(fi), fi.Size(), nil
}

// statPath reports what is at path now.
func statPath(path string) (pathStat, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return pathStat{}, err
	}
	st := pathStat{id: idOf(fi), size: fi.Size(), isDir: fi.IsDir()}
	if !st.isDir && !fi.Mode().IsRegular() {
		st.irregular = notRegular(path, fi.Mode())
	}
	return st, nil
}
