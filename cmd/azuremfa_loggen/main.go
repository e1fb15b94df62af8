// Command azuremfa_loggen writes a realistic Azure MFA Server log, deterministic from a
// seed, and the metric values azuremfa_exporter must report for it.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/azuremfa/azuremfa_exporter/loggen"
)

func main() {
	app := kingpin.New("azuremfa_loggen", "Writes a realistic Azure MFA Server log and the metric values azuremfa_exporter must report for it.")
	var (
		seed      = app.Flag("seed", "Seed of the generator: the same seed and flags give the same bytes.").Default("1").Uint64()
		lines     = app.Flag("lines", "Lines to write, malformed ones included.").Default("100000").Int()
		rate      = app.Flag("rate", "Lines per second of wall time; 0 writes as fast as possible.").Default("0").Float64()
		kind      = app.Flag("kind", "Which log: radius (pfrad), iis (pfisapi), service (pfsvc) or syslog (the service's messages as rsyslog writes them).").Default("radius").Enum("radius", "iis", "service", "syslog")
		out       = app.Flag("out", "File to write; - is standard output.").Default("-").String()
		rollBytes = app.Flag("roll-bytes", "Roll the file over (rename to <file>.1, create anew) once it holds this many bytes; 0 never.").Default("0").Int64()
		rollKeep  = app.Flag("roll-keep", "Rolled files to keep (<file>.1 ... <file>.N).").Default("5").Int()
		crlf      = app.Flag("crlf", "End lines with CR LF, as the Windows service does.").Bool()
		start     = app.Flag("start", "Log time of the first line (RFC 3339).").Default(loggen.DefaultStart.Format(time.RFC3339)).String()
		expected  = app.Flag("expected", "Also write the metric values the exporter must report to this file (Prometheus text format).").String()
		usersOut  = app.Flag("users-table", "Also write the users table `azuremfa_exporter report --format csv` must print for the log to this file (CSV, rows in another order).").String()
		malformed = app.Flag("malformed", "Fraction of lines written without the layout.").Default("0").Float64()
		users     = app.Flag("users", "Size of the user pool.").Default("5000").Int()
		reqRate   = app.Flag("requests-per-second", "Authentication requests per second of log time.").Default("5").Float64()
		check     = app.Flag("check", "Write no log: compare this scrape (Prometheus text format, e.g. the output of azuremfa_exporter --one-shot) with the --expected file, print every difference, and exit 1 if there is one.").String()
	)
	app.HelpFlag.Short('h')
	kingpin.MustParse(app.Parse(os.Args[1:]))

	if *check != "" {
		diffs, err := compare(*expected, *check)
		if err != nil {
			fmt.Fprintln(os.Stderr, "azuremfa_loggen:", err)
			os.Exit(2)
		}
		for _, d := range diffs {
			fmt.Println(d)
		}
		if len(diffs) > 0 {
			os.Exit(1)
		}
		return
	}

	startTime, err := time.Parse(time.RFC3339Nano, *start)
	if err != nil {
		app.Fatalf("--start: %v", err)
	}
	cfg := loggen.Config{
		Seed: *seed, Lines: *lines, Kind: loggen.Kind(*kind), Start: startTime, CRLF: *crlf,
		Malformed: *malformed, Users: *users, RequestRate: *reqRate,
	}
	if err := run(cfg, *out, *rollBytes, *rollKeep, *rate, *expected, *usersOut); err != nil {
		fmt.Fprintln(os.Stderr, "azuremfa_loggen:", err)
		os.Exit(1)
	}
}

func run(cfg loggen.Config, out string, rollBytes int64, rollKeep int, rate float64, expectedPath, usersPath string) error {
	var s sink
	closeOut := func() error { return nil }
	if out == "-" {
		if rollBytes > 0 {
			return fmt.Errorf("--roll-bytes needs --out to name a file")
		}
		s = streamSink{bufio.NewWriterSize(os.Stdout, 256<<10)}
	} else {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		fs, err := newFileSink(out, rollBytes, rollKeep)
		if err != nil {
			return err
		}
		s, closeOut = fs, fs.Close
	}
	w := s
	if rate > 0 {
		w = &pacer{sink: s, rate: rate, start: time.Now(), sleep: time.Sleep, now: time.Now}
	}
	exp, truth, err := loggen.GenerateTruth(w, cfg)
	if err == nil {
		err = s.Flush()
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if expectedPath != "" {
		if err := writeFile(expectedPath, func(w io.Writer) error { _, err := exp.WriteTo(w); return err }); err != nil {
			return err
		}
	}
	if usersPath != "" {
		return writeFile(usersPath, func(w io.Writer) error { return truth.WriteUsersCSV(w, true) })
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		_ = f.Close() // the write error is the one to report
		return err
	}
	return f.Close()
}

// compare checks a scrape against an expected file: every expected sample present with its
// value, and no non-zero sample of the same names and logs that the file lacks.
func compare(expectedPath, scrapePath string) ([]string, error) {
	if expectedPath == "" {
		return nil, fmt.Errorf("--check needs --expected")
	}
	read := func(path string) (loggen.Expected, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer func() { _ = f.Close() }() // read only
		e, err := loggen.ParseText(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return e, nil
	}
	want, err := read(expectedPath)
	if err != nil {
		return nil, err
	}
	got, err := read(scrapePath)
	if err != nil {
		return nil, err
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("%s holds no samples", expectedPath)
	}
	return want.Compare(got), nil
}
