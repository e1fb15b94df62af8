package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/common/promslog"
)

// newLogger builds the exporter's logger from --log.level, --log.format and --log.file. As a
// Windows service it writes to the event log unless --log.file says otherwise.
func newLogger(o *options, asService bool, stderr io.Writer) (*slog.Logger, func(), error) {
	target := o.logFile
	if target == "" {
		target = "stderr"
		if asService {
			target = "eventlog"
		}
	}
	closeLog := func() {}
	switch target {
	case "stderr":
		o.logConfig.Writer = stderr
	case "stdout":
		o.logConfig.Writer = os.Stdout
	case "eventlog":
		w, err := openEventLog(serviceName)
		if err != nil {
			return nil, nil, fmt.Errorf("opening the event log: %w", err)
		}
		o.logConfig.Writer, closeLog = w, func() { _ = w.Close() }
	default:
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("opening --log.file: %w", err)
		}
		o.logConfig.Writer, closeLog = f, func() { _ = f.Close() }
	}
	return promslog.New(o.logConfig), closeLog, nil
}

// recordLevel finds the level of one record as promslog writes it (logfmt: level=WARN,
// json: "level":"WARN"), so that the event log can file it as an error, a warning or
// information. The level field comes before the message, so its first occurrence is the one.
func recordLevel(record []byte) slog.Level {
	i, skip := bytes.Index(record, []byte("level=")), len("level=")
	if j := bytes.Index(record, []byte(`"level":"`)); j >= 0 && (i < 0 || j < i) {
		i, skip = j, len(`"level":"`)
	}
	if i < 0 {
		return slog.LevelInfo
	}
	value := record[i+skip:]
	if end := bytes.IndexAny(value, "\" \n"); end >= 0 {
		value = value[:end]
	}
	var l slog.Level
	if err := l.UnmarshalText(value); err != nil {
		return slog.LevelInfo
	}
	return l
}
