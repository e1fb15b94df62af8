package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// Every flag is checked here before anything starts (before the log is opened, a port bound or
// a file followed): a value out of its range ends the exporter with exit code 2 and one line
// that names the flag and what it accepts. The ranges are what an MFA Server administrator can
// mean; a value outside them is a typo or a misunderstanding, never a setting to honour.

// Numeric ranges, inclusive.
const (
	minPollInterval    = 10 * time.Millisecond // below it a poll loop burns a core for nothing
	maxPollInterval    = time.Minute
	minMaxLineBytes    = 1 << 10
	maxMaxLineBytes    = 64 << 20 // a line is buffered whole: the cap bounds memory per log
	minDuplicateWindow = time.Second
	maxDuplicateWindow = time.Hour
	minAuthTimeout     = time.Second
	maxAuthTimeout     = time.Hour
	minStatsWindow     = time.Minute
	maxStatsWindow     = 24 * time.Hour
	minMaxOpen         = 1
	maxMaxOpen         = 1_000_000
	minSyslogYear      = logparse.MinYear
	maxSyslogYear      = 2100
	maxMaxRequests     = 10_000
)

// healthPath answers 200 while the exporter runs; paths under /-/ are the exporter's own.
const healthPath = "/-/healthy"

// allowed is what each flag accepts, as error messages and docs/configuration.md say it. Every
// flag of the application has an entry (TestConfigurationDoc fails otherwise).
func allowed(flag string) string {
	switch flag {
	case "mfa.log-dir":
		return "a folder; with `--one-shot` it must exist"
	case "mfa.radius-log", "mfa.iis-log", "mfa.service-log", "mfa.syslog-log":
		return "a file path; each log at most once"
	case "tail.poll-interval":
		return durationRange(minPollInterval, maxPollInterval)
	case "tail.positions-file":
		return "a file path in an existing folder, not a followed log; empty: off"
	case "tail.max-line-bytes":
		return fmt.Sprintf("%d (%d KiB) to %d (%d MiB)", minMaxLineBytes, minMaxLineBytes>>10, maxMaxLineBytes, maxMaxLineBytes>>20)
	case "duplicate.window":
		return durationRange(minDuplicateWindow, maxDuplicateWindow)
	case "auth.timeout":
		return durationRange(minAuthTimeout, maxAuthTimeout)
	case "auth.max-open":
		return fmt.Sprintf("%d to %d", minMaxOpen, maxMaxOpen)
	case "stats.window":
		return durationRange(minStatsWindow, maxStatsWindow)
	case "syslog.year":
		return fmt.Sprintf("0 (infer), or %d to %d", minSyslogYear, maxSyslogYear)
	case "web.telemetry-path":
		return "`/` or a path such as `/metrics`: letters, digits and `-._~/`, no `//`, `.`, `..` or trailing `/`, not under `/-/`"
	case "web.max-requests":
		return fmt.Sprintf("0 (no limit) to %d", maxMaxRequests)
	case "web.listen-address":
		return "`[host]:port` with a port from 1 to 65535, or `vsock://:port`; repeatable"
	case "web.config.file":
		return "a file the exporter toolkit accepts (checked at start with its `web.Validate`); empty: plain HTTP, no authentication"
	case "log.file":
		return "`stderr`, `stdout`, `eventlog` (Windows) or a file path in an existing folder"
	case "log.level":
		return strings.Join(promslog.LevelFlagOptions, ", ")
	case "log.format":
		return strings.Join(promslog.FormatFlagOptions, ", ")
	case "tail.from-start", "tail.poll", "one-shot", "web.disable-exporter-metrics", "web.systemd-socket":
		return "on or off"
	case "help", "version":
		return ""
	}
	return reportAllowed(flag)
}

// durationRange says "10ms to 1m", not "10ms to 1m0s".
func durationRange(lo, hi time.Duration) string {
	short := func(d time.Duration) string {
		s := d.String()
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		if strings.HasSuffix(s, "h0m") {
			s = strings.TrimSuffix(s, "0m")
		}
		return s
	}
	return short(lo) + " to " + short(hi)
}

// flagError is a value the exporter refuses.
type flagError struct {
	flag, value string
	problem     string // what is wrong; the allowed values follow it
}

func (e *flagError) Error() string {
	v := e.value
	if v == "" || strings.ContainsAny(v, " \t\"") {
		v = strconv.Quote(v)
	}
	msg := "--" + e.flag + "=" + v
	if e.problem != "" {
		msg += ": " + e.problem
	}
	if a := allowed(e.flag); a != "" {
		msg += "; allowed: " + strings.ReplaceAll(a, "`", "")
	}
	return msg
}

