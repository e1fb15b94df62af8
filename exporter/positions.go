package exporter

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// defaultPositionsInterval is how often positions are saved while running, besides the
// saves a follower asks for after a resume, a rollover or a truncation.
const defaultPositionsInterval = 5 * time.Second

// positions keeps the positions file of one exporter: which entry each log resumed from,
// the entries that match no configured log (kept, never dropped), and what was written last
// (a save that would write the same is skipped). Saves are serialised.
type positions struct {
	path    string
	logger  *slog.Logger
	extra   []follow.Position
	req     chan struct{} // a follower asks for a save (Checkpoint); buffered: requests coalesce
	mu      sync.Mutex
	last    []follow.Position
	lastErr string // of the periodic saves: said once per change
}

// loadPositions reads the positions file and gives each log the entry saved for it: the one
// under its key (its absolute, cleaned path), or else one saved under another spelling of
// the same file, recognised by identity: the entry's file identity is the file at the log's
// path now, or the entry's path names that file now. An entry that matches no log is logged
// and kept in the file.
func loadPositions(path string, logs []*followedLog, logger *slog.Logger) *positions {
	p := &positions{path: path, logger: logger, req: make(chan struct{}, 1)}
	saved, skipped, err := follow.LoadPositions(path)
	if err != nil {
		logger.Warn("Ignoring the positions file; logs are read as if it were absent", "path", path, "err", err)
		return p
	}
	for _, why := range skipped {
		logger.Warn("Ignoring an entry of the positions file; its log is read as if it had none", "path", path, "entry", why)
	}
	left := map[string]follow.Position{}
	for _, s := range saved {
		left[positionKey(s.Path)] = s
		p.last = append(p.last, s) // what the file holds: a first save that would write the same is skipped
	}
	for _, l := range logs {
		if s, ok := left[l.key]; ok {
			l.resumed = &s
			delete(left, l.key)
		}
	}
	for _, l := range logs {
		if l.resumed != nil {
			continue
		}
		id, err := follow.PathIdentity(l.Path)
		if err != nil {
			continue // nothing at the path to compare with
		}
		for _, k := range slices.Sorted(maps.Keys(left)) {
			s := left[k]
			if sid, err := follow.PathIdentity(s.Path); s.Identity == id || (err == nil && sid == id) {
				logger.Info("Resuming from the position saved under another spelling of the path", "log", l.Name, "path", l.Path, "saved_path", s.Path)
				l.resumed = &s
				delete(left, k)
				break
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(left)) {
		logger.Warn("The positions file has an entry for no configured log; keeping it unchanged", "path", path, "entry", left[k].Path)
		p.extra = append(p.extra, left[k])
	}
	return p
}

// request asks for a save soon; it never blocks (follow.Config.Checkpoint).
func (p *positions) request() {
	select {
	case p.req <- struct{}{}:
	default: // one is pending already: it will save the newest positions
	}
}

// saveEvery saves on request and every interval until ctx is done or stop is closed.
func (p *positions) saveEvery(ctx context.Context, stop <-chan struct{}, every time.Duration, logs []*followedLog) {
	if every <= 0 {
		every = defaultPositionsInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-t.C:
		case <-p.req:
		}
		err := p.save(logs)
		switch {
		case err == nil && p.lastErr != "":
			p.logger.Info("Positions saved again", "path", p.path)
			p.lastErr = ""
		case err != nil && err.Error() != p.lastErr:
			p.logger.Warn("Cannot save positions; retrying", "err", err)
			p.lastErr = err.Error()
		}
	}
}

// save writes the position of every log, and the entries of no configured log, unless
// nothing moved since the last write. A log not opened in this run keeps the position it
// resumed from.
func (p *positions) save(logs []*followedLog) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ps := make([]follow.Position, 0, len(logs)+len(p.extra))
	for _, l := range logs {
		pos := l.follower.Position()
		if pos.Identity == "" {
			if l.resumed == nil {
				continue
			}
			pos = *l.resumed
		}
		pos.Path = l.key
		ps = append(ps, pos)
	}
	ps = append(ps, p.extra...)
	if p.last != nil && samePositions(ps, p.last) {
		return nil
	}
	if err := follow.SavePositions(p.path, ps); err != nil {
		return fmt.Errorf("saving positions: %w", err)
	}
	p.last = ps
	return nil
}

// samePositions: a and b hold the same entries, in any order.
func samePositions(a, b []follow.Position) bool {
	if len(a) != len(b) {
		return false
	}
	byPath := make(map[string]follow.Position, len(b))
	for _, p := range b {
		byPath[p.Path] = p
	}
	for _, p := range a {
		if q, ok := byPath[p.Path]; !ok || !samePosition(p, q) {
			return false
		}
	}
	return true
}

// samePosition: a ≡ b for the positions file (the file's modification time alone moving is
// no reason to write).
func samePosition(a, b follow.Position) bool {
	return a.Path == b.Path && a.Identity == b.Identity && a.Offset == b.Offset &&
		a.Encoding == b.Encoding && bytes.Equal(a.Check, b.Check)
}
