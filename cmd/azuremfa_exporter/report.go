package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
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
	// guarded are the logs --output must not be: those read, and the sync log of the folder
	// even when it does not exist yet (a report written there would be read as it).
	guarded []report.Log
}

// newReportApp defines `azuremfa_exporter report`: the exporter's log flags and the rules the
// logs are read with (the same names, defaults, help and allowed values as the exporter's;
// TestReportFlagsAreTheExporters checks it), and the report's own. goos chooses the defaults
// that depend on the system.
func newReportApp(o *options, r *reportOptions, goos string) *kingpin.Application {
	app := kingpin.New(exporterName+" "+reportCommand, "Reads the configured Azure MFA Server logs once, with their rolled generations, "+
		"and prints a report: how much of the logs the exporter understands (and the templates of what it does not), "+
		"the authentications by result and code, answer times, and who (user, client) caused the duplicates, "+
		"failures and fraud reports the metrics count, over time. The metrics carry no user names; the report does "+
		"(--anonymize replaces them by pseudonyms).")
	addLogFlags(app, o, goos, "read")
	app.Flag("mfa.adsync-log", "Path of "+adsyncFile+", the directory sync service's log, read for its errors (default: the one in --mfa.log-dir, when it exists).").
		StringVar(&r.adsyncLog)
	addReadingRules(app, o)
	app.Flag("since", "Count the authentications that start at or after this log time: RFC 3339 (2026-11-23T08:00:00Z) or a duration before the last entry (24h, 7d).").
		StringVar(&r.since)
	app.Flag("until", "Count the authentications that start before this log time: RFC 3339 or a duration before the last entry.").
		StringVar(&r.until)
	app.Flag("top", "Rows of each ranked table (users, clients, templates); 0 shows every row.").Default("20").SetValue(intFlag{&r.top})
	app.Flag("max-rows", "Cap on the rows of the users and of the clients table, per log; what further names do is counted in the totals and said.").
		Default(strconv.Itoa(report.DefaultMaxRows)).SetValue(intFlag{&r.maxRows})
	app.Flag("format", "Output format: text (for a console), json (every table, documented in docs/report.md), csv (the users table) or html (one self-contained page with charts).").
		Default("text").StringVar(&r.format)
	app.Flag("output", "File to write the report to (default: standard output).").IsSetByUser(&r.outputFlagSet).StringVar(&r.output)
	app.Flag("anonymize", "Replace every user name and client address by a stable pseudonym (keyed HMAC-SHA256), so the report can be shared.").
		BoolVar(&r.anonymize)
	app.Flag("anonymize.key", "Key of the pseudonyms: the same key gives the same pseudonyms in every report (default: a random key per run).").
		StringVar(&r.anonymizeKey)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	return app
}

// reportAllowed is what each of the report's own flags accepts, as its error messages say it
// (allowed gives those of the flags it shares with the exporter).
func reportAllowed(flag string) string {
	switch flag {
	case "mfa.adsync-log":
		return "a file path, not one of the other logs"
	case "since", "until":
		return "an RFC 3339 time (2026-11-23T08:00:00Z) or a duration before the last entry (90m, 24h, 7d, 2w)"
	case "top":
		return "0 (every row) or more"
	case "max-rows":
		return fmt.Sprintf("1 to %d", math.MaxInt32)
	case "format":
		return strings.Join(report.Formats, ", ")
	case "output":
		return "a file path in an existing folder, neither a log the report reads (under any name) nor a name its rolled generations take; `-`: standard output"
	case "anonymize":
		return "on or off"
	case "anonymize.key":
		return "any text, with --anonymize"
	}
	return ""
}

