package logparse

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"time"
)

// ParseOptions are what ParseLine cannot learn from the line itself.
type ParseOptions struct {
	// Year is the year of RFC 3164 syslog lines, which carry none: 0 to 9999 (else every such
	// line is a bad timestamp), and MinYear to MaxYear for the lines to be in range. The caller
	// chooses it, as the parser never reads the clock; lines in the other layouts ignore it.
	Year int
}

// The years a log line may be stamped with, in UTC. A line stamped outside them is malformed
// (ReasonTimeRange): no MFA Server wrote it, and its time would not fit the nanosecond
// arithmetic that metrics and the correlator do on log times (int64 nanoseconds since 1970
// end in 2262).
const (
	MinYear = 1970
	MaxYear = 2199
)

// minLogUnix and endLogUnix bound the accepted times: [1970-01-01, 2200-01-01) in Unix seconds.
const (
	minLogUnix = 0
	endLogUnix = 7258118400
)

// Reasons a line is malformed. They are a small fixed set so that they can be metric label
// values.
const (
	ReasonEmpty        = "empty line"
	ReasonTimestamp    = "bad timestamp"
	ReasonMissingField = "missing field"
	ReasonLevel        = "bad level"
	ReasonPID          = "bad pid"
	ReasonTID          = "bad tid"
	ReasonTag          = "bad tag"
	ReasonHost         = "bad host"
	ReasonTimeRange    = "time out of range" // a valid time outside MinYear..MaxYear
)

// MalformedReasons lists every Reason, for pre-creating label values.
var MalformedReasons = [...]string{ReasonEmpty, ReasonTimestamp, ReasonMissingField,
	ReasonLevel, ReasonPID, ReasonTID, ReasonTag, ReasonHost, ReasonTimeRange}

// MalformedError is returned for a line that has none of the known layouts.
type MalformedError struct {
	Reason string // one of the Reason constants
}

func (e *MalformedError) Error() string { return "malformed log line: " + e.Reason }

// One value per reason, so that a flood of garbage lines costs no allocation either.
// They are never written after initialisation.
var (
	errEmpty        = &MalformedError{ReasonEmpty}
	errTimestamp    = &MalformedError{ReasonTimestamp}
	errMissingField = &MalformedError{ReasonMissingField}
	errLevel        = &MalformedError{ReasonLevel}
	errPID          = &MalformedError{ReasonPID}
	errTID          = &MalformedError{ReasonTID}
	errTag          = &MalformedError{ReasonTag}
	errHost         = &MalformedError{ReasonHost}
	errTimeRange    = &MalformedError{ReasonTimeRange}
)

// ParseLine parses one line, given without its line ending (a trailing "\r" or "\n" and a
// leading UTF-8 byte order mark are tolerated and stripped). On success it fills *e, whose
// []byte fields are then views into line, and returns nil. A line without a known layout
// gives a *MalformedError and leaves *e zeroed. ParseLine does not allocate.
//
// Reusing one Entry for the lines of a log is cheaper: it remembers the minute of the last
// ISO-8601 time it held, and a line of the same minute skips the date arithmetic; and the
// last pid it read, which the next line most likely has too; and, after a pipe-layout line,
// which of its fields the next one must clear. So an Entry is to be given back to ParseLine as
// ParseLine left it (its Time aside), or zeroed.
func ParseLine(line []byte, opts ParseOptions, e *Entry) error {
	line = trimLine(line)
	if e.reuse && reparsePipeLine(line, e) {
		return nil
	}
	minute := e.minute
	*e = Entry{pid: e.pid}
	var err *MalformedError
	switch {
	case len(line) == 0:
		err = errEmpty
	case isDigit(line[0]):
		err = parseISOLine(line, e, &minute)
	default:
		err = parseSyslog3164(line, opts.Year, e)
	}
	if err != nil {
		*e = Entry{minute: minute, pid: e.pid}
		return err
	}
	e.minute = minute
	parseMessage(e)
	e.reuse = e.Format == FormatPipe
	return nil
}

