// Command azuremfa_exporter follows Azure MFA Server logs and publishes Prometheus metrics
// about every authentication in them. This file parses flags and wires the pieces.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/promslog"
	"github.com/prometheus/common/promslog/flag"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/azuremfa/azuremfa_exporter/exporter"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

const (
	exporterName = "azuremfa_exporter"
	// defaultListenAddress is provisional: no port is claimed on the Prometheus wiki yet.
	defaultListenAddress = ":10085"
	// windowsLogDir is where MFA Server writes its logs.
	windowsLogDir = `C:\Program Files\Multi-Factor Authentication Server\Logs`
	// shutdownTimeout bounds how long a stop may take.
	shutdownTimeout = 5 * time.Second
)

// Log files inside --mfa.log-dir.
var logFileNames = []struct{ name, file string }{
	{exporter.LogRadius, "MultiFactorAuthRadiusSvc.log"},
	{exporter.LogIIS, "MultiFactorAuthIisNm.log"},
	{exporter.LogService, "MultiFactorAuthSvc.log"},
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed flags.
type options struct {
	logDir, radiusLog, iisLog, serviceLog, syslogLog string
	logDirSet                                        bool // --mfa.log-dir given, not its default
	fromStart, poll                                  bool
	pollInterval                                     time.Duration
	positionsFile                                    string
	maxLineBytes                                     int
	duplicateWindow, authTimeout, statsWindow        time.Duration
	maxOpen                                          int
	syslogYear                                       int
	oneShot                                          bool
	metricsPath                                      string
	disableExporterMetrics                           bool
	maxRequests                                      int
	logFile                                          string
	webFlags                                         *web.FlagConfig
	logConfig                                        *promslog.Config
}

// newApp declares every flag. goos chooses the defaults that depend on the system.
func newApp(o *options, goos string) *kingpin.Application {
	app := kingpin.New(exporterName, "Prometheus exporter for the logs of on-premises Azure Multi-Factor Authentication Server. "+
		"`"+exporterName+" "+reportCommand+" --help`: the report of the logs (who, from which client, since when).")
	addLogFlags(app, o, goos, "followed")
	app.Flag("tail.from-start", "Read log files present at start from their beginning (default: from their end). A file that appears later, or after a rollover, is always read from its beginning.").BoolVar(&o.fromStart)
	app.Flag("tail.poll", "Poll files instead of using file-system notifications (always on Windows, where NTFS does not report changes reliably while the writer holds the file).").BoolVar(&o.poll)
	app.Flag("tail.poll-interval", "How often files are polled (in notify mode, a safety poll runs at 8 times this).").Default("100ms").DurationVar(&o.pollInterval)
	app.Flag("tail.positions-file", "File where read offsets are kept across restarts, saved every 5 s, at stop and on SIGHUP (off when empty).").StringVar(&o.positionsFile)
	addReadingRules(app, o)
	app.Flag("stats.window", "Log time over which the two ratio gauges are computed.").Default("5m").DurationVar(&o.statsWindow)
	app.Flag("one-shot", "Read every configured log from start to end, print the azuremfa_ metrics to stdout and exit.").BoolVar(&o.oneShot)
	app.Flag("web.telemetry-path", "Path under which to expose metrics. /-/healthy answers 200; / shows a landing page unless the metrics are there.").Default("/metrics").StringVar(&o.metricsPath)
	app.Flag("web.disable-exporter-metrics", "Exclude the exporter's own process, Go and promhttp metrics.").BoolVar(&o.disableExporterMetrics)
	app.Flag("web.max-requests", "Maximum number of scrapes served at once; more get 503. 0: no limit.").Default("40").SetValue(intFlag{&o.maxRequests})
	app.Flag("log.file", "Where the exporter logs: stderr, stdout, eventlog (Windows) or a file path. Default: eventlog when run as a Windows service, else stderr.").
		StringVar(&o.logFile)
	o.webFlags = kingpinflag.AddFlags(app, defaultListenAddress)
	o.logConfig = &promslog.Config{}
	flag.AddFlags(app, o.logConfig)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	return app
}

// logFlag is one configured log: its label, the flag that set its path, and the path.
type logFlag struct{ name, flag, path string }

// logFlags resolves the configured logs: the folder's three files, each overridable by its
// own flag, and the syslog file.
func (o *options) logFlags() []logFlag {
	override := map[string]string{
		exporter.LogRadius: o.radiusLog, exporter.LogIIS: o.iisLog, exporter.LogService: o.serviceLog,
	}
	var logs []logFlag
	for _, f := range logFileNames {
		switch path := override[f.name]; {
		case path != "":
			logs = append(logs, logFlag{f.name, "mfa." + f.name + "-log", path})
		case o.logDir != "":
			logs = append(logs, logFlag{f.name, "mfa.log-dir", filepath.Join(o.logDir, f.file)})
		}
	}
	if o.syslogLog != "" {
		logs = append(logs, logFlag{exporter.LogSyslog, "mfa.syslog-log", o.syslogLog})
	}
	return logs
}

func (o *options) logFiles() []exporter.LogFile {
	var logs []exporter.LogFile
	for _, l := range o.logFlags() {
		logs = append(logs, exporter.LogFile{Name: l.name, Path: l.path})
	}
	return logs
}

func (o *options) exporterConfig() exporter.Config {
	return exporter.Config{
		Logs: o.logFiles(),
		Follow: exporter.FollowConfig{
			Poll:              o.poll,
			PollInterval:      o.pollInterval,
			FromStart:         o.fromStart,
			OneShot:           o.oneShot,
			MaxLineBytes:      o.maxLineBytes,
			PositionsFile:     o.positionsFile,
			PositionsInterval: 5 * time.Second,
		},
		Pipeline: exporter.PipelineConfig{
			Correlator: logparse.CorrelatorConfig{
				Timeout:         o.authTimeout,
				DuplicateWindow: o.duplicateWindow,
				MaxOpen:         o.maxOpen,
			},
			StatsWindow: o.statsWindow,
			SyslogYear:  o.syslogYear,
		},
	}
}

// run is main with its exit code: 0 on a clean stop, 1 on a failure, 2 on bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	stampVersion()
	// `report` is dispatched before parsing, so that the report and the exporter each have
	// their own flags, help and errors.
	if len(args) > 0 && args[0] == reportCommand {
		return runReport(ctx, args[1:], stdout, stderr)
	}
	var o options
	app := newApp(&o, runtime.GOOS)
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	exited := false
	app.Terminate(func(int) { exited = true })
	if _, err := app.Parse(args); err != nil {
		err = explainParseError(app, args, err)
		hint := ", try --help"
		if fe := (*flagError)(nil); errors.As(err, &fe) {
			hint = "" // it names the flag and what it accepts
		}
		return usageError(stderr, isWindowsService(), err, hint)
	}
	if exited { // --help or --version
		return 0
	}
	return runExporter(ctx, &o, stdout, stderr)
}