// validate checks every flag. It reads the file system only to check that the files and
// folders named exist where they must; it opens nothing for writing and binds nothing.
func (o *options) validate(goos string) error {
	if err := o.checkReadingRules(); err != nil {
		return err
	}
	for _, err := range []error{
		checkDuration("tail.poll-interval", o.pollInterval, minPollInterval, maxPollInterval),
		checkDuration("stats.window", o.statsWindow, minStatsWindow, maxStatsWindow),
		checkInt("web.max-requests", o.maxRequests, 0, maxMaxRequests),
	} {
		if err != nil {
			return err
		}
	}
	if problem := checkTelemetryPath(o.metricsPath); problem != "" {
		return &flagError{flag: "web.telemetry-path", value: o.metricsPath, problem: problem}
	}
	if o.webFlags.WebSystemdSocket == nil || !*o.webFlags.WebSystemdSocket {
		addrs := *o.webFlags.WebListenAddresses
		if len(addrs) == 0 {
			return &flagError{flag: "web.listen-address", problem: "no address to listen on"}
		}
		for _, a := range addrs {
			if problem := checkListenAddress(a); problem != "" {
				return &flagError{flag: "web.listen-address", value: a, problem: problem}
			}
		}
	}
	if f := *o.webFlags.WebConfigFile; f != "" {
		if err := web.Validate(f); err != nil {
			return &flagError{flag: "web.config.file", value: f, problem: oneLine(err.Error())}
		}
	}
	return o.validateFiles(goos)
}

// validateFiles checks the flags that name files: the logs, the positions file, --log.file.
func (o *options) validateFiles(goos string) error {
	logs := o.logFlags()
	if len(logs) == 0 {
		return fmt.Errorf("no log file configured: set --mfa.log-dir or one of --mfa.radius-log, --mfa.iis-log, --mfa.service-log, --mfa.syslog-log")
	}
	// One file followed twice would be counted twice; the exporter's own files must not be
	// followed, nor overwritten.
	seen := map[string]string{} // pathKey -> flag
	key := func(p string) string { return pathKey(p, goos) }
	for _, l := range logs {
		abs := key(l.path)
		if other, ok := seen[abs]; ok {
			return &flagError{flag: l.flag, value: l.path, problem: fmt.Sprintf("--%s and --%s are the same file", other, l.flag)}
		}
		seen[abs] = l.flag
		// A replay reads what is there now: a folder at a log path is a mistake in the flag.
		// (Following waits, counting a read error, for a file to take the folder's place.)
		if st, err := os.Stat(l.path); err == nil && st.IsDir() && o.oneShot {
			return &flagError{flag: l.flag, value: l.path, problem: "a folder, not a log file"}
		}
	}
	if o.positionsFile != "" {
		if other, ok := seen[key(o.positionsFile)]; ok {
			return &flagError{flag: "tail.positions-file", value: o.positionsFile, problem: "it is the log of --" + other}
		}
		if problem := checkWritableFile(o.positionsFile); problem != "" {
			return &flagError{flag: "tail.positions-file", value: o.positionsFile, problem: problem}
		}
		seen[key(o.positionsFile)] = "tail.positions-file"
	}
	switch o.logFile {
	case "", "stderr":
	case "stdout":
		if o.oneShot {
			return &flagError{flag: "log.file", value: o.logFile, problem: "--one-shot prints the metrics to stdout; log elsewhere"}
		}
	case "eventlog":
		if goos != "windows" {
			return &flagError{flag: "log.file", value: o.logFile, problem: "the event log exists only on Windows"}
		}
	default:
		if other, ok := seen[key(o.logFile)]; ok {
			return &flagError{flag: "log.file", value: o.logFile, problem: "it is the file of --" + other}
		}
		if problem := checkWritableFile(o.logFile); problem != "" {
			return &flagError{flag: "log.file", value: o.logFile, problem: problem}
		}
	}
	if o.oneShot {
		return o.validateReplay(logs)
	}
	// Following waits for a missing folder or file to appear; a folder that is a file cannot.
	if o.logDir != "" {
		if st, err := os.Stat(o.logDir); err == nil && !st.IsDir() {
			return &flagError{flag: "mfa.log-dir", value: o.logDir, problem: "a file, not a folder"}
		}
	}
	return nil
}

