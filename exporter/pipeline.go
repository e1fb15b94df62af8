package exporter

import (
	"errors"
	"log/slog"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// PipelineConfig is what every log's pipeline shares.
type PipelineConfig struct {
	Correlator  logparse.CorrelatorConfig
	StatsWindow time.Duration // of log time, for the ratio gauges
	SyslogYear  int           // for RFC 3164 syslog lines, which carry no year
}

// Pipeline turns the lines of one log into metrics: parse, correlate, count. It is driven
// by one goroutine and owns its state, so it takes no locks.
type Pipeline struct {
	metrics   *LogMetrics
	corr      *logparse.Correlator
	opts      logparse.ParseOptions
	entry     logparse.Entry
	logger    *slog.Logger
	malformed uint64
}

// NewPipeline builds the pipeline of the log whose label value is name.
func NewPipeline(name string, m *Metrics, cfg PipelineConfig, logger *slog.Logger) *Pipeline {
	p := &Pipeline{
		metrics: m.ForLog(name, cfg.StatsWindow),
		opts:    logparse.ParseOptions{Year: cfg.SyslogYear},
		logger:  logger,
	}
	p.corr = logparse.NewCorrelator(cfg.Correlator, p.metrics.Auth)
	p.metrics.clock = p.corr
	return p
}

// HandleLine takes one line (UTF-8, without its line ending) through the pipeline.
func (p *Pipeline) HandleLine(line []byte) {
	p.metrics.Line()
	if err := logparse.ParseLine(line, p.opts, &p.entry); err != nil {
		p.metrics.Malformed()
		p.reportMalformed(line, err)
		return
	}
	p.corr.Add(&p.entry)
	p.metrics.Entry(&p.entry)
	p.metrics.Settle()
}

// reportMalformed logs the first malformed lines in full and later ones only now and then,
// so that a log full of garbage is said once, not a million times; the counter has them all.
func (p *Pipeline) reportMalformed(line []byte, err error) {
	p.malformed++
	if p.malformed > 10 && p.malformed%10000 != 0 {
		return
	}
	reason := err.Error()
	var me *logparse.MalformedError
	if errors.As(err, &me) {
		reason = me.Reason
	}
	const shown = 200
	if len(line) > shown {
		line = line[:shown]
	}
	p.logger.Warn("Malformed log line", "reason", reason, "line", string(line), "malformed_so_far", p.malformed)
}