// reparsePipeLine is ParseLine for a pipe-layout line with the usual header in the minute of
// the line before, into an Entry that holds the pipe-layout line before it (e.reuse): the
// header's fields are all written again, so only the message's need clearing, and only those
// of the kind the line before had. It returns false, having changed nothing the slow path
// reads, for any other line. Clearing the whole Entry costs more than the header's parse.
func reparsePipeLine(b []byte, e *Entry) bool {
	t, ok := pipeTimeInMinute(b, &e.minute)
	if !ok || !inLogRange(t) {
		return false
	}
	fields := b[pipeTimeLen+1:]
	n, ok := pipeHeader(fields, e)
	if !ok {
		return false
	}
	clearMessageFields(e)
	e.Time = t
	e.RequestID = nil
	pipeMessage(fields[n:], e)
	parseMessage(e)
	return true
}

// clearMessageFields zeroes what parseMessage set. The fields of calls, verdicts and call
// statuses, most of the kinds a log has, are zeroed whatever the kind was: a branch on it
// would mispredict from line to line.
func clearMessageFields(e *Entry) {
	e.User, e.Number, e.Verdict, e.Status, e.StatusKnown = nil, 0, VerdictNone, Status{}, false
	if e.Kind > KindRawCallStatus {
		e.Admin, e.Field, e.Action, e.Constant, e.Description, e.Addr = nil, nil, AuditNone, nil, nil, nil
	}
	e.Kind = KindOther
}

