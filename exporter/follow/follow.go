package follow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Observer receives what the exporter counts. All calls come from the
// goroutine running Run.
type Observer interface {
	FileOpened()                 // a file is open and being read
	FileClosed()                 // no file open (missing, deleted, error)
	Missing()                    // the file is absent and waited for; once per transition to missing
	Reopened(reason string)      // "rotated", "truncated" or "error"
	ReadError(err error)         // once per transition into an error state, not per retry
	LineTooLong()                // a line over MaxLineBytes was dropped
	LineDamaged()                // a UTF-16 line broken by a stray byte was dropped
	Progress(offset, size int64) // consumed source-byte offset and file size, after each read batch
}

// Reopen reasons passed to Observer.Reopened.
const (
	ReasonRotated   = "rotated"
	ReasonTruncated = "truncated"
	ReasonError     = "error"
)

// Implementation selects the code that follows the file.
type Implementation int

const (
	// Auto lets New choose what the rotation matrix proves for the mode:
	// today always Own.
	Auto Implementation = iota
	// Own is this package's follower (mtail shape). The rotation matrix
	// also runs over an adapter of github.com/nxadm/tail, in the tests only,
	// as the measured reason this package follows files itself.
	Own
)

func (i Implementation) String() string {
	if i == Own {
		return "own"
	}
	return "auto"
}

// Config describes one followed file.
type Config struct {
	Path string
	// Poll selects polling only (forced on Windows by the caller); false uses
	// file-system notifications plus a slow safety poll.
	Poll bool
	// PollInterval defaults to 250ms. In notify mode the safety poll runs at
	// 8×PollInterval.
	PollInterval time.Duration
	// FromStart reads a file present when Run starts from its beginning
	// instead of its end. A file that appears later, or after a rollover, is
	// always read from 0.
	FromStart bool
	// OneShot reads from 0 to end of file and returns nil (replay), through
	// the same reader and decoding as following.
	OneShot bool
	// MaxLineBytes caps a line (source bytes, without the line ending);
	// longer lines are skipped with bounded memory. Default 1 MiB.
	MaxLineBytes int
	// Resume is where a previous run stopped (from the positions file).
	Resume *Position
	Logger *slog.Logger
	// Observer may be nil.
	Observer Observer
	// Wake, when set, replaces the poll timer (and the safety poll in notify
	// mode): each receive is one poll. For tests.
	Wake <-chan struct{}
	// Checkpoint, when set, is called (on the Run goroutine; it must not
	// block) each time the position has just moved to another file or back
	// to the start of this one: after a resume, after each rollover, after
	// a truncation. Saving positions then bounds what a crash can count
	// twice to the lines read since, and keeps a crash loop from replaying
	// the same generations.
	Checkpoint func()
	// Implementation defaults to Auto.
	Implementation Implementation
}

// Position is where a follower stands in a file: just past the last
// consumed line. Check holds the bytes just before Offset, so a file that
// was truncated and regrew while the exporter was stopped is recognised.
type Position struct {
	Path     string `json:"path"`
	Identity string `json:"identity"`
	Offset   int64  `json:"offset"`
	Encoding string `json:"encoding,omitempty"`
	Check    []byte `json:"check,omitempty"`
	// Modified is the file's last modification time (Unix nanoseconds)
	// when the position was taken. If the file is gone at restart, the
	// files rolled over after it are those modified later.
	Modified int64 `json:"modified,omitempty"`
}

const (
	defaultPollInterval = 250 * time.Millisecond
	defaultMaxLineBytes = 1 << 20
)

// runner is one implementation of the Follower contract.
type runner interface {
	run(ctx context.Context, emit func(line []byte)) error
	position() Position
}

// Follower follows one file. Run it once.
type Follower struct {
	impl Implementation
	r    runner
}

// New checks cfg, fills defaults and picks the implementation.
func New(cfg Config) (*Follower, error) {
	if cfg.Path == "" {
		return nil, errors.New("follow: empty path")
	}
	cfg = cfg.withDefaults()
	switch cfg.Implementation {
	case Auto, Own:
		return &Follower{impl: choose(cfg), r: newTailer(cfg)}, nil
	}
	return nil, fmt.Errorf("follow: unknown implementation %d", cfg.Implementation)
}

// withDefaults fills what cfg leaves at zero.
func (cfg Config) withDefaults() Config {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = defaultPollInterval
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = defaultMaxLineBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	return cfg
}

// choose is what the matrix proves (follow_matrix_test.go): nxadm/tail loses
// lines in poll mode, cannot decode UTF-16 (known only once the file is
// read), cannot resume by identity and does not bound memory on long lines,
// so it passes no mode completely. Our own follower passes every cell.
func choose(Config) Implementation { return Own }

// Implementation reports which implementation New chose.
func (f *Follower) Implementation() Implementation { return f.impl }

// Run emits every complete line (without "\n" and "\r", decoded to UTF-8)
// to emit, synchronously on the caller's goroutine, until ctx is done (or
// end of file in OneShot mode). The slice is valid only during the call;
// once emit returns the line counts as consumed for Position.
func (f *Follower) Run(ctx context.Context, emit func(line []byte)) error {
	return f.r.run(ctx, emit)
}

// Position is safe to call from any goroutine.
func (f *Follower) Position() Position { return f.r.position() }

type nopObserver struct{}

func (nopObserver) FileOpened()           {}
func (nopObserver) FileClosed()           {}
func (nopObserver) Missing()              {}
func (nopObserver) Reopened(string)       {}
func (nopObserver) ReadError(error)       {}
func (nopObserver) LineTooLong()          {}
func (nopObserver) LineDamaged()          {}
func (nopObserver) Progress(int64, int64) {}
