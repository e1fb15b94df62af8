package main

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/prometheus/common/promslog"
)

// logOutput is the exporter's logger and what it writes to.
type logOutput struct {
	logger *slog.Logger
	reopen func() error // reopens --log.file when it is a file path; nil otherwise
	close  func()
}

// newLogOutput builds the exporter's logger from --log.level, --log.format and --log.file. As
// a Windows service it writes to the event log unless --log.file says otherwise.
func newLogOutput(o *options, asService bool, stderr io.Writer) (*logOutput, error) {
	target := o.logFile
	if target == "" {
		target = "stderr"
		if asService {
			target = "eventlog"
		}
	}
	out := &logOutput{close: func() {}}
	switch target {
	case "stderr":
		o.logConfig.Writer = stderr
	case "stdout":
		o.logConfig.Writer = os.Stdout
	case "eventlog":
		w, err := openEventLog(serviceName)
		if err != nil {
			return nil, fmt.Errorf("opening the event log: %w", err)
		}
		o.logConfig.Writer, out.close = w, func() { _ = w.Close() }
	default:
		f, err := openLogFile(target)
		if err != nil {
			return nil, fmt.Errorf("opening --log.file: %w", err)
		}
		o.logConfig.Writer, out.reopen, out.close = f, f.reopen, func() { _ = f.Close() }
	}
	out.logger = promslog.New(o.logConfig)
	return out, nil
}

// logFile is --log.file as a file path. reopen opens the path again, so that after logrotate
// has moved the file away the exporter writes to a new file of the same name.
type logFile struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

func openLogFile(path string) (*logFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &logFile{path: path, f: f}, nil
}

func (l *logFile) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Write(p)
}

// reopen switches to the file now at the path; if it cannot be opened, writing goes on to the
// file opened before.
func (l *logFile) reopen() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old := l.f
	l.f = f
	l.mu.Unlock()
	return old.Close()
}

func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
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