// trimLine drops a UTF-8 BOM and a line ending left on the line.
func trimLine(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		b = b[3:]
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// parseISOLine parses the lines that start with an ISO-8601 time: MFA Server's own pipe
// layout and RFC 3339 syslog.
func parseISOLine(b []byte, e *Entry, minute *isoMinute) *MalformedError {
	if t, ok := pipeTimeInMinute(b, minute); ok {
		if !inLogRange(t) {
			return errTimeRange
		}
		e.Time, e.Format = t, FormatPipe
		return parsePipeFields(b[pipeTimeLen+1:], e)
	}
	t, n, ok := parseISOTime(b, minute)
	if !ok || n == len(b) {
		return errTimestamp
	}
	var format Format
	switch b[n] {
	case '|':
		format = FormatPipe
	case ' ':
		format = FormatSyslog3339
	default:
		return errTimestamp
	}
	if !inLogRange(t) {
		return errTimeRange
	}
	e.Time, e.Format = t, format
	if format == FormatPipe {
		return parsePipeFields(b[n+1:], e)
	}
	return parseSyslogFields(b[n+1:], e)
}

// pipeTimeLen is the length of the time MFA Server writes: "2006-01-02T15:04:05.000000Z".
const pipeTimeLen = len("2006-01-02T15:04:05.000000Z")

// pipeTimeInMinute reads the time of a pipe-layout line as MFA Server writes it (microseconds,
// 'Z', then the '|') in the minute of the line before: what parseISOTime reads there, with the
// seconds and the fraction checked and converted eight bytes at a time. For anything else it
// returns false and parseISOTime decides.
func pipeTimeInMinute(b []byte, minute *isoMinute) (time.Time, bool) {
	if len(b) < pipeTimeLen+1 || !minute.ok || b[16] != ':' || b[19] != '.' ||
		binary.LittleEndian.Uint64(b[0:8]) != minute.key[0] || binary.LittleEndian.Uint64(b[8:16]) != minute.key[1] {
		return time.Time{}, false
	}
	sec, ok := digits2(b[17:19])
	// "ffffffZ|": six digits, then the zone and the field's end.
	w := binary.LittleEndian.Uint64(b[20:28])
	x := w - 0x3030303030303030
	nonDigit := (x | (x + 0x7676767676767676)) & 0x0000808080808080
	if !ok || sec > 59 || nonDigit != 0 || w>>48 != '|'<<8|'Z' {
		return time.Time{}, false
	}
	d := x << 16 // the six digits on top, two leading zeros below (see digitValue)
	d = (d * (10<<8 + 1)) >> 8 & 0x00FF00FF00FF00FF
	d = (d * (100<<16 + 1)) >> 16 & 0x0000FFFF0000FFFF
	d = (d * (10000<<32 + 1)) >> 32
	return time.Unix(minute.secs+int64(sec), int64(uint32(d))*1000).UTC(), true
}

// inLogRange reports whether t is within MinYear..MaxYear (UTC).
func inLogRange(t time.Time) bool {
	s := t.Unix()
	return s >= minLogUnix && s < endLogUnix
}

// parsePipeFields parses "level|pid|tid|tag|[request-id|]message": the usual header in one
// pass (pipeHeader), any other one field by field.
func parsePipeFields(b []byte, e *Entry) *MalformedError {
	n, ok := pipeHeader(b, e)
	if !ok {
		return pipeFieldsOneByOne(b, e)
	}
	pipeMessage(b[n:], e)
	return nil
}

// pipeFieldsOneByOne is parsePipeFields for any header. The short fields are scanned byte by
// byte: cheaper than a call to bytes.IndexByte for a few bytes.
func pipeFieldsOneByOne(b []byte, e *Entry) *MalformedError {
	var err *MalformedError
	if len(b) >= 2 && b[1] == '|' && b[0] != '|' && b[0] != ' ' && b[0] != '\t' {
		e.Level, b = b[:1], b[2:] // the usual one-character level
	} else if e.Level, b, err = tokenField(b, errLevel); err != nil {
		return err
	}
	if e.PID, b, err = uint32Field(b, errPID); err != nil {
		return err
	}
	if e.TID, b, err = uint32Field(b, errTID); err != nil {
		return err
	}
	if e.Tag, b, err = tokenField(b, errTag); err != nil {
		return err
	}
	pipeMessage(b, e)
	return nil
}

// pipeMessage sets the request id and the message from what follows the tag's '|'. The request
// id is optional: a GUID and a '|' at the start of the message are it.
func pipeMessage(b []byte, e *Entry) {
	if len(b) > guidLen && b[guidLen] == '|' && isGUID(b[:guidLen]) {
		e.RequestID, b = b[:guidLen], b[guidLen+1:]
	}
	e.Message = b
}

// pipeHeader reads the usual "level|pid|tid|tag|" in one pass, eight bytes at a time: a
// one-character level, a pid and a tid of 1 to 7 digits and a tag of 1 to 7 bytes without
// blanks. It returns the length of the header and true, having set Level, PID, TID and Tag;
// for any other shape it returns false and sets nothing, and pipeFieldsOneByOne decides. The
// lines of the RADIUS and main service logs have this shape; reading it without a call and a
// slice per field is about a tenth of their parse.
func pipeHeader(b []byte, e *Entry) (int, bool) {
	// The level, '|', then 8 bytes at each of the pid, the tid and the tag.
	if len(b) < 2+2+2+8 || b[1] != '|' || b[0] == '|' || b[0] == ' ' || b[0] == '\t' {
		return 0, false
	}
	pidAt := 2
	w := binary.LittleEndian.Uint64(b[pidAt:])
	pidN := digitCount(w)
	tidAt := pidAt + pidN + 1
	if pidN == 0 || pidN == 8 || b[tidAt-1] != '|' || len(b) < tidAt+2+8 {
		return 0, false
	}
	// A process writes many lines in a row: the digits of its pid (nonzero, as digits are)
	// are likely those of the line before.
	pid := e.pid.value
	if digits := w & (1<<(8*uint(pidN)) - 1); digits != e.pid.digits {
		pid = digitValue(w, pidN)
		e.pid = pidMemo{digits: digits, value: pid}
	}
	w = binary.LittleEndian.Uint64(b[tidAt:])
	tidN := digitCount(w)
	tagAt := tidAt + tidN + 1
	if tidN == 0 || tidN == 8 || b[tagAt-1] != '|' || len(b) < tagAt+8 {
		return 0, false
	}
	tid := digitValue(w, tidN)
	v := binary.LittleEndian.Uint64(b[tagAt:])
	bar := bytesEqual8(v, '|')
	if bar == 0 {
		return 0, false
	}
	tagN := bits.TrailingZeros64(bar) >> 3
	if tagN == 0 || (bytesEqual8(v, ' ')|bytesEqual8(v, '\t'))&(1<<(8*uint(tagN))-1) != 0 {
		return 0, false
	}
	e.Level, e.PID, e.TID, e.Tag = b[:1], pid, tid, b[tagAt:tagAt+tagN]
	return tagAt + tagN + 1, true
}

// pidMemo is the pid of the last line that had one in the usual header: its digits as they
// were loaded (the bytes past them zeroed) and their value.
type pidMemo struct {
	digits uint64
	value  uint32
}

// digitCount is the number of leading decimal digits in w (eight bytes, little-endian): 0 to 8.
func digitCount(w uint64) int {
	x := w - 0x3030303030303030
	nonDigit := (x | (x + 0x7676767676767676)) & 0x8080808080808080
	return bits.TrailingZeros64(nonDigit) >> 3 // 8 when nonDigit is 0
}

// digitValue is the value of the n leading decimal digits of w, 0 < n < 8.
func digitValue(w uint64, n int) uint32 {
	x := w - 0x3030303030303030
	d := x << (64 - 8*uint(n))
	d = (d * (10<<8 + 1)) >> 8 & 0x00FF00FF00FF00FF
	d = (d * (100<<16 + 1)) >> 16 & 0x0000FFFF0000FFFF
	d = (d * (10000<<32 + 1)) >> 32
	return uint32(d)
}

// tokenField returns the field that b starts with, up to its '|', and what follows the '|'.
// The field must be non-empty and hold no blank, else bad; without a '|' the field is missing.
func tokenField(b []byte, bad *MalformedError) (field, rest []byte, err *MalformedError) {
	if len(b) >= 8 {
		// Eight bytes at once: where the first '|' is, and whether a blank comes before it.
		v := binary.LittleEndian.Uint64(b)
		if bar := bytesEqual8(v, '|'); bar != 0 {
			i := bits.TrailingZeros64(bar) >> 3
			blanks := (bytesEqual8(v, ' ') | bytesEqual8(v, '\t')) & (1<<(8*uint(i)) - 1)
			if i == 0 || blanks != 0 {
				return nil, nil, bad
			}
			return b[:i], b[i+1:], nil
		}
	}
	blank := false
	for i, c := range b {
		switch c {
		case '|':
			if i == 0 || blank {
				return nil, nil, bad
			}
			return b[:i], b[i+1:], nil
		case ' ', '\t':
			blank = true
		}
	}
	return nil, nil, errMissingField
}

// uint32Field parses the decimal field that b starts with, up to its '|', and returns what
// follows the '|'. Without a '|' the field is missing; else it must be 1 to 10 digits that
// fit in a uint32, or it is bad.
func uint32Field(b []byte, bad *MalformedError) (v uint32, rest []byte, err *MalformedError) {
	if n, v, ok := digits8(b); ok && n > 0 && b[n] == '|' {
		return v, b[n+1:], nil
	}
	var n uint64
	i := 0
	for ; i < len(b) && i <= 10 && isDigit(b[i]); i++ {
		n = n*10 + uint64(b[i]-'0')
	}
	if i > 0 && i <= 10 && i < len(b) && b[i] == '|' && n <= 1<<32-1 {
		return uint32(n), b[i+1:], nil
	}
	if bytes.IndexByte(b, '|') < 0 {
		return 0, nil, errMissingField
	}
	return 0, nil, bad
}

// parseSyslog3164 parses "Mmm dd hh:mm:ss host tag: message". The day may be padded with a
// space or a zero, or be a single digit.
func parseSyslog3164(b []byte, year int, e *Entry) *MalformedError {
	if len(b) < len("Jan 2 15:04:05 ") || b[3] != ' ' {
		return errTimestamp
	}
	month := monthIndex(b[0:3])
	if month == 0 {
		return errTimestamp
	}
	var day, p int
	switch {
	case b[4] == ' ' && isDigit(b[5]) && b[6] == ' ':
		day, p = int(b[5]-'0'), 7
	case isDigit(b[4]) && isDigit(b[5]) && b[6] == ' ':
		day, p = int(b[4]-'0')*10+int(b[5]-'0'), 7
	case isDigit(b[4]) && b[5] == ' ':
		day, p = int(b[4]-'0'), 6
	default:
		return errTimestamp
	}
	if len(b) < p+9 || b[p+8] != ' ' {
		return errTimestamp
	}
	hour, minute, sec, ok := parseClock(b[p : p+8])
	// A year out of 0..9999 is the caller's mistake; every such line says so.
	if !ok || year < 0 || year > 9999 || day < 1 || day > daysIn(year, month) {
		return errTimestamp
	}
	t := unixTime(year, month, day, hour, minute, sec, 0, 0)
	if !inLogRange(t) {
		return errTimeRange
	}
	e.Format, e.Time = FormatSyslog3164, t
	return parseSyslogFields(b[p+9:], e)
}

// parseSyslogFields parses "host tag: message" or "host tag[pid]: message".
func parseSyslogFields(b []byte, e *Entry) *MalformedError {
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return errMissingField
	}
	if i == 0 {
		return errHost
	}
	e.Host, b = b[:i], b[i+1:]

	i = 0
	for i < len(b) && b[i] != ':' && b[i] != '[' && b[i] != ' ' && b[i] != '\t' {
		i++
	}
	if i == len(b) {
		return errMissingField
	}
	if i == 0 || b[i] == ' ' || b[i] == '\t' {
		return errTag
	}
	e.Tag, b = b[:i], b[i:]
	if b[0] == '[' {
		j := bytes.IndexByte(b, ']')
		if j < 0 {
			return errPID
		}
		pid, ok := parseUint32(b[1:j])
		if !ok {
			return errPID
		}
		e.PID, b = pid, b[j+1:]
		if len(b) == 0 || b[0] != ':' {
			return errTag
		}
	}
	b = b[1:] // the ':'
	if len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	e.Message = b
	return nil
}

