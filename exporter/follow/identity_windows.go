//go:build windows

package follow

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// handleIdentity reads volume serial number, file index and size from the
// open handle. os.Stat by name loads the file index lazily by path, which
// after a rotation names the new file: never use it for identity.
func handleIdentity(f *os.File) (fileID, int64, error) {
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(windows.Handle(f.Fd()), &fi); err != nil {
		return fileID{}, 0, &os.PathError{Op: "GetFileInformationByHandle", Path: f.Name(), Err: err}
	}
	return infoID(&fi), int64(fi.FileSizeHigh)<<32 | int64(fi.FileSizeLow), nil
}

func infoID(fi *windows.ByHandleFileInformation) fileID {
	return fileID{vol: uint64(fi.VolumeSerialNumber), idx: uint64(fi.FileIndexHigh)<<32 | uint64(fi.FileIndexLow)}
}

// statPath opens path for attributes only, sharing everything, and reads
// identity from that handle. Access denied here means delete-pending: the
// file is deleted but a handle keeps it; treat it as gone.
func statPath(path string) (pathStat, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return pathStat{}, err
	}
	h, err := windows.CreateFile(p, windows.FILE_READ_ATTRIBUTES, shareAll, nil,
		windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_DELETE_PENDING) {
			err = errGone
		}
		return pathStat{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	defer windows.CloseHandle(h)
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		return pathStat{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return pathStat{
		id:    infoID(&fi),
		size:  int64(fi.FileSizeHigh)<<32 | int64(fi.FileSizeLow),
		isDir: fi.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0,
	}, nil
}
