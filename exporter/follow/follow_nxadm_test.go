package follow

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nxadm/tail"
)

// Nxadm selects the adapter over github.com/nxadm/tail below. It exists in
// the tests only: the rotation matrix measures it against the own follower.
const Nxadm Implementation = -1

// nxadmEnv turns the nxadm half of the tests on (.ci/run sets it): it waits
// on nxadm's own timer and takes most of the package's test time.
const nxadmEnv = "AZUREMFA_TEST_NXADM"

// needNxadm skips a test of the nxadm adapter unless nxadmEnv is set.
func needNxadm(t *testing.T) {
	t.Helper()
	if os.Getenv(nxadmEnv) == "" {
		t.Skipf("the nxadm/tail half of the matrix runs with %s=1 (as .ci/run does)", nxadmEnv)
	}
}

// newFollower is New, and the nxadm adapter for Implementation Nxadm.
func newFollower(cfg Config) (*Follower, error) {
	if cfg.Implementation != Nxadm {
		return New(cfg)
	}
	return &Follower{impl: Nxadm, r: newNxadm(cfg.withDefaults())}, nil
}

// implName names an implementation in test names.
func implName(i Implementation) string {
	if i == Nxadm {
		return "nxadm"
	}
	return i.String()
}

// nxadmFollower serves the Run/emit contract over github.com/nxadm/tail
// v1.4.11, with every workaround its known defects call for: CompleteLines
// (else a partial line is emitted as a whole one), Follow with ReOpen (else a
// rotation ends the tail), MustExist false, no RateLimiter (it drops lines),
// a slog adapter as Logger (its default writes to stderr), CR stripped here
// (it keeps it), drain-then-Stop on shutdown (Stop deadlocks while nobody
// reads Lines). What it cannot do: decode UTF-16, drain a renamed file in
// poll mode, see a truncation that regrew within one poll, give exact
// offsets or identities, bound memory on a long line (its line buffer grows
// without limit).
type nxadmFollower struct {
	cfg      Config
	log      *slog.Logger
	consumed atomic.Int64
	mu       sync.Mutex
	id       fileID // identity at the path when last (re)opened: approximate
}

func newNxadm(cfg Config) *nxadmFollower {
	return &nxadmFollower{cfg: cfg, log: cfg.Logger.With("path", cfg.Path, "implementation", "nxadm")}
}

func (n *nxadmFollower) position() Position {
	n.mu.Lock()
	defer n.mu.Unlock()
	return Position{Path: n.cfg.Path, Identity: n.id.String(), Offset: n.consumed.Load(), Encoding: encUTF8.String()}
}

func (n *nxadmFollower) noteIdentity() {
	st, err := statPath(n.cfg.Path)
	n.mu.Lock()
	n.id = st.id
	if err != nil {
		n.id = fileID{}
	}
	n.mu.Unlock()
}