// isoMinute is the minute of the last ISO-8601 time parsed: its first 16 bytes
// ("2006-01-02T15:04") and the Unix time they stand for. Lines come in time order, so most
// share their minute with the line before.
type isoMinute struct {
	key  [2]uint64
	secs int64 // Unix seconds at the start of the minute, before any zone offset
	ok   bool
}

// parseISOTime parses "2006-01-02T15:04:05[.fraction][Z|±hh:mm|±hhmm]" at the start of b and
// returns the time in UTC and the number of bytes it took. The fraction has 1 to 9 digits.
// A time without a zone is taken as UTC, which is what MFA Server writes. minute remembers the
// last minute parsed; a time in the same minute skips the date.
func parseISOTime(b []byte, minute *isoMinute) (t time.Time, n int, ok bool) {
	if len(b) < 19 || b[16] != ':' {
		return t, 0, false
	}
	key := [2]uint64{binary.LittleEndian.Uint64(b[0:8]), binary.LittleEndian.Uint64(b[8:16])}
	if !minute.ok || minute.key != key {
		if b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') || b[13] != ':' {
			return t, 0, false
		}
		year, ok1 := digits4(b[0:4])
		month, ok2 := digits2(b[5:7])
		day, ok3 := digits2(b[8:10])
		hour, ok4 := digits2(b[11:13])
		mins, ok5 := digits2(b[14:16])
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
			hour > 23 || mins > 59 {
			return t, 0, false
		}
		*minute = isoMinute{key: key, secs: unixSeconds(year, month, day, hour, mins, 0), ok: true}
	}
	sec, ok := digits2(b[17:19])
	if !ok || sec > 59 {
		return t, 0, false
	}
	n = 19
	nsec := 0
	if n < len(b) && b[n] == '.' {
		n++
		if len(b) >= n+8 { // up to 7 digits, as MFA Server's 6
			w := binary.LittleEndian.Uint64(b[n:])
			if k := digitCount(w); k > 0 && k < 8 {
				nsec, n = int(digitValue(w, k))*pow10[9-k], n+k
				goto zone
			}
		}
		start := n
		for n < len(b) && isDigit(b[n]) && n-start < 9 {
			nsec = nsec*10 + int(b[n]-'0')
			n++
		}
		digits := n - start
		if digits == 0 || (n < len(b) && isDigit(b[n])) {
			return t, 0, false
		}
		nsec *= pow10[9-digits]
	}
