//go:build windows

package exporter

import (
	"os"

	"golang.org/x/sys/windows"
)

// probeOpen opens path for reading and closes it at once, to tell whether it can be read. It
// shares read, write and delete, as the follower does, so that even for that instant MFA
// Server can still rename or delete its log.
func probeOpen(path string) error {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, windows.GENERIC_READ,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE, nil,
		windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	return windows.CloseHandle(h)
}
