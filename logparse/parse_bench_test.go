package logparse

import (
	"fmt"
	"testing"
	"time"
)

// parseShapes is one line of each shape, as the benchmarks and the allocation test use them.
var parseShapes = []struct {
	name string
	line string
}{
	{"call", `2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)`},
	{"auth_result", `2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|authResult = 1`},
	{"raw_call_status", `2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21`},
	{"pfauth", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|Pfauth succeeded for user 'CORP\jdoe' from 10.20.30.40:51234. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".`},
	{"pfauth_description", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|Pfauth failed for user 'CN=Jane Doe,OU=Users,DC=corp,DC=example' (distinguishedName format). Call status: NEW_CONSTANT - "Mobile App Denied".`},
	{"not_performed", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|Pfauth not performed for user 'CORP\jdoe' from [2001:db8::7]:1812`},
	{"primary_auth", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|Primary auth succeeded for user 'jdoe@corp.example'`},
	{"oath", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|validate_oath_code: user CORP\jdoe updated authentication result. result=1 callStatus = OATH Code Verified`},
	{"audit", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|User "CORP\admin" changed user "CORP\jdoe" value Phone from "+1 555 0100" to "+1 555 0199".`},
	{"error", `2018-03-07T18:20:20.006280Z|e|2960|4036|pfadssvc|***** ERROR ***** Error sending email to NewUser@domain.com: Access to the path '\\FileShare\public\MFA-Instructions\MFA-Guide.pdf' is denied.`},
	{"other", `2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|Sending request to https://pfd.phonefactor.net/pfd/pfd.pl`},
	{"syslog3164", `Nov 23 17:22:14 mfa01 pfsvc: Pfauth succeeded for user 'CORP\jdoe'. Call status: SUCCESS_USED_CACHE - "Used Cache".`},
	{"syslog3339", `2026-11-23T17:22:14.516730+00:00 mfa01 pfsvc: Pfauth succeeded for user 'CORP\jdoe'. Call status: SUCCESS_USED_CACHE - "Used Cache".`},
	{"crlf_bom", "\xEF\xBB\xBF2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21\r"},
	{"malformed", `   at System.Net.Mail.SmtpClient.Send(MailMessage message)`},
}

// parseMix is a realistic mix: mostly RADIUS request/result triples on interleaved threads,
// with main-service Pfauth lines, chatter, an error and the rarer shapes.
func parseMix() [][]byte {
	var lines [][]byte
	users := []string{`CORP\jdoe`, `CORP\asmith`, "bob.jones@corp.example", `CORP\o''brien`}
	for i := range 40 {
		u := users[i%len(users)]
		tid := 6452 + i%7
		lines = append(lines,
			fmt.Appendf(nil, "2026-11-23T17:%02d:%02d.%06dZ|0|1412|%d|pfrad|Calling pfAuthUser('%s', '', 1)", i/60, i%60, i*7919%1000000, tid, u),
			fmt.Appendf(nil, "2026-11-23T17:%02d:%02d.%06dZ|0|1412|%d|pfrad|authResult = %d", i/60, i%60, i*104729%1000000, tid, 1-i%5/4),
			fmt.Appendf(nil, "2026-11-23T17:%02d:%02d.%06dZ|0|1412|%d|pfrad|rawCallStatus = %d", i/60, i%60, i*104729%1000000, tid, []int{21, 6, 21, 19, 129}[i%5]),
		)
		if i%4 == 0 {
			lines = append(lines, fmt.Appendf(nil, "2026-11-23T17:%02d:%02d.%06dZ|i|18288|26784|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|Pfauth succeeded for user '%s' from 10.0.0.%d:51234. Call status: SUCCESS_PHONE_APP_AUTHENTICATED - \"Mobile App Authenticated\".", i/60, i%60, i, u, i))
		}
		if i%8 == 0 {
			lines = append(lines, fmt.Appendf(nil, "2026-11-23T17:%02d:%02d.%06dZ|i|18288|26784|pfsvc|Sending request to the cloud service for user %s", i/60, i%60, i, u))
		}
	}
	for _, s := range parseShapes {
		switch s.name {
		case "primary_auth", "oath", "audit", "error", "not_performed", "syslog3164":
			lines = append(lines, []byte(s.line))
		}
	}
	return lines
}

func BenchmarkParseLine(b *testing.B) {
	for _, s := range parseShapes {
		b.Run(s.name, func(b *testing.B) {
			line := []byte(s.line)
			var e Entry
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				_ = ParseLine(line, opts2026, &e)
			}
		})
	}
	b.Run("mix", func(b *testing.B) {
		lines := parseMix()
		var e Entry
		i := 0
		for b.Loop() {
			_ = ParseLine(lines[i], opts2026, &e)
			if i++; i == len(lines) {
				i = 0
			}
		}
	})
}

// TestParseLineDoesNotAllocate: the exporter parses every line, so no shape may allocate.
func TestParseLineDoesNotAllocate(t *testing.T) {
	var e Entry
	for _, s := range parseShapes {
		line := []byte(s.line)
		if n := testing.AllocsPerRun(100, func() { _ = ParseLine(line, opts2026, &e) }); n != 0 {
			t.Errorf("%s: %v allocations per line, want 0", s.name, n)
		}
	}
	mix := parseMix()
	if n := testing.AllocsPerRun(10, func() {
		for _, l := range mix {
			if err := ParseLine(l, opts2026, &e); err != nil {
				t.Fatalf("ParseLine(%q) = %v", l, err)
			}
		}
	}); n != 0 {
		t.Errorf("mix: %v allocations per %d lines, want 0", n, len(mix))
	}
}

// BenchmarkCivilTime compares the two ways of turning a parsed timestamp into a time.Time:
// unixTime (days from civil, used by the parser) and time.Date.
func BenchmarkCivilTime(b *testing.B) {
	var sink time.Time
	b.Run("days_from_civil", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink = unixTime(2017, 2, 14, 2, 57, i%60, 234778000, 0)
		}
	})
	b.Run("time_Date", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sink = time.Date(2017, 2, 14, 2, 57, i%60, 234778000, time.UTC)
		}
	})
	_ = sink
}

func TestUnixTimeMatchesTimeDate(t *testing.T) {
	for _, tc := range [][8]int{
		{2017, 2, 14, 2, 57, 19, 234778000, 0},
		{2000, 2, 29, 23, 59, 59, 999999999, 0},
		{1900, 3, 1, 0, 0, 0, 0, 0},
		{1970, 1, 1, 0, 0, 0, 0, 3600},
		{1969, 12, 31, 23, 59, 59, 1, -3600},
		{2400, 12, 31, 12, 0, 0, 0, 5*3600 + 30*60},
		{0, 1, 1, 0, 0, 0, 0, 0},
		{9999, 12, 31, 23, 59, 59, 999999999, -(23*3600 + 59*60)},
	} {
		got := unixTime(tc[0], tc[1], tc[2], tc[3], tc[4], tc[5], tc[6], tc[7])
		want := time.Date(tc[0], time.Month(tc[1]), tc[2], tc[3], tc[4], tc[5], tc[6], time.UTC).
			Add(-time.Duration(tc[7]) * time.Second)
		if !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("unixTime%v = %v, want %v", tc, got, want)
		}
	}
}
