package logparse

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// update rewrites the golden files of the package's tests instead of comparing with them.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// flat is an Entry with its views turned into strings, so that a whole entry compares with ==
// and a field left over from an earlier line shows up as a difference.
type flat struct {
	Format    Format
	Time      string
	Level     string
	PID, TID  uint32
	Host      string
	Tag       string
	RequestID string
	Message   string
	msgFields
}

// msgFields are the fields the message shape decides.
type msgFields struct {
	Kind        Kind
	User        string
	Admin       string
	Field       string
	Action      AuditAction
	Number      int64
	Verdict     Verdict
	Code        int
	Known       bool
	Constant    string
	Description string
	Addr        string
}

func flatten(e *Entry) flat {
	f := flat{
		Format:    e.Format,
		Level:     string(e.Level),
		PID:       e.PID,
		TID:       e.TID,
		Host:      string(e.Host),
		Tag:       string(e.Tag),
		RequestID: string(e.RequestID),
		Message:   string(e.Message),
		msgFields: msgFields{
			Kind:        e.Kind,
			User:        string(e.User),
			Admin:       string(e.Admin),
			Field:       string(e.Field),
			Action:      e.Action,
			Number:      e.Number,
			Verdict:     e.Verdict,
			Code:        e.Status.Code,
			Known:       e.StatusKnown,
			Constant:    string(e.Constant),
			Description: string(e.Description),
			Addr:        string(e.Addr),
		},
	}
	if !e.Time.IsZero() {
		f.Time = e.Time.Format(time.RFC3339Nano)
		if e.Time.Location() != time.UTC {
			f.Time += " (not UTC)"
		}
	}
	return f
}

var opts2026 = ParseOptions{Year: 2026}