zone:
	offset := 0 // seconds east of UTC
	if n < len(b) {
		switch b[n] {
		case 'Z', 'z':
			n++
		case '+', '-':
			// ±hh:mm or ±hhmm
			sign := b[n]
			var oh, om int
			var okh, okm bool
			switch {
			case len(b) >= n+6 && b[n+3] == ':':
				oh, okh = digits2(b[n+1 : n+3])
				om, okm = digits2(b[n+4 : n+6])
				n += 6
			case len(b) >= n+5:
				oh, okh = digits2(b[n+1 : n+3])
				om, okm = digits2(b[n+3 : n+5])
				n += 5
			}
			if !okh || !okm || oh > 23 || om > 59 {
				return t, 0, false
			}
			offset = oh*3600 + om*60
			if sign == '-' {
				offset = -offset
			}
		}
	}
	return time.Unix(minute.secs+int64(sec-offset), int64(nsec)).UTC(), n, true
}

// parseClock parses "15:04:05".
func parseClock(b []byte) (hour, minute, sec int, ok bool) {
	if b[2] != ':' || b[5] != ':' {
		return 0, 0, 0, false
	}
	hour, ok1 := digits2(b[0:2])
	minute, ok2 := digits2(b[3:5])
	sec, ok3 := digits2(b[6:8])
	return hour, minute, sec, ok1 && ok2 && ok3 && hour < 24 && minute < 60 && sec < 60
}

