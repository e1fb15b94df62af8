package exporter

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// Why a log is not followed, as LogStatus.Waiting says it.
const (
	WaitingMissing          = "missing"
	WaitingNotRegular       = "not a regular file"
	WaitingPermissionDenied = "permission denied"
	WaitingNotOpenedYet     = "not opened yet"
)

// LogStatus is what the exporter knows about one configured log, for people rather than
// Prometheus (the landing page). It holds no user name: only the log's label, its path and
// counts.
type LogStatus struct {
	Name       string    // the log label: radius, iis, service or syslog
	Path       string    // as configured
	Followed   bool      // the file is open and being read
	Waiting    string    // when not followed, why: one of the Waiting* values, or the error opening the file
	Lines      uint64    // lines read, well-formed or not
	Malformed  uint64    // lines without the log layout, and lines over the length cap
	ReadErrors uint64    // errors opening, reading or checking the file
	LastEntry  time.Time // log time of the newest well-formed line; zero before the first
}

// Status reports every configured log, in the order configured. It reads the values the
// metrics already hold, and looks at the path of a log that is not followed to say why; it
// changes nothing and may be called from any goroutine while Run runs.
func (e *Exporter) Status() []LogStatus {
	out := make([]LogStatus, len(e.cfg.Logs))
	for i, l := range e.cfg.Logs {
		m := e.metrics[i]
		s := LogStatus{
			Name:       l.Name,
			Path:       l.Path,
			Followed:   gaugeValue(m.fileOpen) == 1,
			Lines:      counterValue(m.lines),
			Malformed:  counterValue(m.malformed),
			ReadErrors: counterValue(m.readErrors),
		}
		if ts := gaugeValue(m.lastEntry); ts > 0 {
			sec, frac := math.Modf(ts)
			s.LastEntry = time.Unix(int64(sec), int64(frac*1e9)).UTC()
		}
		if !s.Followed {
			s.Waiting = waitingReason(l.Path, os.Stat, follow.Probe)
		}
		out[i] = s
	}
	return out
}

// waitingReason says why a file that is not followed is not: it is missing, not a regular
// file, not readable, or, when nothing is wrong with it now, not opened yet (the follower
// opens it at its next look).
func waitingReason(path string, stat func(string) (fs.FileInfo, error), open func(string) error) string {
	fi, err := stat(path)
	if err != nil {
		return openError(err)
	}
	if !fi.Mode().IsRegular() {
		return WaitingNotRegular
	}
	if err := open(path); err != nil {
		return openError(err)
	}
	return WaitingNotOpenedYet
}

func openError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return WaitingMissing
	case errors.Is(err, fs.ErrPermission):
		return WaitingPermissionDenied
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error() // the path is shown beside it already
	}
	return err.Error()
}

func counterValue(c prometheus.Counter) uint64 {
	var m dto.Metric
	if c == nil || c.Write(&m) != nil {
		return 0
	}
	return uint64(m.GetCounter().GetValue())
}

func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	if g == nil || g.Write(&m) != nil {
		return 0
	}
	return m.GetGauge().GetValue()
}
