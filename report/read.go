package report

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/azuremfa/azuremfa_exporter/exporter"
	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// DefaultMaxRows is the default cap on the rows of the users and of the clients table, per log.
const DefaultMaxRows = 100000

// Log is one log to report on.
type Log struct {
	Name string // radius, iis, service, syslog or adsync
	Path string
	// Optional: the path comes from the log folder, not from a flag of its own, so a missing
	// file is noted in the report rather than an error.
	Optional bool
}

// Bound is one end of the range: a time, or a duration before the last entry of the logs.
type Bound struct {
	Time   time.Time
	Before time.Duration
	Set    bool
	rel    bool
}

// ParseBound reads an RFC 3339 time, or a duration (24h, 90m, 7d) before the last entry.
func ParseBound(s string) (Bound, error) {
	if s == "" {
		return Bound{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return Bound{Time: t.UTC(), Set: true}, nil
	}
	d, err := parseDuration(s)
	if err != nil || d < 0 {
		return Bound{}, fmt.Errorf("%q is neither an RFC 3339 time (2026-11-23T08:00:00Z) nor a duration before the last entry (24h, 7d)", s)
	}
	return Bound{Before: d, Set: true, rel: true}, nil
}

// parseDuration is time.ParseDuration with weeks (w) and days (d) in front as well: 7d, 2w,
// 1d12h.
func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	var total time.Duration
	rest := s
	for _, u := range []struct {
		c    byte
		unit time.Duration
	}{{'w', 7 * 24 * time.Hour}, {'d', 24 * time.Hour}} {
		if i := strings.IndexByte(rest, u.c); i > 0 {
			n, err := strconv.ParseFloat(rest[:i], 64)
			if err != nil || n < 0 || n*float64(u.unit) > float64(maxBefore) {
				return 0, fmt.Errorf("bad duration %q", s)
			}
			total += time.Duration(n * float64(u.unit))
			rest = rest[i+1:]
		}
	}
	if rest == s {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	if rest != "" {
		d, err := time.ParseDuration(rest)
		if err != nil {
			return 0, err
		}
		total += d
	}
	return total, nil
}

// maxBefore bounds a duration before the last entry: a century, well inside time.Duration.
const maxBefore = 100 * 365 * 24 * time.Hour

// Relative reports whether the bound is a duration before the last entry.
func (b Bound) Relative() bool { return b.rel }

// Options say what to read and how.
type Options struct {
	Logs     []Log
	Pipeline exporter.PipelineConfig
	// MaxLineBytes caps a line as the follower does (0: its default).
	MaxLineBytes int
	Since, Until Bound
	// MaxRows caps the users and the clients table, per log (0: DefaultMaxRows).
	MaxRows int
	// Top is how many rows the ranked tables show (0: every row). Only renderers use it.
	Top int
	// Anonymizer, when set, replaces user names and client addresses by pseudonyms.
	Anonymizer *Anonymizer
	// maxDurations caps the answer times kept per series (0: defaultMaxDurations); for tests.
	maxDurations int
}

// InputError is an error in what the report was asked to read: a missing file, a range that
// ends before it starts. The command exits with 2 on it.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(format string, args ...any) error {
	return &InputError{fmt.Errorf(format, args...)}
}

// logRun is one log being read.
type logRun struct {
	log   Log
	files []candidate
	notes []string // what the coverage says about the files found and skipped
	sink  *logSink
	out   []File
}