// runReport is `azuremfa_exporter report`: 0 when the report was written, 1 when it could
// not be, 2 on bad flags or input (a missing log, an empty range).
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o options
	var r reportOptions
	app := newReportApp(&o, &r, runtime.GOOS)
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	exited := false
	app.Terminate(func(int) { exited = true })
	name := exporterName + " " + reportCommand
	if _, err := app.Parse(args); err != nil {
		err = explainParseError(app, args, err)
		var fe *flagError
		if errors.As(err, &fe) {
			_, _ = fmt.Fprintf(stderr, "%s: error: %v\n", name, err) // nowhere else to say it if this fails
		} else {
			_, _ = fmt.Fprintf(stderr, "%s: error: %v, try --help\n", name, err)
		}
		return 2
	}
	if exited {
		return 0
	}
	fail := func(code int, err error) int {
		_, _ = fmt.Fprintf(stderr, "%s: error: %v\n", name, err) // nowhere else to say it if this fails
		return code
	}
	opts, err := r.reportConfig(&o, runtime.GOOS)
	if err != nil {
		return fail(2, err)
	}

	// The report goes to a temporary file beside --output, created now so that a folder that
	// cannot be written fails at once rather than after minutes of reading, and renamed over
	// --output only once the report is complete.
	out := io.Writer(stdout)
	var file *atomicFile
	if r.output != "" && r.output != "-" {
		if file, err = createAtomic(r.output); err != nil {
			return fail(2, &flagError{flag: "output", value: r.output, problem: "cannot be written: " + oneLine(err.Error())})
		}
		defer file.discard() // a no-op once committed
		out = file
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	interrupted := func() int {
		msg := "interrupted; no report written"
		if file != nil {
			msg += ", " + r.output + " left as it was"
		}
		_, _ = fmt.Fprintf(stderr, "%s: %s\n", name, msg) // nowhere else to say it if this fails
		return 1
	}
	rep, err := report.Build(ctx, opts)
	var ie *report.InputError
	switch {
	case ctx.Err() != nil:
		return interrupted()
	case errors.As(err, &ie):
		return fail(2, err)
	case err != nil:
		return fail(1, err)
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	if err := report.Write(bw, rep, r.format); err != nil {
		return fail(1, fmt.Errorf("writing the report: %w", err))
	}
	if err := bw.Flush(); err != nil {
		return fail(1, fmt.Errorf("writing the report: %w", err))
	}
	if ctx.Err() != nil {
		return interrupted()
	}
	if file != nil {
		// A rollover during the read may have given a log's generation the name of --output.
		if what := r.outputConflict(); what != "" {
			return fail(1, &flagError{flag: "output", value: r.output, problem: "it is now " + what + ", which the report reads; nothing written"})
		}
		if err := file.commit(); err != nil {
			return fail(1, fmt.Errorf("writing the report: %w", err))
		}
	}
	return 0
}

// atomicFile is --output while the report is written: a temporary file in the same folder,
// renamed over --output only when the report is complete, so that a failed or interrupted run
// leaves the file as it was, never a part of a report. An output that exists and is no regular
// file (/dev/null, a pipe) has nothing to replace: it is written directly.
type atomicFile struct {
	*os.File
	target    string
	direct    bool
	committed bool
}

// createAtomic opens the output: a temporary file beside target (where its symbolic links
// lead), named with a leading dot so that no log's generations take its name, with the
// permissions os.Create gives, or target's when it exists; target itself when it is a device
// or a pipe.
func createAtomic(target string) (*atomicFile, error) {
	st, err := os.Stat(target)
	switch {
	case err == nil && !st.Mode().IsRegular():
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		return &atomicFile{File: f, target: target, direct: true}, nil
	case err == nil:
		// An existing file must be writable, as os.Create would have required.
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		_ = f.Close() // opened only to check; nothing written
	}
	target = linkTarget(target) // replace the file a link leads to, not the link
	dir, base := filepath.Split(target)
	for range 100 {
		var b [6]byte
		_, _ = rand.Read(b[:]) // never fails
		tmp := filepath.Join(dir, "."+base+"."+hex.EncodeToString(b[:])+".tmp")
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if st != nil && st.Mode().IsRegular() {
			if err := f.Chmod(st.Mode().Perm()); err != nil {
				_ = f.Close()
				_ = os.Remove(tmp)
				return nil, err
			}
		}
		return &atomicFile{File: f, target: target}, nil
	}
	return nil, errors.New("no free temporary name in its folder")
}

// commit puts the complete report in place: flushed to disk, then renamed over target.
func (a *atomicFile) commit() error {
	if a.direct {
		a.committed = true
		return a.Close()
	}
	if err := a.Sync(); err != nil {
		return err
	}
	if err := a.Close(); err != nil {
		return err
	}
	if err := os.Rename(a.Name(), a.target); err != nil {
		return err
	}
	a.committed = true
	return nil
}

// discard removes the temporary file unless it was committed; a device or a pipe is only
// closed.
func (a *atomicFile) discard() {
	if a.committed {
		return
	}
	_ = a.Close() // may be closed already
	if !a.direct {
		_ = os.Remove(a.Name())
	}
}

// reportConfig checks the flags, with the exporter's ranges for the ones it shares, and turns
// them into the report's options.
func (r *reportOptions) reportConfig(o *options, goos string) (report.Options, error) {
	var opts report.Options
	if err := o.checkReadingRules(); err != nil {
		return opts, err
	}
	if err := checkInt("top", r.top, 0, math.MaxInt); err != nil {
		return opts, err
	}
	if err := checkInt("max-rows", r.maxRows, 1, math.MaxInt32); err != nil {
		return opts, err
	}
	if !slices.Contains(report.Formats, r.format) {
		return opts, &flagError{flag: "format", value: r.format, problem: "not a format"}
	}

	// The report reads what exists now: the folder must exist when it was given, or when every
	// log comes from it.
	logs := o.logFlags()
	if len(logs) == 0 && r.adsyncLog == "" {
		return opts, errors.New("no log file configured: set --mfa.log-dir or one of --mfa.radius-log, --mfa.iis-log, --mfa.service-log, --mfa.syslog-log, --mfa.adsync-log")
	}
	onlyDir := true
	for _, l := range logs {
		onlyDir = onlyDir && l.flag == "mfa.log-dir"
	}
	if o.logDir != "" && (o.logDirSet || onlyDir) {
		st, err := os.Stat(o.logDir)
		switch {
		case err != nil:
			return opts, &flagError{flag: "mfa.log-dir", value: o.logDir, problem: "no such folder; the report reads the logs in it"}
		case !st.IsDir():
			return opts, &flagError{flag: "mfa.log-dir", value: o.logDir, problem: "a file, not a folder"}
		}
	}
	seen := map[string]string{} // pathKey -> flag
	for _, l := range logs {
		k := pathKey(l.path, goos)
		if other, ok := seen[k]; ok {
			return opts, &flagError{flag: l.flag, value: l.path, problem: fmt.Sprintf("--%s and --%s are the same file", other, l.flag)}
		}
		seen[k] = l.flag
		opts.Logs = append(opts.Logs, report.Log{Name: l.name, Path: l.path, Optional: l.flag == "mfa.log-dir"})
	}
	switch {
	case r.adsyncLog != "":
		if other, ok := seen[pathKey(r.adsyncLog, goos)]; ok {
			return opts, &flagError{flag: "mfa.adsync-log", value: r.adsyncLog, problem: "it is the log of --" + other}
		}
		opts.Logs = append(opts.Logs, report.Log{Name: adsyncLog, Path: r.adsyncLog})
	case o.logDir != "":
		// Read only when the folder has it: most reports are about authentications.
		p := filepath.Join(o.logDir, adsyncFile)
		if fileExists(p) {
			opts.Logs = append(opts.Logs, report.Log{Name: adsyncLog, Path: p, Optional: true})
		} else {
			r.guarded = append(r.guarded, report.Log{Name: adsyncLog, Path: p, Optional: true})
		}
	}
	r.guarded = append(r.guarded, opts.Logs...)

	var err error
	if opts.Since, err = report.ParseBound(r.since); err != nil {
		return opts, &flagError{flag: "since", value: r.since, problem: "neither a time nor a duration"}
	}
	if opts.Until, err = report.ParseBound(r.until); err != nil {
		return opts, &flagError{flag: "until", value: r.until, problem: "neither a time nor a duration"}
	}
	if opts.Since.Set && opts.Until.Set && !opts.Since.Relative() && !opts.Until.Relative() && !opts.Since.Time.Before(opts.Until.Time) {
		return opts, fmt.Errorf("--since %s is not before --until %s", r.since, r.until)
	}
	switch {
	case r.outputFlagSet && r.output == "":
		return opts, &flagError{flag: "output", value: r.output, problem: "empty: give a file, or leave the flag out for standard output"}
	case r.output != "" && r.output != "-":
		if what := r.outputConflict(); what != "" {
			return opts, &flagError{flag: "output", value: r.output, problem: "it is " + what + ", which the report reads"}
		}
		if problem := checkWritableFile(r.output); problem != "" {
			return opts, &flagError{flag: "output", value: r.output, problem: problem}
		}
	}
	if r.anonymizeKey != "" && !r.anonymize {
		return opts, &flagError{flag: "anonymize.key", value: "…", problem: "given without --anonymize"}
	}
	if r.anonymize {
		a, err := report.NewAnonymizer([]byte(r.anonymizeKey))
		if err != nil {
			return opts, err
		}
		opts.Anonymizer = a
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

// outputConflict says which log --output is, by identity or by a name a log's generations
// take, as given or where its symbolic links lead; "" when none.
func (r *reportOptions) outputConflict() string {
	if what := report.Reads(r.guarded, r.output); what != "" {
		return what
	}
	if resolved := linkTarget(r.output); resolved != r.output {
		return report.Reads(r.guarded, resolved)
	}
	return ""
}

// linkTarget is where the symbolic links of path lead, also when the last one leads to a file
// that does not exist yet; path itself when it is no link.
func linkTarget(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	dest, err := os.Readlink(path)
	if err != nil {
		return path
	}
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(filepath.Dir(path), dest)
	}
	return dest
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