// usageError says why the flags were refused and returns exit code 2. A service's standard
// error goes nowhere, so there it is also written to the event log, where an admin looks first.
func usageError(stderr io.Writer, asService bool, err error, hint string) int {
	msg := fmt.Sprintf("%s: error: %v%s", exporterName, err, hint)
	_, _ = fmt.Fprintln(stderr, msg) // nowhere else to say it if this fails
	if asService {
		if w, werr := openEventLog(serviceName); werr == nil {
			_, _ = fmt.Fprintf(w, "level=ERROR msg=%q\n", "Cannot start: "+msg)
			_ = w.Close()
		}
	}
	return 2
}

// runExporter follows the logs: as a Windows service, in a console until a stop signal, or
// once through with --one-shot.
func runExporter(ctx context.Context, o *options, stdout, stderr io.Writer) int {
	asService := isWindowsService()
	// Signals are caught from the start, so that none ends the process silently.
	hangups := make(chan os.Signal, 1)
	notifyHangup(hangups)
	defer signal.Stop(hangups)
	stops := make(chan os.Signal, 1)
	if !asService { // the service manager stops a service
		signal.Notify(stops, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(stops)
	}

	if err := o.validate(runtime.GOOS); err != nil {
		return usageError(stderr, asService, err, "")
	}
	out, err := newLogOutput(o, asService, stderr)
	if err != nil {
		return usageError(stderr, asService, err, "")
	}
	defer out.close()
	logger := out.logger
	lc := lifecycle{hangups: hangups, reopenLog: out.reopen}

	if asService {
		err = runAsService(func(ctx context.Context) error { return serve(ctx, o, logger, lc) })
	} else {
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		go func() {
			select {
			case s := <-stops:
				cancel(fmt.Errorf("received %s", signalName(s)))
			case <-ctx.Done():
			}
		}()
		if o.oneShot {
			return oneShot(ctx, o, logger, stdout, lc)
		}
		err = serve(ctx, o, logger, lc)
	}
	if err != nil {
		logger.Error("Exporter failed", "err", err)
		return 1
	}
	return 0
}

// lifecycle is what serve and oneShot get from the process besides their flags.
type lifecycle struct {
	hangups   <-chan os.Signal // SIGHUP; never on Windows
	reopenLog func() error     // reopens --log.file when it is a file; nil otherwise
}

// hangup answers SIGHUP: it saves positions (when a positions file is configured) and reopens
// --log.file (when it is a file), so that logrotate can move the log away; the exporter goes
// on running.
func (lc lifecycle) hangup(logger *slog.Logger, savePositions func() error) {
	logger.Info("Received SIGHUP", "save_positions", savePositions != nil, "reopen_log_file", lc.reopenLog != nil)
	if savePositions != nil {
		if err := savePositions(); err != nil {
			logger.Error("Cannot save positions on SIGHUP", "err", err)
		} else {
			logger.Info("Positions saved on SIGHUP")
		}
	}
	if lc.reopenLog != nil {
		if err := lc.reopenLog(); err != nil {
			logger.Error("Cannot reopen --log.file; still writing to the file opened before", "err", err)
			return
		}
		logger.Info("Log file reopened on SIGHUP")
	}
}

// oneShot replays every log from start to end and prints the azuremfa_ metrics.
func oneShot(ctx context.Context, o *options, logger *slog.Logger, stdout io.Writer, lc lifecycle) int {
	reg := prometheus.NewRegistry()
	e, err := exporter.New(o.exporterConfig(), reg, logger)
	if err != nil {
		logger.Error("Cannot start", "err", err)
		return 2
	}
	replayed := make(chan error, 1)
	go func() { replayed <- e.Run(ctx) }()
	for done := false; !done; {
		select {
		case <-lc.hangups:
			lc.hangup(logger, nil)
		case err = <-replayed:
			done = true
		}
	}
	if ctx.Err() != nil {
		logger.Error("Replay interrupted; no metrics printed", "reason", context.Cause(ctx))
		return 1
	}
	if err != nil {
		logger.Error("Replay failed", "err", err)
		return 1
	}
	if err := writeMetrics(reg, stdout); err != nil {
		logger.Error("Cannot write metrics", "err", err)
		return 1
	}
	return 0
}

// writeMetrics writes the azuremfa_ families of g in the text format, sorted as client_golang sorts them.
func writeMetrics(g prometheus.Gatherer, w io.Writer) error {
	mfs, err := g.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "azuremfa_") {
			if err := enc.Encode(mf); err != nil {
				return err
			}
		}
	}
	return nil
}