// TestParseLineSamples runs every verbatim public line of MFA Server's logs.
func TestParseLineSamples(t *testing.T) {
	radius := func(tm string, tid uint32, msg string, m msgFields) flat {
		return flat{Format: FormatPipe, Time: tm, Level: "0", PID: 1412, TID: tid, Tag: "pfrad",
			Message: msg, msgFields: m}
	}
	tests := []struct {
		line string
		want flat
	}{
		// The public RADIUS sample: the first request (mobile app, 5.37 s), then a cache hit 33 s later.
		{`2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)`,
			radius("2017-02-14T02:57:19.234778Z", 6452, `Calling pfAuthUser('Domain\pnigam', '', 1)`,
				msgFields{Kind: KindCall, User: `Domain\pnigam`, Number: 1})},
		{`2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|authResult = 1`,
			radius("2017-02-14T02:57:24.600871Z", 6452, `authResult = 1`,
				msgFields{Kind: KindAuthResult, Number: 1, Verdict: VerdictSuccess})},
		{`2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21`,
			radius("2017-02-14T02:57:24.600871Z", 6452, `rawCallStatus = 21`,
				msgFields{Kind: KindRawCallStatus, Number: 21, Code: 21, Known: true})},
		{`2017-02-14T02:57:56.986251Z|0|1412|10088|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)`,
			radius("2017-02-14T02:57:56.986251Z", 10088, `Calling pfAuthUser('Domain\pnigam', '', 1)`,
				msgFields{Kind: KindCall, User: `Domain\pnigam`, Number: 1})},
		{`2017-02-14T02:57:57.550306Z|0|1412|10088|pfrad|authResult = 1`,
			radius("2017-02-14T02:57:57.550306Z", 10088, `authResult = 1`,
				msgFields{Kind: KindAuthResult, Number: 1, Verdict: VerdictSuccess})},
		{`2017-02-14T02:57:57.550306Z|0|1412|10088|pfrad|rawCallStatus = 6`,
			radius("2017-02-14T02:57:57.550306Z", 10088, `rawCallStatus = 6`,
				msgFields{Kind: KindRawCallStatus, Number: 6, Code: 6, Known: true})},
		// Main service, with the request id field.
		{`2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|Pfauth succeeded for user '<username>'. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`,
			flat{Format: FormatPipe, Time: "2019-04-23T17:22:14.51673Z", Level: "i", PID: 18288, TID: 26784,
				Tag: "pfsvc", RequestID: "82a3db8d-3317-43f7-b203-6ba81cba93c9",
				Message: `Pfauth succeeded for user '<username>'. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`,
				msgFields: msgFields{Kind: KindPfauth, User: "<username>", Verdict: VerdictSuccess, Code: 21, Known: true,
					Constant: "SUCCESS_PHONE_APP_AUTHENTICATED", Description: "Mobile App Authenticated"}}},
		// AD sync service error.
		{`2018-03-07T18:20:20.006280Z|e|2960|4036|pfadssvc|***** ERROR ***** Error sending email to NewUser@domain.com: Access to the path '\\FileShare\public\MFA-Instructions\MFA-Guide.pdf' is denied.`,
			flat{Format: FormatPipe, Time: "2018-03-07T18:20:20.00628Z", Level: "e", PID: 2960, TID: 4036,
				Tag:       "pfadssvc",
				Message:   `***** ERROR ***** Error sending email to NewUser@domain.com: Access to the path '\\FileShare\public\MFA-Instructions\MFA-Guide.pdf' is denied.`,
				msgFields: msgFields{Kind: KindError}}},
	}
	for _, tt := range tests {
		var e Entry
		if err := ParseLine([]byte(tt.line), opts2026, &e); err != nil {
			t.Errorf("ParseLine(%q) = %v", tt.line, err)
			continue
		}
		if got := flatten(&e); got != tt.want {
			t.Errorf("ParseLine(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
		}
	}
}

// TestParseLineLayouts covers the header of each layout; the message stays KindOther.
func TestParseLineLayouts(t *testing.T) {
	const ts = "2019-04-23T17:22:14.516730Z"
	pipe := func(tm, level string, pid, tid uint32, tag, reqID, msg string) flat {
		return flat{Format: FormatPipe, Time: tm, Level: level, PID: pid, TID: tid, Tag: tag,
			RequestID: reqID, Message: msg}
	}
	syslog := func(format Format, tm, host, tag string, pid uint32, msg string) flat {
		return flat{Format: format, Time: tm, Host: host, Tag: tag, PID: pid, Message: msg}
	}
	tests := []struct {
		name string
		line string
		opts ParseOptions
		want flat
	}{
		{"no fraction", "2019-04-23T17:22:14Z|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"1-digit fraction", "2019-04-23T17:22:14.5Z|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14.5Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"7-digit fraction", "2019-04-23T17:22:14.1234567Z|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14.1234567Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"9-digit fraction", "2019-04-23T17:22:14.123456789Z|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14.123456789Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"offset with colon", "2019-04-23T19:22:14.5+02:00|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14.5Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"offset without colon", "2019-04-23T11:52:14-0530|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"offset across midnight", "2019-01-01T00:30:00+01:00|i|1|2|pfsvc|hello", opts2026,
			pipe("2018-12-31T23:30:00Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"no zone is UTC", "2019-04-23T17:22:14.516730|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"lower-case t and z", "2019-04-23t17:22:14z|i|1|2|pfsvc|hello", opts2026,
			pipe("2019-04-23T17:22:14Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"leap day", "2024-02-29T00:00:00Z|i|1|2|pfsvc|hello", opts2026,
			pipe("2024-02-29T00:00:00Z", "i", 1, 2, "pfsvc", "", "hello")},
		{"long level, unknown tag", ts + "|warning|4294967295|0|pfisapi|hello", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "warning", 4294967295, 0, "pfisapi", "", "hello")},
		{"message with pipes", ts + "|i|1|2|pfsvc|a|b||c|", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "", "a|b||c|")},
		{"empty message", ts + "|i|1|2|pfsvc|", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "", "")},
		{"request id in upper case", ts + "|i|1|2|pfsvc|82A3DB8D-3317-43F7-B203-6BA81CBA93C9|hello", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "82A3DB8D-3317-43F7-B203-6BA81CBA93C9", "hello")},
		{"request id, empty message", ts + "|i|1|2|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "82a3db8d-3317-43f7-b203-6ba81cba93c9", "")},
		{"GUID without its pipe is message", ts + "|i|1|2|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "", "82a3db8d-3317-43f7-b203-6ba81cba93c9")},
		{"not a GUID is message", ts + "|i|1|2|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93cg|x", opts2026,
			pipe("2019-04-23T17:22:14.51673Z", "i", 1, 2, "pfsvc", "", "82a3db8d-3317-43f7-b203-6ba81cba93cg|x")},
		{"3164", "Nov 23 17:22:14 mfa01 pfsvc: hello", opts2026,
			syslog(FormatSyslog3164, "2026-11-23T17:22:14Z", "mfa01", "pfsvc", 0, "hello")},
		{"3164 space-padded day", "Nov  3 17:22:14 mfa01 pfsvc: hello", opts2026,
			syslog(FormatSyslog3164, "2026-11-03T17:22:14Z", "mfa01", "pfsvc", 0, "hello")},
		{"3164 zero-padded day", "Nov 03 17:22:14 mfa01 pfsvc: hello", opts2026,
			syslog(FormatSyslog3164, "2026-11-03T17:22:14Z", "mfa01", "pfsvc", 0, "hello")},
		{"3164 unpadded day", "Jan 3 00:00:00 mfa01 pfsvc: hello", ParseOptions{Year: 2027},
			syslog(FormatSyslog3164, "2027-01-03T00:00:00Z", "mfa01", "pfsvc", 0, "hello")},
		{"3164 tag with pid", "Dec 31 23:59:59 mfa01.corp.example pfsvc[4242]: hello", opts2026,
			syslog(FormatSyslog3164, "2026-12-31T23:59:59Z", "mfa01.corp.example", "pfsvc", 4242, "hello")},
		{"3164 leap day in a leap year", "Feb 29 12:00:00 h pfsvc: x", ParseOptions{Year: 2028},
			syslog(FormatSyslog3164, "2028-02-29T12:00:00Z", "h", "pfsvc", 0, "x")},
		{"3164 no space after colon", "Nov 23 17:22:14 h pfsvc:hello", opts2026,
			syslog(FormatSyslog3164, "2026-11-23T17:22:14Z", "h", "pfsvc", 0, "hello")},
		{"3164 message with pipes and colons", "Nov 23 17:22:14 h pfsvc: a|b: c", opts2026,
			syslog(FormatSyslog3164, "2026-11-23T17:22:14Z", "h", "pfsvc", 0, "a|b: c")},
		{"3339", "2026-11-23T17:22:14.516730+00:00 mfa01 pfsvc: hello", opts2026,
			syslog(FormatSyslog3339, "2026-11-23T17:22:14.51673Z", "mfa01", "pfsvc", 0, "hello")},
		{"3339 with offset", "2026-11-23T12:22:14.516730-05:00 mfa01 pfsvc[7]: hello", opts2026,
			syslog(FormatSyslog3339, "2026-11-23T17:22:14.51673Z", "mfa01", "pfsvc", 7, "hello")},
		{"3339 ignores Year", "2026-11-23T17:22:14Z mfa01 pfsvc: hello", ParseOptions{Year: 1999},
			syslog(FormatSyslog3339, "2026-11-23T17:22:14Z", "mfa01", "pfsvc", 0, "hello")},
	}
	for _, tt := range tests {
		var e Entry
		if err := ParseLine([]byte(tt.line), tt.opts, &e); err != nil {
			t.Errorf("%s: ParseLine(%q) = %v", tt.name, tt.line, err)
			continue
		}
		if got := flatten(&e); got != tt.want {
			t.Errorf("%s: ParseLine(%q)\n got %+v\nwant %+v", tt.name, tt.line, got, tt.want)
		}
	}
}

func TestParseLineMalformed(t *testing.T) {
	const ts = "2019-04-23T17:22:14.516730Z"
	tests := []struct {
		line   string
		reason string
	}{
		{"", ReasonEmpty},
		{"\r", ReasonEmpty},
		{"\xEF\xBB\xBF", ReasonEmpty},
		{"\xEF\xBB\xBF\r\n", ReasonEmpty},
		{"hello world", ReasonTimestamp},
		{"   at System.Net.Mail.SmtpClient.Send(MailMessage message)", ReasonTimestamp},
		{"|i|1|2|pfsvc|x", ReasonTimestamp},
		{ts, ReasonTimestamp},
		{"2019-04-23", ReasonTimestamp},
		{"2019-04-23 17:22:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-13-23T17:22:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-00-23T17:22:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-02-29T17:22:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-31T17:22:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T24:00:00Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:60:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:60Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:14.Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:14.1234567890Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:14+2:00|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:14+24:00|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:14+02|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:22:14ZZ|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2019-04-23T17:2a:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{"2O19-04-23T17:22:14Z|i|1|2|pfsvc|x", ReasonTimestamp},
		{ts + "|", ReasonMissingField},
		{ts + "|i", ReasonMissingField},
		{ts + "|i|1412", ReasonMissingField},
		{ts + "|i|1412|6452", ReasonMissingField},
		{ts + "|i|1412|6452|pfrad", ReasonMissingField},
		{ts + "||1|2|pfsvc|x", ReasonLevel},
		{ts + "|i i|1|2|pfsvc|x", ReasonLevel},
		{ts + "|i|x|2|pfsvc|x", ReasonPID},
		{ts + "|i||2|pfsvc|x", ReasonPID},
		{ts + "|i|-1|2|pfsvc|x", ReasonPID},
		{ts + "|i|4294967296|2|pfsvc|x", ReasonPID},
		{ts + "|i|12345678901|2|pfsvc|x", ReasonPID},
		{ts + "|i| 1|2|pfsvc|x", ReasonPID},
		{ts + "|i|1|2x|pfsvc|x", ReasonTID},
		{ts + "|i|1||pfsvc|x", ReasonTID},
		{ts + "|i|1|2||x", ReasonTag},
		{ts + "|i|1|2|pf svc|x", ReasonTag},
		{"Nov 23 17:22:14", ReasonTimestamp},
		{"Nov 23 17:22:14 ", ReasonMissingField},
		{"Nov 23 17:22:14 host", ReasonMissingField},
		{"Nov 23 17:22:14  pfsvc: x", ReasonHost},
		{"Nov 23 17:22:14 host pfsvc", ReasonMissingField},
		{"Nov 23 17:22:14 host pfsvc x", ReasonTag},
		{"Nov 23 17:22:14 host :x", ReasonTag},
		{"Nov 23 17:22:14 host pfsvc[12] x", ReasonTag},
		{"Nov 23 17:22:14 host pfsvc[x]: x", ReasonPID},
		{"Nov 23 17:22:14 host pfsvc[12: x", ReasonPID},
		{"Nov 31 17:22:14 host pfsvc: x", ReasonTimestamp},
		{"Nov 00 17:22:14 host pfsvc: x", ReasonTimestamp},
		{"Nov 23 17:22:14.123 host pfsvc: x", ReasonTimestamp},
		{"nov 23 17:22:14 host pfsvc: x", ReasonTimestamp},
		{"Now 23 17:22:14 host pfsvc: x", ReasonTimestamp},
		{"Nov 23 7:22:14 host pfsvc: x", ReasonTimestamp},
		{"Nov 123 17:22:14 host pfsvc: x", ReasonTimestamp},
		{"Feb 29 12:00:00 h pfsvc: x", ReasonTimestamp}, // 2026 is not a leap year
		{"2026-11-23T17:22:14.516730+00:00", ReasonTimestamp},
		{"2026-11-23T17:22:14.516730+00:00 ", ReasonMissingField},
		{"2026-11-23T17:22:14.516730+00:00 host", ReasonMissingField},
		{"2026-11-23T17:22:14.516730+00:00 host pfsvc", ReasonMissingField},
		{"2026-11-23T17:22:14.516730+00:00x host pfsvc: x", ReasonTimestamp},
		{"2026-11-23T17:22:14.516730+00:00\thost pfsvc: x", ReasonTimestamp},
		// Valid times that no MFA Server wrote: out of MinYear..MaxYear, in UTC.
		{"1969-12-31T23:59:59.999999999Z|i|1|2|pfsvc|x", ReasonTimeRange},
		{"1970-01-01T00:59:59+01:00|i|1|2|pfsvc|x", ReasonTimeRange},
		{"2200-01-01T00:00:00Z|i|1|2|pfsvc|x", ReasonTimeRange},
		{"2199-12-31T23:00:00-0100|i|1|2|pfsvc|x", ReasonTimeRange},
		{"9999-12-31T23:59:59.999999Z|0|1412|6452|pfrad|rawCallStatus = 21", ReasonTimeRange},
		{"0000-01-01T00:00:00Z|i|1|2|pfsvc|x", ReasonTimeRange},
		{"1677-09-21T00:12:43Z|i|1|2|pfsvc|x", ReasonTimeRange},
		{"2262-04-11T23:47:17Z|i|1|2|pfsvc|x", ReasonTimeRange},
		{"2200-01-01T00:00:00.000000+00:00 host pfsvc: x", ReasonTimeRange},
		{"1969-12-31T23:59:59Z host pfsvc: x", ReasonTimeRange},
		// The layout is checked before the range.
		{"9999-12-31T23:59:59Zx", ReasonTimestamp},
		{"9999-12-31T23:59:59Z", ReasonTimestamp},
	}
	for _, tt := range tests {
		e := dirtyEntry()
		err := ParseLine([]byte(tt.line), opts2026, &e)
		var me *MalformedError
		if !errors.As(err, &me) {
			t.Errorf("ParseLine(%q) = %v, want a *MalformedError", tt.line, err)
			continue
		}
		if me.Reason != tt.reason {
			t.Errorf("ParseLine(%q) reason %q, want %q", tt.line, me.Reason, tt.reason)
		}
		if got := flatten(&e); got != (flat{}) {
			t.Errorf("ParseLine(%q) left %+v in the entry", tt.line, got)
		}
	}
}

// TestParseLineSyslogYear: the caller's year is used as is within MinYear..MaxYear; a year
// out of 0..9999 makes RFC 3164 lines bad timestamps rather than wrong times, and a year
// within it but outside MinYear..MaxYear makes them out of range.
func TestParseLineSyslogYear(t *testing.T) {
	for _, tc := range []struct {
		line   string
		year   int
		want   string // the time, or else the reason
		reason string
	}{
		{"Feb 29 12:00:00 h pfsvc: x", 2024, "2024-02-29T12:00:00Z", ""},
		{"Feb 29 12:00:00 h pfsvc: x", 2000, "2000-02-29T12:00:00Z", ""},
		{"Feb 29 12:00:00 h pfsvc: x", 2100, "", ReasonTimestamp}, // not a leap year
		{"Feb 29 12:00:00 h pfsvc: x", 2026, "", ReasonTimestamp},
		{"Feb 29 12:00:00 h pfsvc: x", -1, "", ReasonTimestamp},
		{"Feb 29 12:00:00 h pfsvc: x", 10000, "", ReasonTimestamp},
		{"Feb 29 12:00:00 h pfsvc: x", -1 << 40, "", ReasonTimestamp},
		{"Feb 29 12:00:00 h pfsvc: x", 0, "", ReasonTimeRange},
		{"Jan  1 00:00:00 h pfsvc: x", MinYear, "1970-01-01T00:00:00Z", ""},
		{"Dec 31 23:59:59 h pfsvc: x", MinYear - 1, "", ReasonTimeRange},
		{"Dec 31 23:59:59 h pfsvc: x", MaxYear, "2199-12-31T23:59:59Z", ""},
		{"Jan  1 00:00:00 h pfsvc: x", MaxYear + 1, "", ReasonTimeRange},
		{"Jan  1 00:00:00 h pfsvc: x", 9999, "", ReasonTimeRange},
	} {
		var e Entry
		err := ParseLine([]byte(tc.line), ParseOptions{Year: tc.year}, &e)
		if tc.reason != "" {
			var me *MalformedError
			if !errors.As(err, &me) || me.Reason != tc.reason {
				t.Errorf("%q in %d: %v, want %q", tc.line, tc.year, err, tc.reason)
			}
			continue
		}
		if err != nil || e.Time.Format(time.RFC3339Nano) != tc.want {
			t.Errorf("%q in %d: %v %v, want %s", tc.line, tc.year, e.Time, err, tc.want)
		}
	}
}

// TestParseLineTimeRangeEdges: the first and last instants of MinYear..MaxYear are accepted,
// in UTC and through an offset, and their times are exact.
func TestParseLineTimeRangeEdges(t *testing.T) {
	for line, want := range map[string]string{
		"1970-01-01T00:00:00Z|i|1|2|pfsvc|x":                    "1970-01-01T00:00:00Z",
		"1970-01-01T01:00:00+01:00|i|1|2|pfsvc|x":               "1970-01-01T00:00:00Z",
		"2199-12-31T23:59:59.999999999Z|i|1|2|pfsvc|x":          "2199-12-31T23:59:59.999999999Z",
		"2199-12-31T22:59:59.9999999-01:00|i|1|2|pfsvc|x":       "2199-12-31T23:59:59.9999999Z",
		"2199-12-31T23:59:59.999999+00:00 host pfsvc: x":        "2199-12-31T23:59:59.999999Z",
		"2044-01-01T00:00:00Z|0|1412|6452|pfrad|authResult = 1": "2044-01-01T00:00:00Z",
	} {
		var e Entry
		if err := ParseLine([]byte(line), ParseOptions{}, &e); err != nil {
			t.Errorf("ParseLine(%q) = %v", line, err)
			continue
		}
		if got := e.Time.Format(time.RFC3339Nano); got != want {
			t.Errorf("ParseLine(%q) time %s, want %s", line, got, want)
		}
	}
}

func TestMalformedReasonsAreListed(t *testing.T) {
	listed := map[string]bool{}
	for _, r := range MalformedReasons {
		listed[r] = true
	}
	for _, err := range []*MalformedError{errEmpty, errTimestamp, errMissingField, errLevel,
		errPID, errTID, errTag, errHost, errTimeRange} {
		if !listed[err.Reason] {
			t.Errorf("reason %q is missing from MalformedReasons", err.Reason)
		}
		if err.Error() != "malformed log line: "+err.Reason {
			t.Errorf("Error() = %q", err.Error())
		}
	}
	if len(listed) != len(MalformedReasons) {
		t.Errorf("MalformedReasons has duplicates: %v", MalformedReasons)
	}
}

// TestParseLineHygiene: line endings, BOM, invalid UTF-8 and NUL bytes.
func TestParseLineHygiene(t *testing.T) {
	const call = `2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)`
	tests := []struct {
		name string
		line string
		msg  string
		user string
		kind Kind
	}{
		{"CR", call + "\r", `Calling pfAuthUser('Domain\pnigam', '', 1)`, `Domain\pnigam`, KindCall},
		{"CRLF", call + "\r\n", `Calling pfAuthUser('Domain\pnigam', '', 1)`, `Domain\pnigam`, KindCall},
		{"BOM", "\xEF\xBB\xBF" + call, `Calling pfAuthUser('Domain\pnigam', '', 1)`, `Domain\pnigam`, KindCall},
		{"BOM and CR", "\xEF\xBB\xBF" + call + "\r", `Calling pfAuthUser('Domain\pnigam', '', 1)`, `Domain\pnigam`, KindCall},
		{"BOM on syslog", "\xEF\xBB\xBFNov 23 17:22:14 h pfsvc: x\r", "x", "", KindOther},
		{"invalid UTF-8 in user",
			"2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Dom\xff\xfeain\\p\xc3', '', 1)",
			"Calling pfAuthUser('Dom\xff\xfeain\\p\xc3', '', 1)", "Dom\xff\xfeain\\p\xc3", KindCall},
		{"UTF-8 user",
			"2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('CORP\\jürgen.müller', '', 1)",
			"Calling pfAuthUser('CORP\\jürgen.müller', '', 1)", "CORP\\jürgen.müller", KindCall},
		{"NUL in user",
			"2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('a\x00b', '', 1)",
			"Calling pfAuthUser('a\x00b', '', 1)", "a\x00b", KindCall},
		{"NUL in message", "2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|\x00\x00\x00", "\x00\x00\x00", "", KindOther},
		{"only a trailing CR is stripped", "2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|x\r\r", "x\r", "", KindOther},
	}
	for _, tt := range tests {
		line := []byte(tt.line)
		e := dirtyEntry()
		if err := ParseLine(line, opts2026, &e); err != nil {
			t.Errorf("%s: ParseLine(%q) = %v", tt.name, tt.line, err)
			continue
		}
		if string(e.Message) != tt.msg || string(e.User) != tt.user || e.Kind != tt.kind {
			t.Errorf("%s: got message %q user %q kind %v, want %q %q %v", tt.name, e.Message, e.User, e.Kind,
				tt.msg, tt.user, tt.kind)
		}
		checkViews(t, line, &e)
	}
	// A NUL or invalid byte in the header is no panic either: it is a malformed line.
	for _, line := range []string{"\x00", "\xff\xfe", "2017-02-14T02:57:19.234778Z|0|\x00|1|x|y", "\xEF\xBB"} {
		var e Entry
		if err := ParseLine([]byte(line), opts2026, &e); err == nil {
			t.Errorf("ParseLine(%q) = nil, want a malformed line", line)
		}
	}
}

// TestParseLineResetsEntry: an Entry reused across lines carries nothing over.
func TestParseLineResetsEntry(t *testing.T) {
	lines := []string{
		`2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|Pfauth failed for user 'a' from 10.0.0.1:1812. Call status: FAILED_PHONE_APP_DENIED - "Mobile App Denied".`,
		`User "admin" changed user "bob" value Phone from "1" to "2".`,
		`Nov 23 17:22:14 h pfsvc[9]: validate_oath_code: user bob updated authentication result. x callStatus = OATH Code Verified`,
		`2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21`,
		`2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)`,
		`2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1`,
		// The pid of the line before is remembered: each of these has another one.
		`2017-02-14T02:57:19.234778Z|0|14120|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|141|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|1413|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|12345678|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|1413|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|x413|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|0413|6452|pfrad|authResult = 1`,
		`2017-02-14T02:57:19.234778Z|0|413|6452|pfrad|authResult = 1`,
	}
	var reused Entry
	for _, l := range lines {
		var fresh Entry
		errFresh := ParseLine([]byte(l), opts2026, &fresh)
		errReused := ParseLine([]byte(l), opts2026, &reused)
		if !errors.Is(errFresh, errReused) {
			t.Errorf("ParseLine(%q): error %v on a fresh entry, %v on a reused one", l, errFresh, errReused)
		}
		if flatten(&fresh) != flatten(&reused) || fresh.Status != reused.Status {
			t.Errorf("ParseLine(%q) on a reused entry\n got %+v\nwant %+v", l, flatten(&reused), flatten(&fresh))
		}
	}
}

// dirtyEntry is an Entry with every field set, to catch fields ParseLine forgets to reset.
func dirtyEntry() Entry {
	junk := []byte("junk")
	return Entry{Format: FormatSyslog3339, Time: time.Unix(1, 0), Level: junk, PID: 9, TID: 9, Host: junk,
		Tag: junk, RequestID: junk, Message: junk, Kind: KindAudit, User: junk, Admin: junk, Field: junk,
		Action: AuditDeleted, Number: 9, Verdict: VerdictFailure, Status: Status{Code: 9, Constant: "x"},
		StatusKnown: true, Constant: junk, Description: junk, Addr: junk}
}

// checkViews fails unless every []byte field of e lies inside line.
func checkViews(t testing.TB, line []byte, e *Entry) {
	t.Helper()
	if len(line) == 0 {
		return
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(line)))
	hi := lo + uintptr(len(line))
	for name, v := range map[string][]byte{"Level": e.Level, "Host": e.Host, "Tag": e.Tag,
		"RequestID": e.RequestID, "Message": e.Message, "User": e.User, "Admin": e.Admin,
		"Field": e.Field, "Constant": e.Constant, "Description": e.Description, "Addr": e.Addr} {
		if len(v) == 0 {
			continue
		}
		p := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
		if p < lo || p+uintptr(len(v)) > hi {
			t.Errorf("%s %q is not a view into the line %q", name, v, line)
		}
	}
}

// TestSampleLogs parses every line of testdata/*.log and compares a description of each
// entry with testdata/<log>.golden (go test -update rewrites them). The logs hold the
// verbatim samples plus constructed lines in the documented shapes, with CRLF and a BOM.
func TestSampleLogs(t *testing.T) {
	logs, err := filepath.Glob("testdata/*.log")
	if err != nil || len(logs) == 0 {
		t.Fatalf("no sample logs: %v", err)
	}
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(data, []byte("\n"))
		if len(lines[len(lines)-1]) == 0 {
			lines = lines[:len(lines)-1]
		}
		var out strings.Builder
		var e Entry
		for i, line := range lines {
			err := ParseLine(line, opts2026, &e)
			if err != nil {
				var me *MalformedError
				if !errors.As(err, &me) {
					t.Fatalf("%s:%d: error %v is not a *MalformedError", path, i+1, err)
				}
				fmt.Fprintf(&out, "%d: malformed: %s\n", i+1, me.Reason)
				continue
			}
			checkViews(t, line, &e)
			fmt.Fprintf(&out, "%d: %s\n", i+1, describeEntry(&e))
		}
		golden := strings.TrimSuffix(path, ".log") + ".golden"
		if *update {
			if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		// A Windows checkout may have turned the golden file's line endings into CRLF.
		if got := out.String(); got != strings.ReplaceAll(string(want), "\r\n", "\n") {
			t.Errorf("%s: parsed entries differ from %s (go test -update rewrites it)\n got:\n%s\nwant:\n%s",
				path, golden, got, want)
		}
	}
}

// describeEntry is a one-line rendering of the fields that are set.
func describeEntry(e *Entry) string {
	var b strings.Builder
	formats := map[Format]string{FormatPipe: "pipe", FormatSyslog3164: "rfc3164", FormatSyslog3339: "rfc3339"}
	fmt.Fprintf(&b, "%s %s", formats[e.Format], e.Time.Format(time.RFC3339Nano))
	field := func(name string, v []byte) {
		if len(v) > 0 {
			fmt.Fprintf(&b, " %s=%q", name, v)
		}
	}
	field("level", e.Level)
	if e.PID != 0 || e.TID != 0 {
		fmt.Fprintf(&b, " pid=%d tid=%d", e.PID, e.TID)
	}
	field("host", e.Host)
	field("tag", e.Tag)
	field("request_id", e.RequestID)
	fmt.Fprintf(&b, " kind=%s", e.Kind)
	field("admin", e.Admin)
	field("user", e.User)
	field("field", e.Field)
	if e.Action != AuditNone {
		fmt.Fprintf(&b, " action=%s", e.Action)
	}
	if e.Kind == KindCall || e.Kind == KindAuthResult || e.Kind == KindRawCallStatus {
		fmt.Fprintf(&b, " number=%d", e.Number)
	}
	if e.Verdict != VerdictNone {
		fmt.Fprintf(&b, " verdict=%s", [...]string{"none", "success", "failure"}[e.Verdict])
	}
	field("constant", e.Constant)
	field("description", e.Description)
	if e.Kind == KindRawCallStatus || e.Kind == KindPfauth || e.Kind == KindOATH {
		fmt.Fprintf(&b, " code=%s known=%t method=%s result=%s", e.Status.CodeLabel(), e.StatusKnown,
			e.Status.Method, e.Status.Result(e.Verdict))
	}
	field("addr", e.Addr)
	return b.String()
}

// TestParseLineRoundTrip builds random well-formed lines from known parts, in every layout and
// timestamp variant, and checks that ParseLine accepts each and gives the parts back: the
// converse of the fuzz test, which checks that nothing else is accepted.
func TestParseLineRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	token := func(stop string) string { // 1..8 bytes, any byte but those in stop
		b := make([]byte, 1+rng.IntN(8))
		for i := range b {
			for {
				b[i] = byte(rng.IntN(256))
				if !strings.ContainsRune(stop, rune(b[i])) && (i > 0 || b[i] != 0xEF) {
					break
				}
			}
		}
		return string(b)
	}
	message := func() string { // anything, '|' and invalid UTF-8 included, but no trailing CR/LF
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return strings.TrimRight(string(b), "\r\n")
	}
	for i := range 3000 {
		year := MinYear + rng.IntN(MaxYear-MinYear+1)
		if i%2 == 0 { // any year that can be written: those out of range must say so
			year = rng.IntN(10000)
		}
		want := time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24),
			rng.IntN(60), rng.IntN(60), 0, time.UTC)
		digits := rng.IntN(10)
		frac := ""
		if digits > 0 {
			n := rng.IntN(int(math.Pow10(digits)))
			frac = fmt.Sprintf(".%0*d", digits, n)
			want = want.Add(time.Duration(n * int(math.Pow10(9-digits))))
		}
		offset := 0
		zone := [...]string{"Z", "z", "", "+hh:mm", "-hh:mm", "+hhmm", "-hhmm"}[rng.IntN(7)]
		if len(zone) > 1 {
			h, m := rng.IntN(24), rng.IntN(60)
			offset = h*3600 + m*60
			if zone[0] == '-' {
				offset = -offset
			}
			zone = strings.NewReplacer("hh", fmt.Sprintf("%02d", h), "mm", fmt.Sprintf("%02d", m)).Replace(zone)
		}
		// The written clock is want's clock in the zone; want itself is UTC.
		local := want.Add(time.Duration(offset) * time.Second)
		stamp := local.Format("2006-01-02T15:04:05") + frac + zone
		if local.Year() < 0 || local.Year() > 9999 {
			continue
		}
		msg := message()
		var line string
		var wantFlat flat
		switch layout := rng.IntN(3); layout {
		case 0:
			level, tag := token("| \t"), token("| \t")
			pid, tid := rng.Uint32(), rng.Uint32()
			reqID := ""
			if rng.IntN(2) == 0 {
				reqID = fmt.Sprintf("%08x-%04X-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()>>16,
					rng.Uint32()>>16, rng.Uint32()>>16, rng.Uint64()>>16)
				line = fmt.Sprintf("%s|%s|%d|%d|%s|%s|%s", stamp, level, pid, tid, tag, reqID, msg)
			} else {
				msg = "x" + msg // so that it cannot start with a request id by chance
				line = fmt.Sprintf("%s|%s|%d|%d|%s|%s", stamp, level, pid, tid, tag, msg)
			}
			wantFlat = flat{Format: FormatPipe, Level: level, PID: pid, TID: tid, Tag: tag, RequestID: reqID,
				Message: msg}
		case 1:
			host, tag := token(" "), token(" \t:[")
			line = fmt.Sprintf("%s %s %s: %s", stamp, host, tag, msg)
			wantFlat = flat{Format: FormatSyslog3339, Host: host, Tag: tag, Message: msg}
		case 2:
			host, tag := token(" "), token(" \t:[")
			pid := rng.Uint32()
			want = want.Truncate(time.Second) // RFC 3164 has no fraction (and no zone)
			day := [...]string{"Jan _2", "Jan 02", "Jan 2"}[rng.IntN(3)]
			line = fmt.Sprintf("%s %s %s[%d]: %s", want.Format(day+" 15:04:05"), host, tag, pid, msg)
			wantFlat = flat{Format: FormatSyslog3164, Host: host, Tag: tag, PID: pid, Message: msg}
		}
		if i%5 == 0 {
			line = "\xEF\xBB\xBF" + line + "\r"
		}
		var e Entry
		opts := ParseOptions{Year: want.Year()}
		if want.Year() < MinYear || want.Year() > MaxYear {
			var me *MalformedError
			if err := ParseLine([]byte(line), opts, &e); !errors.As(err, &me) || me.Reason != ReasonTimeRange {
				t.Errorf("ParseLine(%q) = %v, want %q", line, err, ReasonTimeRange)
			}
			continue
		}
		if err := ParseLine([]byte(line), opts, &e); err != nil {
			t.Errorf("ParseLine(%q) = %v", line, err)
			continue
		}
		got := flatten(&e)
		got.Time, got.msgFields = "", msgFields{}
		if got != wantFlat || !e.Time.Equal(want) || e.Time.Location() != time.UTC {
			t.Errorf("ParseLine(%q)\n got %+v at %v\nwant %+v at %v", line, got, e.Time, wantFlat, want)
		}
	}
}

