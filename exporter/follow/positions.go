package follow

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// positionsVersion is the format of the positions file; a file with another
// version is treated as foreign.
const positionsVersion = 1

type positionsFile struct {
	Version   int        `json:"version"`
	Positions []Position `json:"positions"`
}

// LoadPositions reads a positions file written by SavePositions. A missing
// file is an empty map (first run). A corrupt or foreign file is an error
// the caller logs and then ignores. An entry that cannot be used (no path, a
// negative offset) is left out and described in skipped, for the caller to
// say so: the log it was for is read as if it had no entry.
func LoadPositions(path string) (ps map[string]Position, skipped []string, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Position{}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	var pf positionsFile
	if err := json.Unmarshal(b, &pf); err != nil {
		return nil, nil, fmt.Errorf("positions file %s is corrupt: %w", path, err)
	}
	if pf.Version != positionsVersion {
		return nil, nil, fmt.Errorf("positions file %s has version %d, want %d (not written by this exporter?)", path, pf.Version, positionsVersion)
	}
	ps = make(map[string]Position, len(pf.Positions))
	for i, p := range pf.Positions {
		switch {
		case p.Path == "":
			skipped = append(skipped, fmt.Sprintf("entry %d has no path", i+1))
		case p.Offset < 0:
			skipped = append(skipped, fmt.Sprintf("entry %d (%s) has a negative offset %d", i+1, p.Path, p.Offset))
		default:
			ps[p.Path] = p
		}
	}
	return ps, skipped, nil
}

// SavePositions writes ps atomically: a temporary file in the same
// directory, fsynced, then renamed over path. A crash leaves either the old
// file or the new one, never half of one.
func SavePositions(path string, ps []Position) error {
	b, err := json.MarshalIndent(positionsFile{Version: positionsVersion, Positions: ps}, "", "  ")
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, base+".tmp*")
	if err != nil {
		return err
	}
	// After a successful rename there is nothing to remove; after a failure the error
	// returned is the one that matters, not whether the temporary file could go.
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		_ = tmp.Close() // the write or sync error is the one to return
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // the write or sync error is the one to return
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable where the OS allows it (not on Windows,
// where directories cannot be opened for sync; NTFS journals the rename).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
