package loggen

import (
	"fmt"
	"time"
)

// Kind is which log is written.
type Kind string

const (
	// KindRadius is MultiFactorAuthRadiusSvc.log: tag pfrad, level 0, pfAuthUser calls.
	KindRadius Kind = "radius"
	// KindIIS is MultiFactorAuthIisNm.log: tag pfisapi, level i, pfAuthUser calls from two
	// worker processes.
	KindIIS Kind = "iis"
	// KindService is MultiFactorAuthSvc.log: tag pfsvc, Pfauth lines with a request id,
	// primary auth, OATH validation, admin audit.
	KindService Kind = "service"
	// KindSyslog is the service log's messages as rsyslog writes them (RFC 3339 time, host, tag).
	KindSyslog Kind = "syslog"
)

// Kinds lists every kind.
var Kinds = []Kind{KindRadius, KindIIS, KindService, KindSyslog}

// Config says what to write. The zero value of every field but Lines has a usable default.
type Config struct {
	Seed  uint64
	Lines int  // lines to write, malformed ones included
	Kind  Kind // default radius
	// Start is the log time of the first line; default 2026-11-23T00:00:00Z.
	Start time.Time
	CRLF  bool
	// Malformed is the fraction of lines written without the layout (0 to 1).
	Malformed float64
	// Users is the size of the user pool; default 5000.
	Users int
	// RequestRate is authentication requests per second of log time; default 5.
	RequestRate float64
	// DuplicateRate is the fraction of requests followed within seconds by another request of
	// the same user (cached, prompted again or rejected); default 0.06. Negative means none.
	DuplicateRate float64
	// AbandonRate is the fraction of requests that never get a result; default 0.004.
	// Negative means none.
	AbandonRate float64
	// Timeout and Window are the exporter's --auth.timeout and --duplicate.window; defaults
	// 5m and 30s. They must match the exporter's for the expected values to hold.
	Timeout time.Duration
	Window  time.Duration
}

// DefaultStart is the log time of the first line when Config.Start is zero.
var DefaultStart = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func (c Config) withDefaults() (Config, error) {
	if c.Kind == "" {
		c.Kind = KindRadius
	}
	switch c.Kind {
	case KindRadius, KindIIS, KindService, KindSyslog:
	default:
		return c, fmt.Errorf("loggen: unknown kind %q", c.Kind)
	}
	if c.Lines < 0 {
		return c, fmt.Errorf("loggen: negative line count %d", c.Lines)
	}
	if c.Malformed < 0 || c.Malformed > 1 {
		return c, fmt.Errorf("loggen: malformed fraction %v is not within 0..1", c.Malformed)
	}
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	c.Start = c.Start.UTC().Truncate(time.Microsecond)
	if c.Users <= 0 {
		c.Users = 5000
	}
	if c.RequestRate <= 0 {
		c.RequestRate = 5
	}
	if c.DuplicateRate == 0 {
		c.DuplicateRate = 0.06
	}
	if c.AbandonRate == 0 {
		c.AbandonRate = 0.004
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
	if c.Window <= 0 {
		c.Window = 30 * time.Second
	}
	return c, nil
}
