// Package exporter follows Azure MFA Server logs and publishes what logparse finds in them
// as Prometheus metrics: one goroutine per log runs follower → parser → correlator → metrics.
package exporter

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// Log label values, one per kind of log file.
const (
	LogRadius  = "radius"
	LogIIS     = "iis"
	LogService = "service"
	LogSyslog  = "syslog"
)

// LogFile is one log to follow.
type LogFile struct {
	Name string // the log label: radius, iis, service or syslog
	Path string
}

// FollowConfig says how files are followed.
type FollowConfig struct {
	Poll              bool          // poll instead of file-system notifications (always on Windows)
	PollInterval      time.Duration // 0: the follower's default
	FromStart         bool          // read files present at start from their beginning
	OneShot           bool          // read every file from start to end, then stop
	MaxLineBytes      int           // 0: the follower's default
	PositionsFile     string        // "" disables positions
	PositionsInterval time.Duration // how often positions are saved while running
}

// Config is everything an Exporter needs.
type Config struct {
	Logs     []LogFile
	Follow   FollowConfig
	Pipeline PipelineConfig
}

// Exporter follows the configured logs and keeps their metrics.
type Exporter struct {
	cfg       Config
	logger    *slog.Logger
	followers []*follow.Follower
	pipelines []*Pipeline
	metrics   []*LogMetrics
	resumed   map[string]follow.Position // from the positions file, by path
}

// New checks the configuration, registers the metrics on reg and prepares a follower and a
// pipeline per log. Nothing is read before Run.
func New(cfg Config, reg prometheus.Registerer, logger *slog.Logger) (*Exporter, error) {
	if len(cfg.Logs) == 0 {
		return nil, errors.New("no log file configured: set --mfa.log-dir or one of --mfa.radius-log, --mfa.iis-log, --mfa.service-log, --mfa.syslog-log")
	}
	names, paths := map[string]bool{}, map[string]string{}
	for _, l := range cfg.Logs {
		if names[l.Name] {
			return nil, fmt.Errorf("log %q configured twice", l.Name)
		}
		names[l.Name] = true
		// Compared as cleaned absolute paths: one file followed twice would be counted twice.
		abs, err := filepath.Abs(l.Path)
		if err != nil {
			abs = filepath.Clean(l.Path)
		}
		if other, ok := paths[abs]; ok {
			return nil, fmt.Errorf("logs %q and %q are the same file %s", other, l.Name, l.Path)
		}
		paths[abs] = l.Name
	}
	m, err := NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	var resume map[string]follow.Position
	if cfg.Follow.PositionsFile != "" && !cfg.Follow.OneShot {
		resume, err = follow.LoadPositions(cfg.Follow.PositionsFile)
		if err != nil {
			logger.Warn("Ignoring the positions file; logs are read as if it were absent", "path", cfg.Follow.PositionsFile, "err", err)
			resume = nil
		}
	}
	e := &Exporter{cfg: cfg, logger: logger, resumed: resume}
	for _, l := range cfg.Logs {
		logLogger := logger.With("log", l.Name)
		lm := m.ForLog(l.Name, cfg.Pipeline.StatsWindow)
		p := NewPipeline(lm, cfg.Pipeline, logLogger)
		fc := follow.Config{
			Path:         l.Path,
			Poll:         cfg.Follow.Poll || runtime.GOOS == "windows",
			PollInterval: cfg.Follow.PollInterval,
			FromStart:    cfg.Follow.FromStart,
			OneShot:      cfg.Follow.OneShot,
			MaxLineBytes: cfg.Follow.MaxLineBytes,
			Logger:       logLogger,
			Observer:     &fileHealth{l: lm, logger: logLogger, path: l.Path},
		}
		if pos, ok := resume[l.Path]; ok {
			fc.Resume = &pos
		}
		f, err := follow.New(fc)
		if err != nil {
			return nil, fmt.Errorf("log %s (%s): %w", l.Name, l.Path, err)
		}
		e.followers = append(e.followers, f)
		e.pipelines = append(e.pipelines, p)
		e.metrics = append(e.metrics, lm)
	}
	return e, nil
}

// Run follows every log until ctx is done (or, one-shot, until each is read to its end),
// then saves positions. A log that fails does not stop the others.
func (e *Exporter) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, len(e.followers))
	for i := range e.followers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.followers[i].Run(ctx, e.pipelines[i].HandleLine)
			if e.cfg.Follow.OneShot && errors.Is(err, fs.ErrNotExist) {
				// Replaying a folder where one log does not exist (no IIS module, say) is no failure.
				e.logger.Warn("Log file does not exist; nothing to replay", "log", e.cfg.Logs[i].Name, "path", e.cfg.Logs[i].Path)
				e.metrics[i].readErrors.Inc()
				return
			}
			if err != nil && ctx.Err() == nil {
				e.logger.Error("Stopped following a log", "log", e.cfg.Logs[i].Name, "err", err)
			}
			errs[i] = err
		}()
	}
	if e.cfg.Follow.PositionsFile != "" && !e.cfg.Follow.OneShot {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.savePositionsEvery(ctx, e.cfg.Follow.PositionsInterval)
		}()
	}
	wg.Wait()
	if e.cfg.Follow.PositionsFile != "" && !e.cfg.Follow.OneShot {
		if err := e.SavePositions(); err != nil {
			// Said here: a stop returns nil, and the next start would silently go back to the
			// previous save.
			e.logger.Error("Cannot save positions at stop; the next start resumes from the previous save", "err", err)
			errs = append(errs, err)
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return errors.Join(errs...)
}

// SavePositions writes the offsets of every log to the positions file, atomically.
func (e *Exporter) SavePositions() error {
	ps := make([]follow.Position, 0, len(e.followers))
	for i, f := range e.followers {
		p := f.Position()
		if p.Identity == "" { // never opened in this run: keep what the last run knew
			var ok bool
			if p, ok = e.resumed[e.cfg.Logs[i].Path]; !ok {
				continue
			}
		}
		ps = append(ps, p)
	}
	if err := follow.SavePositions(e.cfg.Follow.PositionsFile, ps); err != nil {
		return fmt.Errorf("saving positions: %w", err)
	}
	return nil
}

func (e *Exporter) savePositionsEvery(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.SavePositions(); err != nil {
				e.logger.Warn("Cannot save positions", "err", err)
			}
		}
	}
}