// serve follows the logs and serves /metrics until ctx is done, then stops within
// shutdownTimeout. SIGHUP saves positions and reopens the log file meanwhile.
func serve(ctx context.Context, o *options, logger *slog.Logger, lc lifecycle) error {
	logger.Info("Starting "+exporterName, "version", version.Info())
	logger.Info("Build context", "build_context", version.BuildContext())

	reg := prometheus.NewRegistry()
	reg.MustRegister(versioncollector.NewCollector(exporterName))
	e, err := exporter.New(o.exporterConfig(), reg, logger)
	if err != nil {
		return err
	}
	mux := newMux(o.metricsPath, metricsHandler(reg, o.disableExporterMetrics, o.maxRequests, logger),
		newLandingPage(o.metricsPath, e.Status, logger))
	srv := newHTTPServer(mux, defaultHTTPTimeouts())
	var savePositions func() error
	if o.positionsFile != "" {
		savePositions = e.SavePositions
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	followed := make(chan error, 1)
	go func() { followed <- e.Run(runCtx) }()
	served := make(chan error, 1)
	go func() { served <- web.ListenAndServe(srv, o.webFlags, logger) }()

	followersDone := false
	for running := true; running; {
		select {
		case <-ctx.Done():
			logger.Info("Stopping", "reason", context.Cause(ctx))
			running = false
		case err = <-served:
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			running = false
		case err = <-followed:
			followersDone, running = true, false
		case <-lc.hangups:
			lc.hangup(logger, savePositions)
		}
	}
	stopStart := time.Now()
	cancel()
	shutdownCtx, stop := context.WithTimeout(context.Background(), shutdownTimeout)
	defer stop()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	listenerClosed := time.Since(stopStart)
	if !followersDone {
		select {
		case ferr := <-followed:
			if err == nil {
				err = ferr
			}
		case <-shutdownCtx.Done():
			logger.Warn("Log followers did not stop in time")
		}
	}
	// How long each part took: a stop that comes close to shutdownTimeout shows which part.
	logger.Info("Stopped", "took", time.Since(stopStart).Round(time.Millisecond),
		"listener_closed_after", listenerClosed.Round(time.Millisecond))
	return err
}

// metricsHandler serves the MFA metrics and, unless disabled, the exporter's own process and
// Go metrics, which live on their own registry.
func metricsHandler(reg *prometheus.Registry, disableExporterMetrics bool, maxRequests int, logger *slog.Logger) http.Handler {
	gatherers := prometheus.Gatherers{reg}
	var self *prometheus.Registry
	if !disableExporterMetrics {
		self = prometheus.NewRegistry()
		self.MustRegister(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
		gatherers = append(gatherers, self)
	}
	h := promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{
		ErrorLog:            slog.NewLogLogger(logger.Handler(), slog.LevelError),
		ErrorHandling:       promhttp.ContinueOnError,
		MaxRequestsInFlight: maxRequests,
	})
	if self != nil {
		h = promhttp.InstrumentMetricHandler(self, h)
	}
	return h
}
