//go:build windows

package follow

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// handleIdentity reads volume serial number, file index and size from the
// open handle. os.Stat by name loads the file index lazily by path, which
// after a rotation names the new file: never use it for identity. A handle
// that is not a disk file (a pipe or a device) is refused.
func handleIdentity(f *os.File) (fileID, int64, error) {
	h := windows.Handle(f.Fd())
	if err := diskFile(h, f.Name()); err != nil {
		return fileID{}, 0, err
	}
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		return fileID{}, 0, &os.PathError{Op: "GetFileInformationByHandle", Path: f.Name(), Err: err}
	}
	return infoID(&fi), int64(fi.FileSizeHigh)<<32 | int64(fi.FileSizeLow), nil
}

// diskFile refuses a handle to a pipe or a character device.
func diskFile(h windows.Handle, path string) error {
	switch t, _ := windows.GetFileType(h); t {
	case windows.FILE_TYPE_PIPE:
		return notRegular(path, fs.ModeNamedPipe)
	case windows.FILE_TYPE_CHAR:
		return notRegular(path, fs.ModeDevice|fs.ModeCharDevice)
	}
	return nil
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
	defer func() { _ = windows.CloseHandle(h) }() // opened for attributes only
	var fi windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &fi); err != nil {
		if derr := diskFile(h, path); derr != nil {
			return pathStat{irregular: derr}, nil
		}
		return pathStat{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return pathStat{
		id:        infoID(&fi),
		size:      int64(fi.FileSizeHigh)<<32 | int64(fi.FileSizeLow),
		isDir:     fi.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0,
		irregular: diskFile(h, path),
	}, nil
}
