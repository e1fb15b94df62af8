package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"

	"github.com/azuremfa/azuremfa_exporter/exporter"
	"github.com/azuremfa/azuremfa_exporter/logparse"
	"github.com/azuremfa/azuremfa_exporter/report"
)

// reportCommand is the first argument that selects the report instead of the exporter.
const reportCommand = "report"

// adsyncLog is the directory sync service's log, which the report reads for its errors (the
// exporter does not follow it: it holds no authentication).
const adsyncLog = "adsync"

// adsyncFile is its name inside --mfa.log-dir.
const adsyncFile = "MultiFactorAuthAdSyncSvc.log"

// reportOptions are the report's own flags; the log flags are in options, as the exporter's.
type reportOptions struct {
	adsyncLog     string
	since, until  string
	top, maxRows  int
	format        string
	output        string
	anonymize     bool
	anonymizeKey  string
	outputFlagSet bool
}

// newReportApp defines `azuremfa_exporter report`: the exporter's log flags, read the same
// way, and the report's own.
func newReportApp(o *options, r *reportOptions) *kingpin.Application {
	app := kingpin.New(exporterName+" "+reportCommand, "Reads the configured Azure MFA Server logs once, with their rolled generations, "+
		"and prints a report: how much of the logs the exporter understands (and the templates of what it does not), "+
		"the authentications by result and code, answer times, and who (user, client) caused the duplicates, "+
		"failures and fraud reports the metrics count, over time. The metrics carry no user names; the report does "+
		"(--anonymize replaces them by pseudonyms).")
	defaultDir := ""
	if runtime.GOOS == "windows" {
		defaultDir = windowsLogDir
	}
	app.Flag("mfa.log-dir", "MFA Server's log folder: the RADIUS, IIS and service logs in it are read.").
		Default(defaultDir).StringVar(&o.logDir)
	app.Flag("mfa.radius-log", "Path of MultiFactorAuthRadiusSvc.log (overrides --mfa.log-dir for this log).").StringVar(&o.radiusLog)
	app.Flag("mfa.iis-log", "Path of MultiFactorAuthIisNm.log (overrides --mfa.log-dir for this log).").StringVar(&o.iisLog)
	app.Flag("mfa.service-log", "Path of MultiFactorAuthSvc.log (overrides --mfa.log-dir for this log).").StringVar(&o.serviceLog)
	app.Flag("mfa.syslog-log", "Path of a syslog file holding MFA Server's messages (Linux collectors).").StringVar(&o.syslogLog)
	app.Flag("mfa.adsync-log", "Path of "+adsyncFile+", the directory sync service's log, read for its errors (default: the one in --mfa.log-dir, when it exists).").
		StringVar(&r.adsyncLog)
	app.Flag("tail.max-line-bytes", "Longer lines are skipped and counted as malformed.").Default("1048576").IntVar(&o.maxLineBytes)
	app.Flag("duplicate.window", "A request for a user who made one less than this much log time earlier is a duplicate.").
		Default("30s").DurationVar(&o.duplicateWindow)
	app.Flag("auth.timeout", "A request without a result after this much log time is abandoned.").Default("5m").DurationVar(&o.authTimeout)
	app.Flag("auth.max-open", "Cap on requests waiting for their result per log; the oldest beyond it are abandoned.").
		Default("10000").IntVar(&o.maxOpen)
	app.Flag("syslog.year", "Year of the first RFC 3164 syslog line, which carries none; later lines move on at each New Year. 0: the current year, or the last one if the first line would be in the future.").
		Default("0").IntVar(&o.syslogYear)
	app.Flag("since", "Count the authentications that start at or after this log time: RFC 3339 (2026-11-23T08:00:00Z) or a duration before the last entry (24h, 7d).").
		StringVar(&r.since)
	app.Flag("until", "Count the authentications that start before this log time: RFC 3339 or a duration before the last entry.").
		StringVar(&r.until)
	app.Flag("top", "Rows of each ranked table (users, clients, templates); 0 shows every row.").Default("20").IntVar(&r.top)
	app.Flag("max-rows", "Cap on the rows of the users and of the clients table, per log; what further names do is counted in the totals and said.").
		Default(fmt.Sprint(report.DefaultMaxRows)).IntVar(&r.maxRows)
	app.Flag("format", "Output format: text (for a console), json (every table, documented in docs/report.md), csv (the users table) or html (one self-contained page with charts).").
		Default("text").StringVar(&r.format)
	app.Flag("output", "File to write the report to (default: standard output).").PreAction(func(*kingpin.ParseContext) error {
		r.outputFlagSet = true
		return nil
	}).StringVar(&r.output)
	app.Flag("anonymize", "Replace every user name and client address by a stable pseudonym (keyed HMAC-SHA256), so the report can be shared.").
		BoolVar(&r.anonymize)
	app.Flag("anonymize.key", "Key of the pseudonyms: the same key gives the same pseudonyms in every report (default: a random key per run).").
		StringVar(&r.anonymizeKey)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	return app
}