// TestDigits8 checks the 8-bytes-at-once digit reader against strconv for every length and
// every kind of byte after the digits.
func TestDigits8(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		n := rng.IntN(9)
		var b []byte
		for range n {
			b = append(b, byte('0'+rng.IntN(10)))
		}
		b = append(b, byte(rng.IntN(256)))
		for len(b) < 8+rng.IntN(3) {
			b = append(b, byte(rng.IntN(256)))
		}
		want := 0
		for want < len(b) && isDigit(b[want]) {
			want++
		}
		got, v, ok := digits8(b)
		if want >= 8 {
			if ok {
				t.Fatalf("digits8(%q): ok with %d digits, want not ok", b, got)
			}
			continue
		}
		wv, _ := strconv.ParseUint(string(b[:want]), 10, 32)
		if !ok || got != want || (want > 0 && uint64(v) != wv) {
			t.Fatalf("digits8(%q) = %d, %d, %v; want %d, %d", b, got, v, ok, want, wv)
		}
	}
	if _, _, ok := digits8([]byte("1234|")); ok {
		t.Error("digits8 of 5 bytes: ok")
	}
}

// TestTokenFieldEightAtOnce: the fast path of tokenField, which looks at eight bytes at once,
// says what reading byte by byte says, wherever the '|' and the blanks are.
func TestTokenFieldEightAtOnce(t *testing.T) {
	slow := func(b []byte) (field, rest []byte, err *MalformedError) {
		blank := false
		for i, c := range b {
			switch c {
			case '|':
				if i == 0 || blank {
					return nil, nil, errTag
				}
				return b[:i], b[i+1:], nil
			case ' ', '\t':
				blank = true
			}
		}
		return nil, nil, errMissingField
	}
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte("ab|| \t\x00\x7c\xfc\x01z")
	for range 200000 {
		b := make([]byte, rng.IntN(14))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		f, r, err := tokenField(b, errTag)
		wf, wr, werr := slow(b)
		if err != werr || string(f) != string(wf) || string(r) != string(wr) {
			t.Fatalf("tokenField(%q) = %q, %q, %v; byte by byte %q, %q, %v", b, f, r, err, wf, wr, werr)
		}
	}
}