// unixTime is time.Date(...).Add(-offset) in UTC, computed with the days-from-civil
// algorithm (Howard Hinnant's) in unsigned arithmetic: faster than time.Date's normalisation
// (BenchmarkCivilTime). Years are shifted by 400 (one Gregorian cycle) so that year 0 stays
// non-negative; year is 0..9999 here.
func unixTime(year, month, day, hour, minute, sec, nsec, offset int) time.Time {
	return time.Unix(unixSeconds(year, month, day, hour, minute, sec-offset), int64(nsec)).UTC()
}

// unixSeconds is the Unix time of a civil date and time in UTC (sec may be out of 0..59).
func unixSeconds(year, month, day, hour, minute, sec int) int64 {
	y := uint(year) + 400
	m := uint(month)
	if m <= 2 { // count from March, so that the leap day ends the year
		y--
		m += 12
	}
	days := 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + uint(day) - 1
	const epoch = 719468 + 146097 // days from 0000-03-01 (shifted by 400 years) to 1970-01-01
	return (int64(days)-epoch)*86400 + int64(hour*3600+minute*60+sec)
}

// pow10 scales a fraction of 1..9 digits to nanoseconds.
var pow10 = [...]int{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// monthIndex returns 1..12 for "Jan".."Dec", 0 otherwise.
func monthIndex(b []byte) int {
	switch string(b) {
	case "Jan":
		return 1
	case "Feb":
		return 2
	case "Mar":
		return 3
	case "Apr":
		return 4
	case "May":
		return 5
	case "Jun":
		return 6
	case "Jul":
		return 7
	case "Aug":
		return 8
	case "Sep":
		return 9
	case "Oct":
		return 10
	case "Nov":
		return 11
	case "Dec":
		return 12
	}
	return 0
}

const guidLen = len("82a3db8d-3317-43f7-b203-6ba81cba93c9")

// isGUID reports whether b is a GUID in its 8-4-4-4-12 hex form. The hex digits are checked
// eight at a time (hex8), the dashes in the words that hold them taken for zeros: random hex
// has digits and letters in no order, and branching on which each byte is mispredicts half the
// time.
func isGUID(b []byte) bool {
	if len(b) != guidLen || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return false
	}
	const dashToZero = '-' ^ '0'
	w1 := binary.LittleEndian.Uint64(b[9:17]) ^ dashToZero<<32                    // b[13]
	w2 := binary.LittleEndian.Uint64(b[17:25]) ^ (dashToZero<<8 | dashToZero<<48) // b[18], b[23]
	return hex8(binary.LittleEndian.Uint64(b[0:8])) && hex8(w1) && hex8(w2) &&
		hex8(binary.LittleEndian.Uint64(b[25:33])) && hex8(binary.LittleEndian.Uint64(b[28:36]))
}