// validateReplay: --one-shot reads what exists now. A folder that does not exist, or logs none
// of which exists, leave nothing to replay; a folder without one of the three logs is fine
// (that log is skipped with a warning). The folder must exist when it was given, or when it is
// where every log comes from; the default folder (Windows) need not exist when logs are given
// one by one.
func (o *options) validateReplay(logs []logFlag) error {
	fromDir, onlyDir := false, true
	for _, l := range logs {
		if l.flag == "mfa.log-dir" {
			fromDir = true
		} else {
			onlyDir = false
		}
	}
	if fromDir && (o.logDirSet || onlyDir) {
		st, err := os.Stat(o.logDir)
		switch {
		case err != nil:
			return &flagError{flag: "mfa.log-dir", value: o.logDir, problem: "no such folder; --one-shot replays the logs in it"}
		case !st.IsDir():
			return &flagError{flag: "mfa.log-dir", value: o.logDir, problem: "a file, not a folder"}
		}
		return nil
	}
	var names []string
	for _, l := range logs {
		if _, err := os.Stat(l.path); err == nil {
			return nil
		}
		if l.flag != "mfa.log-dir" {
			names = append(names, "--"+l.flag+"="+l.path)
		}
	}
	return fmt.Errorf("%s: no such file; --one-shot has nothing to replay", strings.Join(names, ", "))
}

// checkTelemetryPath returns what is wrong with a metrics path, or "". The rules keep it a
// plain path that http.ServeMux takes as an exact pattern and that clashes with nothing else
// the exporter serves.
func checkTelemetryPath(p string) string {
	switch {
	case p == "":
		return "empty"
	case p[0] != '/':
		return `must start with "/"`
	case p == "/-" || strings.HasPrefix(p, "/-/"):
		return "paths under /-/ are the exporter's own (" + healthPath + ")"
	case path.Clean(p) != p:
		return "not a clean path"
	}
	for _, c := range p {
		if !pathRune(c) {
			return fmt.Sprintf("%q is not allowed in it", c)
		}
	}
	return ""
}

// pathRune reports whether c may appear in a metrics path: a letter, a digit, "-._~" or "/".
func pathRune(c rune) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("-._~/", c)
}

// checkListenAddress returns what is wrong with a listen address, or "". The host is not
// resolved here: a name that does not resolve fails when the listener opens.
func checkListenAddress(a string) string {
	if rest, ok := strings.CutPrefix(a, "vsock://"); ok {
		_, port, err := net.SplitHostPort(rest)
		if err != nil {
			return "not vsock://:port"
		}
		if n, err := strconv.ParseUint(port, 10, 32); err != nil || n == 0 {
			return "the vsock port must be a number from 1 to 4294967295"
		}
		return ""
	}
	_, port, err := net.SplitHostPort(a)
	if err != nil {
		return "not [host]:port"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "the port must be a number from 1 to 65535"
	}
	return ""
}

// checkWritableFile returns what is wrong with a path the exporter will write, or "": its
// folder must exist and the path must not be a folder.
func checkWritableFile(p string) string {
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return "a folder, not a file"
	}
	dir := filepath.Dir(p)
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return "its folder " + dir + " does not exist"
	case !st.IsDir():
		return dir + " is not a folder"
	}
	return ""
}

// pathKey is p made absolute and clean, for comparing paths; on Windows, where names are
// case-insensitive, also in lower case.
func pathKey(p, goos string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = filepath.Clean(p)
	}
	if goos == "windows" {
		abs = strings.ToLower(abs)
	}
	return abs
}

// oneLine joins a multi-line error (YAML errors are) into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// intFlag is an int flag that takes a whole decimal number only. Kingpin's own reads a float
// and converts it, so "1.5" became 1 and a number beyond the int range became garbage.
type intFlag struct{ v *int }

func (f intFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return errors.New("out of range")
		}
		return errors.New("not a whole number")
	}
	*f.v = n
	return nil
}

func (f intFlag) String() string { return strconv.Itoa(*f.v) }

// explainParseError names the flag whose value kingpin could not parse, when err is that: a
// value's own error (a bad duration, an unknown log level) does not say which flag it was.
func explainParseError(app *kingpin.Application, args []string, err error) error {
	pc, perr := app.ParseContext(args)
	if perr != nil || pc == nil {
		return err
	}
	for _, el := range pc.Elements {
		fc, ok := el.Clause.(*kingpin.FlagClause)
		if !ok || el.Value == nil {
			continue
		}
		m := fc.Model()
		if serr := m.Value.Set(*el.Value); serr != nil {
			return &flagError{flag: m.Name, value: *el.Value, problem: serr.Error()}
		}
	}
	return err
}
