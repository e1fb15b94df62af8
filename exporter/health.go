package exporter

import (
	"log/slog"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// fileHealth hears what the follower does to one file: it keeps the health metrics of the
// log and says in the exporter's log what an admin needs to know, once per change rather
// than once per poll.
type fileHealth struct {
	l      *LogMetrics
	logger *slog.Logger
	path   string
	open   bool
	errs   int
}

func (h *fileHealth) FileOpened() {
	h.l.fileOpen.Set(1)
	if !h.open {
		h.logger.Info("Following log file", "path", h.path)
	}
	h.open, h.errs = true, 0
}

func (h *fileHealth) FileClosed() {
	h.l.fileOpen.Set(0)
	h.open = false
}

func (h *fileHealth) Missing() {
	h.l.fileOpen.Set(0)
	h.open = false
	h.logger.Warn("Log file is missing; waiting for it to appear", "path", h.path)
}

func (h *fileHealth) Reopened(reason string) {
	c, ok := h.l.reopens[reason]
	if !ok {
		c = h.l.reopens[follow.ReasonError]
	}
	c.Inc()
	h.logger.Info("Log file reopened", "path", h.path, "reason", reason)
}

func (h *fileHealth) ReadError(err error) {
	h.l.readErrors.Inc()
	// The first error of a run is a warning; repeats of a lasting fault only at debug level.
	h.errs++
	if h.errs == 1 {
		h.logger.Warn("Cannot read log file; retrying", "path", h.path, "err", err)
	} else {
		h.logger.Debug("Cannot read log file; retrying", "path", h.path, "err", err, "consecutive", h.errs)
	}
}

func (h *fileHealth) LineTooLong() {
	h.l.lines.Inc()
	h.l.malformed.Inc()
	h.logger.Warn("Skipped a line longer than the line length cap", "path", h.path)
}

func (h *fileHealth) Progress(offset, size int64) {
	h.l.offset.Set(float64(offset))
	h.l.size.Set(float64(size))
}