// Build reads every configured log once, each in its own goroutine, through the follower,
// the parser and the correlator the exporter uses, into the report's sinks, and assembles the
// report.
func Build(ctx context.Context, opts Options) (*Report, error) {
	if len(opts.Logs) == 0 {
		return nil, inputErrorf("no log file configured")
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.maxDurations <= 0 {
		opts.maxDurations = defaultMaxDurations
	}
	runs, err := discover(opts.Logs, opts.Pipeline.SyslogYear)
	if err != nil {
		return nil, err
	}
	cfg := &sinkConfig{maxRows: opts.MaxRows, maxDurations: opts.maxDurations}
	if err := resolveRange(runs, &opts, cfg); err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	for _, r := range runs {
		r.sink = newLogSink(r.log.Name, cfg)
		// Pseudonyms hide users and clients; host names with digits in the templates could
		// name them too.
		r.sink.tp.maskHosts = opts.Anonymizer != nil
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.read(ctx, &opts)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := assemble(runs, &opts, cfg)
	for _, r := range runs {
		if c := rep.Coverage[r.log.Name]; c != nil {
			c.Notes = r.notes
		}
	}
	return rep, nil
}

// discover lists the files of every log, and fails on a log named by its own flag that does
// not exist, or when not one log file exists.
func discover(logs []Log, syslogYear int) ([]*logRun, error) {
	abs := map[string]string{}
	for _, l := range logs {
		a, err := filepath.Abs(l.Path)
		if err != nil {
			a = filepath.Clean(l.Path)
		}
		if other, ok := abs[a]; ok {
			return nil, inputErrorf("logs %q and %q are the same file %s", other, l.Name, l.Path)
		}
		abs[a] = l.Name
	}
	var runs []*logRun
	found := false
	for _, l := range logs {
		self, _ := filepath.Abs(l.Path)
		claimed := func(a, name string) bool {
			if _, ok := abs[a]; ok {
				return true
			}
			// Another log in the same folder whose longer name also matches takes the file.
			for _, o := range logs {
				oa, _ := filepath.Abs(o.Path)
				if oa == self || filepath.Dir(oa) != filepath.Dir(self) {
					continue
				}
				if len(stemOf(filepath.Base(o.Path))) > len(stemOf(filepath.Base(l.Path))) && isGeneration(filepath.Base(o.Path), name) {
					return true
				}
			}
			return false
		}
		files, notes := generations(l.Path, claimed, syslogYear, maxGenerations)
		cur := files[len(files)-1]
		if cur.status == StatusMissing && !l.Optional {
			return nil, inputErrorf("log %s: %s does not exist", l.Name, l.Path)
		}
		// Two logs that are one file (through a link) would count its lines twice, as would a
		// generation that is another log's file.
		kept := files[:0]
		for _, c := range files {
			r, i, ok := readBefore(runs, c.info)
			switch {
			case ok && c.current && r.files[i].current:
				return nil, inputErrorf("logs %q and %q are the same file %s", r.log.Name, l.Name, l.Path)
			case ok && c.current: // the log itself wins over another's generation
				r.notes = append(r.notes, "skipped "+filepath.Base(r.files[i].path)+": the same file as "+c.path+" of the "+l.Name+" log")
				r.files = append(r.files[:i:i], r.files[i+1:]...)
				kept = append(kept, c)
			case ok:
				notes = append(notes, "skipped "+filepath.Base(c.path)+": the same file as "+r.files[i].path+" of the "+r.log.Name+" log")
			default:
				kept = append(kept, c)
			}
		}
		files = kept
		if cur.status != StatusMissing || len(files) > 1 {
			found = true
		}
		runs = append(runs, &logRun{log: l, files: files, notes: notes})
	}
	if !found {
		var paths []string
		for _, l := range logs {
			paths = append(paths, l.Path)
		}
		return nil, inputErrorf("none of the log files exists: %s", strings.Join(paths, ", "))
	}
	return runs, nil
}

// readBefore says which file of runs, if any, is the file info describes: its run and index.
func readBefore(runs []*logRun, info os.FileInfo) (*logRun, int, bool) {
	if info != nil {
		for _, r := range runs {
			for i, c := range r.files {
				if c.info != nil && os.SameFile(c.info, info) {
					return r, i, true
				}
			}
		}
	}
	return nil, 0, false
}

// resolveRange turns the bounds into times (a relative one counts back from the last entry of
// the logs) and checks that the range is not empty.
func resolveRange(runs []*logRun, opts *Options, cfg *sinkConfig) error {
	if opts.Since.rel || opts.Until.rel {
		last, ok := lastEntry(runs, opts)
		if !ok {
			return inputErrorf("the logs hold no entry to count --since or --until back from")
		}
		if opts.Since.rel {
			opts.Since.Time = last.Add(-opts.Since.Before)
		}
		if opts.Until.rel {
			opts.Until.Time = last.Add(-opts.Until.Before)
		}
	}
	if opts.Since.Set && opts.Until.Set && !opts.Since.Time.Before(opts.Until.Time) {
		return inputErrorf("--since (%s) is not before --until (%s)", opts.Since.Time.Format(time.RFC3339Nano), opts.Until.Time.Format(time.RFC3339Nano))
	}
	cfg.since, cfg.hasSince = opts.Since.Time, opts.Since.Set
	cfg.until, cfg.hasUntil = opts.Until.Time, opts.Until.Set
	return nil
}

// fileObserver hears what the follower does with one file.
type fileObserver struct {
	sink    *logSink
	bytes   int64
	skipped int64 // lines the follower dropped: too long, or UTF-16 broken by a stray byte
	err     error
}

func (o *fileObserver) FileOpened()         {}
func (o *fileObserver) FileClosed()         {}
func (o *fileObserver) Missing()            {}
func (o *fileObserver) Reopened(string)     {}
func (o *fileObserver) ReadError(err error) { o.err = err }
func (o *fileObserver) LineTooLong() {
	o.skipped++
	o.sink.lineSkipped(reasonTooLong)
}
func (o *fileObserver) LineDamaged() {
	o.skipped++
	o.sink.lineSkipped(reasonDamaged)
}
func (o *fileObserver) Progress(offset, _ int64) {
	o.bytes = offset
}

// read reads the files of one log oldest first through one pipeline, so that the correlator
// joins a request in one file with its result in the next. A line cut by a rollover (its
// start at the end of one file, with no line end, and its rest at the start of the next) is
// joined into one line, as the follower joins it when it follows the log live; when the two
// files differ in code unit width (UTF-8 and UTF-16) they are taken as two lines.
func (r *logRun) read(ctx context.Context, opts *Options) {
	p := exporter.NewPipeline(r.sink, opts.Pipeline, slog.New(slog.DiscardHandler))
	var (
		carry     []byte // the start of a line cut by a rollover
		carryUnit int
		hasCarry  bool
		held      []byte // the latest line of a file that ends in a cut line
		hasHeld   bool
		joined    []byte
	)
	flushCarry := func() {
		if hasCarry {
			p.HandleLine(carry)
			hasCarry = false
		}
	}
	for i, c := range r.files {
		f := File{Path: c.path, Bytes: c.size, Modified: c.mod.UTC(), Status: c.status, Reason: c.reason}
		var unit int
		var endsWithNewline bool
		if c.status == StatusRead {
			f.Encoding, unit, endsWithNewline, f.Status, f.Reason = sniffFile(c.path)
			if f.Status == StatusCompressed && c.current {
				// The follower reads the log's own path whatever it holds; so does the report, so
				// that it counts what the exporter counts.
				f.Status, f.Reason = StatusRead, "starts like a compressed file"
			}
		}
		if f.Status != StatusRead {
			if f.Status != StatusMissing && f.Status != StatusEmpty {
				flushCarry() // the rest of the cut line is in a file that is not read
			}
			r.out = append(r.out, f)
			continue
		}
		if hasCarry && carryUnit != unit {
			flushCarry()
		}
		// A file that does not end with a line end, and is followed by another, ends with the
		// start of a line: its lines are held back by one so that the last can be carried.
		hold := !endsWithNewline && i < len(r.files)-1
		obs := &fileObserver{sink: r.sink}
		fr, err := follow.New(follow.Config{Path: c.path, OneShot: true, MaxLineBytes: opts.MaxLineBytes, Observer: obs})
		if err != nil {
			f.Status, f.Reason = StatusUnreadable, err.Error()
			r.out = append(r.out, f)
			continue
		}
		var lines int64
		err = fr.Run(ctx, func(line []byte) {
			if hasCarry { // the rest of the line cut at the end of the file before (counted there)
				joined = append(append(joined[:0], carry...), line...)
				line, hasCarry = joined, false
			} else {
				lines++
			}
			if !hold {
				p.HandleLine(line)
				return
			}
			if hasHeld {
				p.HandleLine(held)
			}
			held, hasHeld = append(held[:0], line...), true
		})
		if hasHeld {
			carry, carryUnit, hasCarry, hasHeld = append(carry[:0], held...), unit, true, false
		}
		if err == nil {
			err = obs.err
		}
		f.Lines = lines + obs.skipped
		if enc := fr.Position().Encoding; enc != "" {
			f.Encoding = enc
		}
		f.Bytes = max(f.Bytes, obs.bytes)
		if err != nil {
			f.Status, f.Reason = StatusUnreadable, err.Error()
			if ctx.Err() != nil {
				f.Reason = "interrupted"
			}
		}
		r.out = append(r.out, f)
	}
	flushCarry()
}