// hex8 reports whether the eight bytes of w are all hex digits (0-9, a-f, A-F).
func hex8(w uint64) bool {
	const ones = 0x0101010101010101
	if w&(0x80*ones) != 0 {
		return false
	}
	// Every byte is below 0x80 now, so adding less than 0x80 to each stays within it: the top
	// bit of a byte says whether it reached the bound.
	digit := (w + (0x80-'0')*ones) &^ (w + (0x80-'9'-1)*ones)
	l := w | 0x20*ones // 'A'-'F' to 'a'-'f'; no other byte lands there
	letter := (l + (0x80-'a')*ones) &^ (l + (0x80-'f'-1)*ones)
	return (digit|letter)&(0x80*ones) == 0x80*ones
}

// parseUint32 parses 1 to 10 decimal digits that fit in a uint32.
func parseUint32(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

// bytesEqual8 has the top bit set in the bytes of v (8 bytes of a line, little-endian) that
// equal c. Only the lowest one is sure: above a match, a borrow may mark others; callers look
// at the lowest, or at bits below a match of their own.
func bytesEqual8(v uint64, c byte) uint64 {
	x := v ^ 0x0101010101010101*uint64(c)
	return (x - 0x0101010101010101) &^ x & 0x8080808080808080
}

// digits8 reads the run of decimal digits b starts with, when it is shorter than 8 bytes and
// b has 8: n digits (0 to 7) and their value. It looks at 8 bytes at once (SWAR), so the length
// of a pid or tid, which varies from line to line, costs no mispredicted branch. ok is false
// when b is too short or starts with 8 digits; the caller then reads byte by byte.
func digits8(b []byte) (n int, v uint32, ok bool) {
	if len(b) < 8 {
		return 0, 0, false
	}
	x := binary.LittleEndian.Uint64(b) - 0x3030303030303030 // digit bytes become 0..9
	// The top bit of a byte is set where it is no digit: below '0' it wrapped (>= 0xd0),
	// above '9' adding 0x76 carries into it. Bytes after the first non-digit may be wrong
	// (a borrow or carry from it); only the first one counts.
	nonDigit := (x | (x + 0x7676767676767676)) & 0x8080808080808080
	if nonDigit == 0 {
		return 0, 0, false
	}
	n = bits.TrailingZeros64(nonDigit) >> 3
	if n == 0 {
		return 0, 0, true
	}
	// The n digits, first digit most significant, moved to the top bytes (zeros below are
	// leading zeros), then combined pairwise: 2-digit, 4-digit, 8-digit lanes.
	d := x << (64 - 8*uint(n))
	d = (d * (10<<8 + 1)) >> 8 & 0x00FF00FF00FF00FF
	d = (d * (100<<16 + 1)) >> 16 & 0x0000FFFF0000FFFF
	d = (d * (10000<<32 + 1)) >> 32
	return n, uint32(d), true
}

func digits2(b []byte) (int, bool) {
	if !isDigit(b[0]) || !isDigit(b[1]) {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

func digits4(b []byte) (int, bool) {
	h, ok1 := digits2(b[0:2])
	l, ok2 := digits2(b[2:4])
	return h*100 + l, ok1 && ok2
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