// TestPipeHeaderInOnePass: the one-pass reading of the usual header (pipeHeader) gives what
// reading it field by field gives, whatever the level, the lengths of the pid, the tid and the
// tag, the bytes in them and the pid of the line before: the same fields, the same request id
// and message, the same error.
func TestPipeHeaderInOnePass(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	pick := func(alphabet string, maxLen int) string {
		b := make([]byte, rng.IntN(maxLen+1))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	digits := func() string {
		if rng.IntN(8) == 0 {
			return pick("0123456789 x|\t", 11)
		}
		return pick("0123456789", 11)
	}
	tags := []string{"pfrad", "pfsvc", "pfadssvc", "p", "", "pf rad", "pf\trad", "abcdefg", "abcdefgh"}
	guid := "82a3db8d-3317-43f7-b203-6ba81cba93c9|"
	var fast Entry
	for range 300000 {
		level := pick("0ie| \t", 2)
		tag := tags[rng.IntN(len(tags))]
		if rng.IntN(8) == 0 {
			tag = pick("ab |\t", 9)
		}
		line := level + "|" + digits() + "|" + digits() + "|" + tag + "|"
		if rng.IntN(3) == 0 {
			line += guid
		}
		line += pick("rawCallStatus = 21|", 12)
		if rng.IntN(4) == 0 {
			line = line[:rng.IntN(len(line)+1)]
		}
		fast = Entry{pid: fast.pid} // as ParseLine leaves it: the pid of the line before remembered
		var slow Entry
		errFast := parsePipeFields([]byte(line), &fast)
		errSlow := pipeFieldsOneByOne([]byte(line), &slow)
		if errFast != errSlow || (errFast == nil && flatten(&fast) != flatten(&slow)) {
			t.Fatalf("parsePipeFields(%q) = %+v, %v; field by field %+v, %v", line, flatten(&fast), errFast,
				flatten(&slow), errSlow)
		}
	}
}

// TestPipeTimeInMinute: the reading of MFA Server's own time in the minute of the line before
// (pipeTimeInMinute) accepts only what parseISOTime accepts there, a time ending in "Z|", and
// gives the same time, whatever bytes are changed after the minute.
func TestPipeTimeInMinute(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	alphabet := []byte("0123456789:.Z|z+- 9\x00\xff")
	var minute isoMinute
	if _, _, ok := parseISOTime([]byte("2026-11-23T08:15:00.000000Z|"), &minute); !ok {
		t.Fatal("the minute does not parse")
	}
	accepted := 0
	for range 300000 {
		b := []byte(fmt.Sprintf("2026-11-23T08:15:%02d.%06dZ|0|1|2|t|m", rng.IntN(60), rng.IntN(1000000)))
		for range rng.IntN(3) {
			b[16+rng.IntN(14)] = alphabet[rng.IntN(len(alphabet))]
		}
		if rng.IntN(10) == 0 {
			b = b[:rng.IntN(len(b)+1)]
		}
		got, ok := pipeTimeInMinute(b, &minute)
		if !ok {
			continue
		}
		accepted++
		m := minute
		want, n, wantOK := parseISOTime(b, &m)
		if !wantOK || n != pipeTimeLen || b[n] != '|' || !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("pipeTimeInMinute(%q) = %v; parseISOTime: %v, %d bytes, %v", b, got, want, n, wantOK)
		}
	}
	if accepted < 50000 {
		t.Errorf("only %d times accepted: the test hardly looks at the fast path", accepted)
	}
}

