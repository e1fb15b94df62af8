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

// defaultStopGrace is how long Run waits, once ctx is done, for the followers to return
// before it saves positions without the stragglers (well inside the 5 s a service stop
// allows).
const defaultStopGrace = time.Second

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
	// StopGrace is how long a stop waits for a follower stuck in a system call before it
	// saves positions without it (it keeps its last known position). 0: 1 s.
	StopGrace time.Duration
}

// Config is everything an Exporter needs.
type Config struct {
	Logs     []LogFile
	Follow   FollowConfig
	Pipeline PipelineConfig
}

// logFollower is what the exporter needs of a follower (*follow.Follower).
type logFollower interface {
	Run(ctx context.Context, emit func(line []byte)) error
	Position() follow.Position
}

// followedLog is one configured log and what follows it.
type followedLog struct {
	LogFile
	key      string // the absolute, cleaned path: the log's key in the positions file
	follower logFollower
	pipeline *Pipeline
	metrics  *LogMetrics
	resumed  *follow.Position // where the previous run stopped, from the positions file
}

// Exporter follows the configured logs and keeps their metrics.
type Exporter struct {
	cfg    Config
	logger *slog.Logger
	logs   []*followedLog
	pos    *positions
	// metrics of each log, in the order configured (Status reads them)
	metrics []*LogMetrics
}

// New checks the configuration, registers the metrics on reg and prepares a follower and a
// pipeline per log. Nothing is read before Run.
func New(cfg Config, reg prometheus.Registerer, logger *slog.Logger) (*Exporter, error) {
	logs, err := checkLogs(cfg.Logs)
	if err != nil {
		return nil, err
	}
	m, err := NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	e := &Exporter{cfg: cfg, logger: logger, logs: logs}
	if cfg.Follow.PositionsFile != "" && !cfg.Follow.OneShot {
		e.pos = loadPositions(cfg.Follow.PositionsFile, logs, logger)
	}
	for _, l := range logs {
		logLogger := logger.With("log", l.Name)
		lm := m.ForLog(l.Name, cfg.Pipeline.StatsWindow)
		l.pipeline, l.metrics = NewPipeline(lm, cfg.Pipeline, logLogger), lm
		e.metrics = append(e.metrics, lm)
		fc := follow.Config{
			Path:         l.Path,
			Poll:         cfg.Follow.Poll || runtime.GOOS == "windows",
			PollInterval: cfg.Follow.PollInterval,
			FromStart:    cfg.Follow.FromStart,
			OneShot:      cfg.Follow.OneShot,
			MaxLineBytes: cfg.Follow.MaxLineBytes,
			Resume:       l.resumed,
			Logger:       logLogger,
			Observer:     &fileHealth{l: lm},
		}
		if e.pos != nil {
			fc.Checkpoint = e.pos.request
		}
		f, err := follow.New(fc)
		if err != nil {
			return nil, fmt.Errorf("log %s (%s): %w", l.Name, l.Path, err)
		}
		l.follower = f
	}
	return e, nil
}

// checkLogs refuses a configuration that would count one file twice: a log name given
// twice, or two log names for one file, whether spelled alike or reached through a symbolic
// or hard link (compared by file identity).
func checkLogs(cfg []LogFile) ([]*followedLog, error) {
	if len(cfg) == 0 {
		return nil, errors.New("no log file configured: set --mfa.log-dir or one of --mfa.radius-log, --mfa.iis-log, --mfa.service-log, --mfa.syslog-log")
	}
	names, keys, ids := map[string]bool{}, map[string]*followedLog{}, map[string]*followedLog{}
	var logs []*followedLog
	for _, c := range cfg {
		if names[c.Name] {
			return nil, fmt.Errorf("log %q configured twice", c.Name)
		}
		names[c.Name] = true
		l := &followedLog{LogFile: c, key: positionKey(c.Path)}
		if other, ok := keys[l.key]; ok {
			return nil, fmt.Errorf("logs %q and %q are the same file %s: it would be counted twice", other.Name, l.Name, l.Path)
		}
		keys[l.key] = l
		// A file that does not exist yet cannot be compared; one that does is compared by
		// device and inode (volume and file index on Windows), whatever the spelling.
		if id, err := follow.PathIdentity(l.Path); err == nil {
			if other, ok := ids[id]; ok {
				return nil, fmt.Errorf("logs %q (%s) and %q (%s) are one file (through a link): it would be counted twice", other.Name, other.Path, l.Name, l.Path)
			}
			ids[id] = l
		}
		logs = append(logs, l)
	}
	return logs, nil
}

// positionKey is a path as the positions file keys it: absolute and cleaned, so that
// another spelling of the same path finds the same entry.
func positionKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}

// Run follows every log until ctx is done (or, one-shot, until each is read to its end),
// then saves positions. A log that fails does not stop the others, and a stop does not
// wait on one log: a follower still busy StopGrace after ctx is done (stuck in a system
// call on a hung share, say) is left behind, and positions are saved for every log, the
// straggler with its last known position.
func (e *Exporter) Run(ctx context.Context) error {
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(e.logs)) // buffered: a straggler never blocks
	for i, l := range e.logs {
		go func() { results <- result{i, e.runLog(ctx, l)} }()
	}
	stopSaving := make(chan struct{})
	saved := make(chan struct{})
	if e.pos != nil {
		go func() {
			defer close(saved)
			e.pos.saveEvery(ctx, stopSaving, e.cfg.Follow.PositionsInterval, e.logs)
		}()
	} else {
		close(saved)
	}
	errs := make([]error, len(e.logs))
	done := make([]bool, len(e.logs))
	var grace <-chan time.Time
	stopping := ctx.Done()
	for left := len(e.logs); left > 0; {
		select {
		case r := <-results:
			errs[r.i], done[r.i] = r.err, true
			left--
		case <-stopping:
			stopping = nil
			g := e.cfg.Follow.StopGrace
			if g <= 0 {
				g = defaultStopGrace
			}
			timer := time.NewTimer(g)
			defer timer.Stop()
			grace = timer.C
		case <-grace:
			for i, l := range e.logs {
				if !done[i] {
					e.logger.Warn("Log follower did not stop in time; saving its last known position and leaving it behind", "log", l.Name, "path", l.Path)
				}
			}
			left = 0
		}
	}
	close(stopSaving)
	<-saved
	if e.pos != nil {
		if err := e.pos.save(e.logs); err != nil {
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

// runLog follows one log until ctx is done (one-shot: to its end).
func (e *Exporter) runLog(ctx context.Context, l *followedLog) error {
	err := l.follower.Run(ctx, l.pipeline.HandleLine)
	if err == nil || ctx.Err() != nil {
		return nil
	}
	if e.cfg.Follow.OneShot {
		// One-shot failures are counted here; the follower counts those of a live run.
		l.metrics.readErrors.Inc()
		if errors.Is(err, fs.ErrNotExist) {
			// Replaying a folder where one log does not exist (no IIS module, say) is no failure.
			e.logger.Warn("Log file does not exist; nothing to replay", "log", l.Name, "path", l.Path)
			return nil
		}
		e.logger.Error("Cannot replay log", "log", l.Name, "path", l.Path, "err", err)
		return fmt.Errorf("log %s: %w", l.Name, err)
	}
	e.logger.Error("Stopped following a log", "log", l.Name, "err", err)
	return err
}

// SavePositions writes the offsets of every log to the positions file, atomically, unless
// none moved since the last write.
func (e *Exporter) SavePositions() error {
	if e.pos == nil {
		return nil
	}
	return e.pos.save(e.logs)
}