// runReport is `azuremfa_exporter report`: 0 when the report was written, 1 when it could
// not be, 2 on bad flags or input (a missing log, an empty range).
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	var r reportOptions
	app := newReportApp(&o, &r)
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	exited := false
	app.Terminate(func(int) { exited = true })
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "%s %s: error: "+format+"\n", append([]any{exporterName, reportCommand}, a...)...)
		return code
	}
	if _, err := app.Parse(args); err != nil {
		return fail(2, "%v, try --help", err)
	}
	if exited {
		return 0
	}
	opts, err := r.reportConfig(&o)
	if err != nil {
		return fail(2, "%v", err)
	}
	// The output is created before the logs are read, so that a path that cannot be written
	// fails at once rather than after minutes of reading.
	out := stdout
	var file *os.File
	if r.outputFlagSet && r.output != "" && r.output != "-" {
		if file, err = os.Create(r.output); err != nil {
			return fail(2, "cannot create --output: %v", err)
		}
		defer file.Close()
		out = file
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := report.Build(ctx, opts)
	var ie *report.InputError
	switch {
	case errors.As(err, &ie):
		return fail(2, "%v", err)
	case err != nil:
		return fail(1, "%v", err)
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	if err := report.Write(bw, rep, r.format); err != nil {
		return fail(1, "writing the report: %v", err)
	}
	if err := bw.Flush(); err != nil {
		return fail(1, "writing the report: %v", err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return fail(1, "writing the report: %v", err)
		}
	}
	return 0
}

// reportConfig checks the flags and turns them into the report's options.
func (r *reportOptions) reportConfig(o *options) (report.Options, error) {
	var opts report.Options
	if o.logDir != "" {
		st, err := os.Stat(o.logDir)
		switch {
		case err != nil:
			return opts, fmt.Errorf("--mfa.log-dir: %v", err)
		case !st.IsDir():
			return opts, fmt.Errorf("--mfa.log-dir: %s is not a folder", o.logDir)
		}
	}
	logs := o.logFiles()
	if len(logs) == 0 && r.adsyncLog == "" {
		return opts, errors.New("no log file configured: set --mfa.log-dir or one of --mfa.radius-log, --mfa.iis-log, --mfa.service-log, --mfa.syslog-log, --mfa.adsync-log")
	}
	explicit := map[string]bool{
		exporter.LogRadius: o.radiusLog != "", exporter.LogIIS: o.iisLog != "",
		exporter.LogService: o.serviceLog != "", exporter.LogSyslog: o.syslogLog != "",
	}
	for _, l := range logs {
		opts.Logs = append(opts.Logs, report.Log{Name: l.Name, Path: l.Path, Optional: !explicit[l.Name]})
	}
	switch {
	case r.adsyncLog != "":
		opts.Logs = append(opts.Logs, report.Log{Name: adsyncLog, Path: r.adsyncLog})
	case o.logDir != "":
		// Read only when the folder has it: most reports are about authentications.
		if p := filepath.Join(o.logDir, adsyncFile); fileExists(p) {
			opts.Logs = append(opts.Logs, report.Log{Name: adsyncLog, Path: p, Optional: true})
		}
	}
	var err error
	if opts.Since, err = report.ParseBound(r.since); err != nil {
		return opts, fmt.Errorf("--since: %v", err)
	}
	if opts.Until, err = report.ParseBound(r.until); err != nil {
		return opts, fmt.Errorf("--until: %v", err)
	}
	if opts.Since.Set && opts.Until.Set && !opts.Since.Relative() && !opts.Until.Relative() && !opts.Since.Time.Before(opts.Until.Time) {
		return opts, fmt.Errorf("--since %s is not before --until %s", r.since, r.until)
	}
	if !slices.Contains(report.Formats, r.format) {
		return opts, fmt.Errorf("--format %q: one of %s", r.format, strings.Join(report.Formats, ", "))
	}
	if r.top < 0 {
		return opts, fmt.Errorf("--top must be 0 (every row) or more, not %d", r.top)
	}
	if r.maxRows < 1 {
		return opts, fmt.Errorf("--max-rows must be 1 or more, not %d", r.maxRows)
	}
	if r.outputFlagSet && r.output == "" {
		return opts, errors.New("--output is empty: give a file, or leave the flag out for standard output")
	}
	if r.output != "" && r.output != "-" {
		if st, err := os.Stat(filepath.Dir(r.output)); err != nil || !st.IsDir() {
			return opts, fmt.Errorf("--output: the folder of %s does not exist", r.output)
		}
	}
	if r.anonymizeKey != "" && !r.anonymize {
		return opts, errors.New("--anonymize.key is given without --anonymize")
	}
	if r.anonymize {
		a, err := report.NewAnonymizer([]byte(r.anonymizeKey))
		if err != nil {
			return opts, err
		}
		opts.Anonymizer = a
	}
	if o.duplicateWindow <= 0 {
		return opts, fmt.Errorf("--duplicate.window must be positive, not %s", o.duplicateWindow)
	}
	if o.authTimeout <= 0 {
		return opts, fmt.Errorf("--auth.timeout must be positive, not %s", o.authTimeout)
	}
	if o.maxOpen < 1 {
		return opts, fmt.Errorf("--auth.max-open must be 1 or more, not %d", o.maxOpen)
	}
	if o.maxLineBytes < 1 {
		return opts, fmt.Errorf("--tail.max-line-bytes must be 1 or more, not %d", o.maxLineBytes)
	}
	if o.syslogYear < 0 || o.syslogYear > 9999 {
		return opts, fmt.Errorf("--syslog.year must be 0 (infer) or a year up to 9999, not %d", o.syslogYear)
	}
	opts.Pipeline = exporter.PipelineConfig{
		Correlator: logparse.CorrelatorConfig{
			Timeout:         o.authTimeout,
			DuplicateWindow: o.duplicateWindow,
			MaxOpen:         o.maxOpen,
		},
		SyslogYear: o.syslogYear,
	}
	opts.MaxLineBytes = o.maxLineBytes
	opts.MaxRows = r.maxRows
	opts.Top = r.top
	return opts, nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