func (n *nxadmFollower) run(ctx context.Context, emit func([]byte)) error {
	obs := n.cfg.Observer
	events := make(chan string, 64)
	tc := tail.Config{
		Follow:        !n.cfg.OneShot,
		ReOpen:        !n.cfg.OneShot,
		MustExist:     n.cfg.OneShot,
		Poll:          n.cfg.Poll,
		CompleteLines: true,
		Logger:        &nxadmLogger{log: n.log, events: events},
	}
	st, statErr := statPath(n.cfg.Path)
	if !n.cfg.OneShot && statErr == nil && !st.isDir {
		switch r := n.cfg.Resume; {
		case r != nil && r.Identity == st.id.String() && r.Offset <= st.size:
			tc.Location = &tail.SeekInfo{Offset: r.Offset, Whence: io.SeekStart}
			n.consumed.Store(r.Offset)
		case !n.cfg.FromStart:
			// Like nginxlog: the end only for a file present at start.
			tc.Location = &tail.SeekInfo{Offset: st.size, Whence: io.SeekStart}
			n.consumed.Store(st.size)
		}
	}
	t, err := tail.TailFile(n.cfg.Path, tc)
	if err != nil {
		return err
	}
	defer func() {
		// Stop deadlocks while nobody reads Lines: drain first.
		go func() {
			for range t.Lines {
			}
		}()
		_ = t.Stop() // an error it ended with was reported from t.Err() when Lines closed
		t.Cleanup()
	}()
	if statErr == nil {
		n.noteIdentity()
		obs.FileOpened()
	} else {
		obs.FileClosed()
		obs.Missing()
	}
	var buf []byte
	handle := func(ev string) {
		switch ev {
		case "missing":
			obs.FileClosed()
			obs.Missing()
		case ReasonRotated, ReasonTruncated:
			n.consumed.Store(0)
			obs.Reopened(ev)
		case "opened":
			n.noteIdentity()
			obs.FileOpened()
		}
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-t.Lines:
			// The logger's events were sent before this line: handle them first.
			for drained := false; !drained; {
				select {
				case ev := <-events:
					handle(ev)
				default:
					drained = true
				}
			}
			if !ok {
				if n.cfg.OneShot {
					return nil
				}
				if err := t.Err(); err != nil {
					obs.ReadError(err)
					return err
				}
				return nil
			}
			if line.Err != nil {
				obs.ReadError(line.Err)
				continue
			}
			text := line.Text
			size := int64(len(text)) + 1
			if n.consumed.Load() == 0 {
				text = strings.TrimPrefix(text, "\xef\xbb\xbf")
			}
			text = strings.TrimSuffix(text, "\r")
			if len(text) > n.cfg.MaxLineBytes {
				obs.LineTooLong()
			} else {
				buf = append(buf[:0], text...)
				emit(buf)
			}
			off := n.consumed.Add(size)
			obs.Progress(off, off)
		}
	}
}

// nxadmLogger routes nxadm/tail's messages to slog and turns the ones that
// mark a reopen into observer events (sent before the next line).
type nxadmLogger struct {
	log    *slog.Logger
	events chan<- string
}

func (l *nxadmLogger) Print(v ...any)                 { l.msg(fmt.Sprint(v...)) }
func (l *nxadmLogger) Printf(format string, v ...any) { l.msg(fmt.Sprintf(format, v...)) }
func (l *nxadmLogger) Println(v ...any)               { l.msg(fmt.Sprintln(v...)) }

// Fatal and Panic are never called by tail.go through this logger (its
// util.Fatal calls os.Exit on its own logger); keep the semantics anyway.
func (l *nxadmLogger) Fatal(v ...any)                 { l.fatal(fmt.Sprint(v...)) }
func (l *nxadmLogger) Fatalf(format string, v ...any) { l.fatal(fmt.Sprintf(format, v...)) }
func (l *nxadmLogger) Fatalln(v ...any)               { l.fatal(fmt.Sprintln(v...)) }
func (l *nxadmLogger) Panic(v ...any)                 { l.panic(fmt.Sprint(v...)) }
func (l *nxadmLogger) Panicf(format string, v ...any) { l.panic(fmt.Sprintf(format, v...)) }
func (l *nxadmLogger) Panicln(v ...any)               { l.panic(fmt.Sprintln(v...)) }

func (l *nxadmLogger) fatal(s string) {
	l.log.Error(s)
	os.Exit(1)
}

func (l *nxadmLogger) panic(s string) {
	l.log.Error(s)
	panic(s)
}

func (l *nxadmLogger) msg(s string) {
	s = strings.TrimSpace(s)
	var ev string
	switch {
	case strings.HasPrefix(s, "Waiting for "):
		ev = "missing"
	case strings.HasPrefix(s, "Re-opening moved/deleted"):
		ev = ReasonRotated
	case strings.HasPrefix(s, "Re-opening truncated"):
		ev = ReasonTruncated
	case strings.HasPrefix(s, "Successfully reopened"):
		ev = "opened"
	}
	l.log.Debug(s)
	if ev != "" {
		select {
		case l.events <- ev:
		default: // a burst of reopens: counting them is best effort
		}
	}
}