// TestIsGUID: the eight-at-a-time check of a request id agrees with checking each byte, on
// GUIDs with any byte changed to anything.
func TestIsGUID(t *testing.T) {
	isHex := func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
	byteByByte := func(b []byte) bool {
		if len(b) != guidLen {
			return false
		}
		for i, c := range b {
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
			} else if !isHex(c) {
				return false
			}
		}
		return true
	}
	rng := rand.New(rand.NewPCG(15, 16))
	const hexDigits = "0123456789abcdefABCDEF"
	for i := range 300000 {
		b := []byte("82a3db8d-3317-43f7-b203-6ba81cba93c9")
		for j := range b {
			if b[j] != '-' {
				b[j] = hexDigits[rng.IntN(len(hexDigits))]
			}
		}
		for range rng.IntN(3) {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		if i%1000 == 0 {
			b = b[:rng.IntN(len(b)+1)]
		}
		if got, want := isGUID(b), byteByByte(b); got != want {
			t.Fatalf("isGUID(%q) = %v, want %v", b, got, want)
		}
	}
	for c := range 256 {
		b := []byte("82a3db8d-3317-43f7-b203-6ba81cba93c9")
		for _, at := range []int{0, 7, 8, 12, 13, 17, 18, 22, 23, 24, 31, 35} {
			b[at] = byte(c)
			if got, want := isGUID(b), byteByByte(b); got != want {
				t.Fatalf("isGUID(%q) = %v, want %v", b, got, want)
			}
			b[at] = "82a3db8d-3317-43f7-b203-6ba81cba93c9"[at]
		}
	}
}
