package follow

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// safetyPollFactor: in notify mode a slow poll still runs, for file systems
// whose notifications go missing (network shares, NTFS while the writer
// keeps the file open, inotify queue overflow).
const safetyPollFactor = 8

// waker says when to look at the file again: a timer, an injected channel
// (tests), and in notify mode file-system events for the file's directory.
type waker struct {
	log      *slog.Logger
	wake     <-chan struct{}
	ticker   *time.Ticker
	watcher  *fsnotify.Watcher
	dir      string
	stem     string
	watching bool
	warned   bool
}

func newWaker(cfg Config, dir, base string, log *slog.Logger) *waker {
	w := &waker{log: log, wake: cfg.Wake, dir: dir,
		stem: strings.ToLower(strings.TrimSuffix(base, filepath.Ext(base)))}
	interval := cfg.PollInterval
	if !cfg.Poll {
		fw, err := fsnotify.NewWatcher()
		if err != nil {
			log.Warn("file-system notifications unavailable; polling instead", "err", err)
		} else {
			w.watcher = fw
			interval *= safetyPollFactor
			w.addWatch()
		}
	}
	if w.wake == nil {
		w.ticker = time.NewTicker(interval)
	}
	return w
}

// addWatch watches the directory, not the file, so that creation, rename
// and removal are seen even while the file is missing.
func (w *waker) addWatch() {
	if err := w.watcher.Add(w.dir); err != nil {
		if !w.warned {
			w.log.Warn("cannot watch log directory; relying on the safety poll", "dir", w.dir, "err", err)
			w.warned = true
		}
		return
	}
	w.watching, w.warned = true, false
}

func (w *waker) close() {
	if w.ticker != nil {
		w.ticker.Stop()
	}
	if w.watcher != nil {
		if err := w.watcher.Close(); err != nil {
			w.log.Debug("cannot close the directory watch", "dir", w.dir, "err", err)
		}
	}
}

// wait blocks until the next look is due; woke is false when ctx is done,
// tick tells a timed poll from a file-system event.
func (w *waker) wait(ctx context.Context) (woke, tick bool) {
	if w.watcher != nil && !w.watching {
		w.addWatch()
	}
	var timer <-chan time.Time
	if w.ticker != nil {
		timer = w.ticker.C
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.watcher != nil {
		events, errs = w.watcher.Events, w.watcher.Errors
	}
	for {
		select {
		case <-ctx.Done():
			return false, false
		case <-w.wake:
			return true, true
		case <-timer:
			return true, true
		case err := <-errs:
			// Overflow or similar: events may be lost, so look now.
			w.log.Debug("file-system notification error", "err", err)
			return true, false
		case ev := <-events:
			if ev.Name == w.dir && ev.Op&(fsnotify.Remove|fsnotify.Rename) != 0 {
				w.watching = false
			}
			if w.relevant(ev) {
				w.drainEvents()
				return true, false
			}
		}
	}
}

// relevant: our file and its rolled-over siblings (a renamed file that
// still grows must be drained); other logs in the same directory are not.
func (w *waker) relevant(ev fsnotify.Event) bool {
	return strings.HasPrefix(strings.ToLower(filepath.Base(ev.Name)), w.stem)
}

// drainEvents coalesces queued events into the one look about to happen.
func (w *waker) drainEvents() {
	for {
		select {
		case <-w.watcher.Events:
		default:
			return
		}
	}
}
