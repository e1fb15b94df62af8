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
	stampVersion()
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed flags.
type options struct {
	logDir, radiusLog, iisLog, serviceLog, syslogLog string
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

func newApp(o *options) *kingpin.Application {
	app := kingpin.New(exporterName, "Prometheus exporter for the logs of on-premises Azure Multi-Factor Authentication Server.")
	defaultDir := ""
	if runtime.GOOS == "windows" {
		defaultDir = windowsLogDir
	}
	app.Flag("mfa.log-dir", "MFA Server's log folder: the RADIUS, IIS and service logs in it are followed.").
		Default(defaultDir).StringVar(&o.logDir)
	app.Flag("mfa.radius-log", "Path of MultiFactorAuthRadiusSvc.log (overrides --mfa.log-dir for this log).").StringVar(&o.radiusLog)
	app.Flag("mfa.iis-log", "Path of MultiFactorAuthIisNm.log (overrides --mfa.log-dir for this log).").StringVar(&o.iisLog)
	app.Flag("mfa.service-log", "Path of MultiFactorAuthSvc.log (overrides --mfa.log-dir for this log).").StringVar(&o.serviceLog)
	app.Flag("mfa.syslog-log", "Path of a syslog file holding MFA Server's messages (Linux collectors).").StringVar(&o.syslogLog)
	app.Flag("tail.from-start", "Read log files present at start from their beginning (default: from their end).").BoolVar(&o.fromStart)
	app.Flag("tail.poll", "Poll files instead of using file-system notifications (always on Windows).").BoolVar(&o.poll)
	app.Flag("tail.poll-interval", "How often files are polled (in notify mode, a safety poll runs at 8 times this).").Default("100ms").DurationVar(&o.pollInterval)
	app.Flag("tail.positions-file", "File where read offsets are kept across restarts (off when empty).").StringVar(&o.positionsFile)
	app.Flag("tail.max-line-bytes", "Longer lines are skipped and counted as malformed.").Default("1048576").IntVar(&o.maxLineBytes)
	app.Flag("duplicate.window", "A request for a user who made one less than this much log time earlier is a duplicate.").
		Default("30s").DurationVar(&o.duplicateWindow)
	app.Flag("auth.timeout", "A request without a result after this much log time is abandoned.").Default("5m").DurationVar(&o.authTimeout)
	app.Flag("auth.max-open", "Cap on requests waiting for their result per log; the oldest beyond it are abandoned.").
		Default("10000").IntVar(&o.maxOpen)
	app.Flag("stats.window", "Log time over which the ratio gauges are computed.").Default("5m").DurationVar(&o.statsWindow)
	app.Flag("syslog.year", "Year of the first RFC 3164 syslog line, which carries none; later lines move on at each New Year. 0: the current year, or the last one if the first line would be in the future.").
		Default("0").IntVar(&o.syslogYear)
	app.Flag("one-shot", "Read every configured log from start to end, print the metrics to stdout and exit.").BoolVar(&o.oneShot)
	app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").StringVar(&o.metricsPath)
	app.Flag("web.disable-exporter-metrics", "Exclude the exporter's own process, Go and promhttp metrics.").BoolVar(&o.disableExporterMetrics)
	app.Flag("web.max-requests", "Maximum number of parallel scrape requests. Use 0 to disable.").Default("40").IntVar(&o.maxRequests)
	app.Flag("log.file", "Where the exporter logs: stderr, stdout, eventlog (Windows) or a file path. Default: eventlog when run as a Windows service, else stderr.").
		StringVar(&o.logFile)
	o.webFlags = kingpinflag.AddFlags(app, defaultListenAddress)
	o.logConfig = &promslog.Config{}
	flag.AddFlags(app, o.logConfig)
	app.Version(version.Print(exporterName))
	app.HelpFlag.Short('h')
	return app
}

// logFiles resolves the configured logs: the folder's three files, each overridable.
func (o *options) logFiles() []exporter.LogFile {
	override := map[string]string{
		exporter.LogRadius: o.radiusLog, exporter.LogIIS: o.iisLog, exporter.LogService: o.serviceLog,
	}
	var logs []exporter.LogFile
	for _, f := range logFileNames {
		path := override[f.name]
		if path == "" && o.logDir != "" {
			path = filepath.Join(o.logDir, f.file)
		}
		if path != "" {
			logs = append(logs, exporter.LogFile{Name: f.name, Path: path})
		}
	}
	if o.syslogLog != "" {
		logs = append(logs, exporter.LogFile{Name: exporter.LogSyslog, Path: o.syslogLog})
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
	var o options
	app := newApp(&o)
	app.UsageWriter(stdout)
	app.ErrorWriter(stderr)
	exited := false
	app.Terminate(func(int) { exited = true })
	if _, err := app.Parse(args); err != nil {
		fmt.Fprintf(stderr, "%s: error: %v, try --help\n", exporterName, err)
		return 2
	}
	if exited { // --help or --version
		return 0
	}
	if len(o.logFiles()) == 0 {
		fmt.Fprintf(stderr, "%s: error: no log file configured: set --mfa.log-dir or one of --mfa.radius-log, --mfa.iis-log, --mfa.service-log, --mfa.syslog-log\n", exporterName)
		return 2
	}
	if o.oneShot && o.logFile == "stdout" {
		fmt.Fprintf(stderr, "%s: error: --one-shot prints the metrics to stdout; log elsewhere than --log.file=stdout\n", exporterName)
		return 2
	}
	asService := isWindowsService()
	logger, closeLog, err := newLogger(&o, asService, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", exporterName, err)
		return 2
	}
	defer closeLog()

	if o.oneShot {
		return oneShot(ctx, &o, logger, stdout)
	}
	serveUntilDone := func(ctx context.Context) error { return serve(ctx, &o, logger) }
	if asService {
		err = runAsService(serveUntilDone)
	} else {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = serveUntilDone(ctx)
	}
	if err != nil {
		logger.Error("Exporter failed", "err", err)
		return 1
	}
	return 0
}

// oneShot replays every log from start to end and prints the azuremfa_ metrics.
func oneShot(ctx context.Context, o *options, logger *slog.Logger, stdout io.Writer) int {
	reg := prometheus.NewRegistry()
	e, err := exporter.New(o.exporterConfig(), reg, logger)
	if err != nil {
		logger.Error("Cannot start", "err", err)
		return 2
	}
	if err := e.Run(ctx); err != nil {
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

// serve follows the logs and serves /metrics until ctx is done, then stops within shutdownTimeout.
func serve(ctx context.Context, o *options, logger *slog.Logger) error {
	logger.Info("Starting "+exporterName, "version", version.Info())
	logger.Info("Build context", "build_context", version.BuildContext())

	reg := prometheus.NewRegistry()
	reg.MustRegister(versioncollector.NewCollector(exporterName))
	e, err := exporter.New(o.exporterConfig(), reg, logger)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(o.metricsPath, metricsHandler(reg, o.disableExporterMetrics, o.maxRequests, logger))
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "Healthy\n") })
	if o.metricsPath != "/" && o.metricsPath != "" {
		mux.Handle("/", newLandingPage(o.metricsPath, e.Status, logger))
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	followed := make(chan error, 1)
	go func() { followed <- e.Run(runCtx) }()
	served := make(chan error, 1)
	go func() { served <- web.ListenAndServe(srv, o.webFlags, logger) }()

	select {
	case <-ctx.Done():
		logger.Info("Stopping")
	case err = <-served:
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
	case err = <-followed:
	}
	cancel()
	shutdownCtx, stop := context.WithTimeout(context.Background(), shutdownTimeout)
	defer stop()
	if serr := srv.Shutdown(shutdownCtx); serr != nil && err == nil {
		err = serr
	}
	select {
	case ferr := <-followed:
		if err == nil {
			err = ferr
		}
	case <-shutdownCtx.Done():
		logger.Warn("Log followers did not stop in time")
	}
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
