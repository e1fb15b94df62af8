package exporter

import (
	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// fileHealth hears what the follower does to one file and keeps the health metrics of the
// log. It only counts: the follower is the one layer that says in the log what happened to
// the file, once per change.
type fileHealth struct {
	l *LogMetrics
}

func (h *fileHealth) FileOpened() { h.l.fileOpen.Set(1) }
func (h *fileHealth) FileClosed() { h.l.fileOpen.Set(0) }
func (h *fileHealth) Missing()    { h.l.fileOpen.Set(0) }

func (h *fileHealth) Reopened(reason string) {
	c, ok := h.l.reopens[reason]
	if !ok {
		c = h.l.reopens[follow.ReasonError]
	}
	c.Inc()
}

func (h *fileHealth) ReadError(error) { h.l.readErrors.Inc() }

// LineTooLong and LineDamaged: a line that never reaches the parser is still a line read,
// and a malformed one.
func (h *fileHealth) LineTooLong() { h.l.lines.Inc(); h.l.malformed.Inc() }
func (h *fileHealth) LineDamaged() { h.l.lines.Inc(); h.l.malformed.Inc() }

func (h *fileHealth) Progress(offset, size int64) {
	h.l.Flush() // the end of a read batch: publish what its lines counted
	h.l.offset.Set(float64(offset))
	h.l.size.Set(float64(size))
}
