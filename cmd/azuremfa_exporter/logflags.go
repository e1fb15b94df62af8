package main

import (
	"strconv"
	"time"

	"github.com/alecthomas/kingpin/v2"
)

// addLogFlags declares the flags that name the logs, which the exporter follows and the report
// reads (verb). goos chooses the default folder.
func addLogFlags(app *kingpin.Application, o *options, goos, verb string) {
	defaultDir := ""
	if goos == "windows" {
		defaultDir = windowsLogDir
	}
	app.Flag("mfa.log-dir", "MFA Server's log folder: the RADIUS, IIS and service logs in it are "+verb+".").
		Default(defaultDir).IsSetByUser(&o.logDirSet).StringVar(&o.logDir)
	app.Flag("mfa.radius-log", "Path of MultiFactorAuthRadiusSvc.log (overrides --mfa.log-dir for this log).").StringVar(&o.radiusLog)
	app.Flag("mfa.iis-log", "Path of MultiFactorAuthIisNm.log (overrides --mfa.log-dir for this log).").StringVar(&o.iisLog)
	app.Flag("mfa.service-log", "Path of MultiFactorAuthSvc.log (overrides --mfa.log-dir for this log).").StringVar(&o.serviceLog)
	app.Flag("mfa.syslog-log", "Path of a syslog file holding MFA Server's messages (Linux collectors).").StringVar(&o.syslogLog)
}

// addReadingRules declares the rules the lines of a log are read with, which the exporter and
// the report share so that the report agrees with the metrics.
func addReadingRules(app *kingpin.Application, o *options) {
	app.Flag("tail.max-line-bytes", "Longer lines are skipped (memory stays bounded) and counted as malformed.").Default("1048576").SetValue(intFlag{&o.maxLineBytes})
	app.Flag("duplicate.window", "A request for a user who made one less than this much log time earlier is a duplicate.").
		Default("30s").DurationVar(&o.duplicateWindow)
	app.Flag("auth.timeout", "A request without a result after this much log time is abandoned.").Default("5m").DurationVar(&o.authTimeout)
	app.Flag("auth.max-open", "Cap on requests waiting for their result per log; the oldest beyond it are abandoned and counted.").
		Default("10000").SetValue(intFlag{&o.maxOpen})
	app.Flag("syslog.year", "Year of the first RFC 3164 syslog line, which carries none; later lines move on at each New Year in the log. 0: the current year, or the last one if the first line would be more than a day ahead.").
		Default("0").SetValue(intFlag{&o.syslogYear})
}

// checkReadingRules checks the flags addReadingRules declares.
func (o *options) checkReadingRules() error {
	for _, err := range []error{
		checkInt("tail.max-line-bytes", o.maxLineBytes, minMaxLineBytes, maxMaxLineBytes),
		checkDuration("duplicate.window", o.duplicateWindow, minDuplicateWindow, maxDuplicateWindow),
		checkDuration("auth.timeout", o.authTimeout, minAuthTimeout, maxAuthTimeout),
		checkInt("auth.max-open", o.maxOpen, minMaxOpen, maxMaxOpen),
	} {
		if err != nil {
			return err
		}
	}
	if y := o.syslogYear; y != 0 && (y < minSyslogYear || y > maxSyslogYear) {
		return &flagError{flag: "syslog.year", value: strconv.Itoa(y), problem: "out of range"}
	}
	return nil
}

// checkDuration refuses a duration flag outside [lo, hi].
func checkDuration(flag string, v, lo, hi time.Duration) error {
	if v < lo || v > hi {
		return &flagError{flag: flag, value: v.String(), problem: "out of range"}
	}
	return nil
}

// checkInt refuses a whole-number flag outside [lo, hi].
func checkInt(flag string, v, lo, hi int) error {
	if v < lo || v > hi {
		return &flagError{flag: flag, value: strconv.Itoa(v), problem: "out of range"}
	}
	return nil
}
