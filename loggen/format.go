package loggen

import (
	"io"
	"strconv"
	"time"
)

// lineWriter formats lines into one reused buffer and writes each line with one Write, so
// a caller that paces or rolls by line sees whole lines.
type lineWriter struct {
	w      io.Writer
	buf    []byte
	crlf   bool
	syslog bool
	tag    string
	host   string

	sec    int64  // the second whose text is in secTxt
	secTxt []byte // "2006-01-02T15:04:05"
	err    error
}

// pipe starts a line in MFA Server's own layout: time|level|pid|tid|tag|[guid|]. The
// message is appended to lw.buf by the caller, and end writes the line.
func (lw *lineWriter) pipe(t int64, level string, pid, tid uint32, guid []byte) {
	lw.buf = lw.appendTime(lw.buf[:0], t)
	lw.buf = append(lw.buf, 'Z', '|')
	lw.buf = append(lw.buf, level...)
	lw.buf = append(lw.buf, '|')
	lw.buf = strconv.AppendUint(lw.buf, uint64(pid), 10)
	lw.buf = append(lw.buf, '|')
	lw.buf = strconv.AppendUint(lw.buf, uint64(tid), 10)
	lw.buf = append(lw.buf, '|')
	lw.buf = append(lw.buf, lw.tag...)
	lw.buf = append(lw.buf, '|')
	if guid != nil {
		lw.buf = append(lw.buf, guid...)
		lw.buf = append(lw.buf, '|')
	}
}

// syslogLine starts a line as rsyslog's precise format writes it: RFC 3339 time, host, tag.
func (lw *lineWriter) syslogLine(t int64) {
	lw.buf = lw.appendTime(lw.buf[:0], t)
	lw.buf = append(lw.buf, "+00:00 "...)
	lw.buf = append(lw.buf, lw.host...)
	lw.buf = append(lw.buf, ' ')
	lw.buf = append(lw.buf, lw.tag...)
	lw.buf = append(lw.buf, ": "...)
}

// start begins a line in the writer's layout.
func (lw *lineWriter) start(t int64, level string, pid, tid uint32, guid []byte) {
	if lw.syslog {
		lw.syslogLine(t)
		return
	}
	lw.pipe(t, level, pid, tid, guid)
}

func (lw *lineWriter) str(s string) { lw.buf = append(lw.buf, s...) }
func (lw *lineWriter) num(n int)    { lw.buf = strconv.AppendInt(lw.buf, int64(n), 10) }

// end terminates the line and writes it.
func (lw *lineWriter) end() {
	if lw.crlf {
		lw.buf = append(lw.buf, '\r')
	}
	lw.buf = append(lw.buf, '\n')
	if lw.err == nil {
		_, lw.err = lw.w.Write(lw.buf)
	}
}

// appendTime appends t (µs since the epoch, UTC) as 2006-01-02T15:04:05.000000.
func (lw *lineWriter) appendTime(b []byte, t int64) []byte {
	sec, us := t/1e6, t%1e6
	if sec != lw.sec || lw.secTxt == nil {
		lw.sec = sec
		lw.secTxt = time.Unix(sec, 0).UTC().AppendFormat(lw.secTxt[:0], "2006-01-02T15:04:05")
	}
	b = append(b, lw.secTxt...)
	b = append(b, '.')
	for d := int64(100000); d > 0; d /= 10 {
		b = append(b, byte('0'+us/d%10))
	}
	return b
}
