package exporter

import (
	"bytes"
	"errors"
	"log/slog"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// PipelineConfig is what every log's pipeline shares.
type PipelineConfig struct {
	Correlator  logparse.CorrelatorConfig
	StatsWindow time.Duration // of log time, for the ratio gauges
	// SyslogYear is the year of RFC 3164 syslog lines, which carry none. 0 infers it: the
	// current year, or the one before when the first line would be more than a day ahead of
	// Now (a December log replayed in January).
	SyslogYear int
	Now        func() time.Time // for inferring SyslogYear only; default time.Now
}

// LogSink is what a Pipeline feeds: what it sees of each line, and what the log's correlator
// decides. The metrics of a log are one LogSink, the report another; the pipeline never asks a
// sink for anything back.
type LogSink interface {
	logparse.Sink
	// Line is every line read, well-formed or not, before it is parsed.
	Line()
	// Malformed is a line without the log layout; line is valid only during the call.
	Malformed(line []byte, err error)
	// Entry is a well-formed line, after the correlator has seen it; valid only during the call.
	Entry(e *logparse.Entry)
}

// Pipeline turns the lines of one log into events for its sink: parse, correlate. It is
// driven by one goroutine and owns its state, so it takes no locks.
type Pipeline struct {
	sink      LogSink
	corr      *logparse.Correlator
	opts      logparse.ParseOptions
	entry     logparse.Entry
	logger    *slog.Logger
	lines     uint64 // read so far, to say where a malformed line is
	malformed uint64

	inferYear   bool // SyslogYear was not given
	now         func() time.Time
	syslogMonth time.Month // of the last RFC 3164 line; 0 before the first
}

// NewPipeline builds the pipeline of one log, feeding sink.
func NewPipeline(sink LogSink, cfg PipelineConfig, logger *slog.Logger) *Pipeline {
	p := &Pipeline{
		sink:      sink,
		opts:      logparse.ParseOptions{Year: cfg.SyslogYear},
		logger:    logger,
		inferYear: cfg.SyslogYear == 0,
		now:       cfg.Now,
	}
	if p.now == nil {
		p.now = time.Now
	}
	if p.inferYear {
		p.opts.Year = p.now().Year()
	}
	p.corr = logparse.NewCorrelator(cfg.Correlator, sink)
	return p
}

// HandleLine takes one line (UTF-8, without its line ending) through the pipeline.
func (p *Pipeline) HandleLine(line []byte) {
	p.lines++
	p.sink.Line()
	if len(line) > 0 && line[0] == 0 {
		// NUL bytes before a line: the zeroed tail Windows leaves of a file whose writer
		// stopped without flushing (a crash, a power cut). The writer's next line follows them
		// without a line ending; it is read as it was written.
		line = bytes.TrimLeft(line, "\x00")
	}
	if err := logparse.ParseLine(line, p.opts, &p.entry); err != nil {
		p.sink.Malformed(line, err)
		p.reportMalformed(len(line), err)
		return
	}
	if p.entry.Format == logparse.FormatSyslog3164 {
		p.followSyslogYear(&p.entry)
	}
	p.corr.Add(&p.entry)
	p.sink.Entry(&p.entry)
}

// Flush asks the sink to publish what it holds back, if it holds anything back (LogMetrics
// does, between two read batches of the follower).
func (p *Pipeline) Flush() {
	if f, ok := p.sink.(interface{ Flush() }); ok {
		f.Flush()
	}
}

// reportMalformed logs the first malformed lines and later ones only now and then, so that a
// log full of garbage is said once, not a million times; the counter has them all. It says why
// and where, never what: a path pointed at another file would otherwise copy that file into
// the exporter's own log (the event log, on Windows). `azuremfa_exporter report` shows
// malformed lines' templates, masked.
func (p *Pipeline) reportMalformed(length int, err error) {
	p.malformed++
	if p.malformed > 10 && p.malformed%10000 != 0 {
		return
	}
	reason := err.Error()
	var me *logparse.MalformedError
	if errors.As(err, &me) {
		reason = me.Reason
	}
	p.logger.Warn("Malformed log line", "reason", reason, "line_number", p.lines, "bytes", length, "malformed_so_far", p.malformed)
}

// followSyslogYear keeps RFC 3164 lines, which carry no year, in the right one: at New Year
// the month goes back (December to January) and the year moves on, here and for every later
// line; and with an inferred year, a first line more than a day ahead of the wall clock
// belongs to last year.
func (p *Pipeline) followSyslogYear(e *logparse.Entry) {
	switch m := e.Time.Month(); {
	case p.syslogMonth == 0:
		if p.inferYear && e.Time.After(p.now().Add(24*time.Hour)) {
			p.opts.Year--
			e.Time = e.Time.AddDate(-1, 0, 0)
		}
	case int(m) < int(p.syslogMonth)-6:
		p.opts.Year++
		e.Time = e.Time.AddDate(1, 0, 0)
	}
	p.syslogMonth = e.Time.Month()
}
