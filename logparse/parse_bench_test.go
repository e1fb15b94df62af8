package logparse

import (
	"fmt"
	"math/rand/v2"
	"strings"
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

// parseMix is a realistic mix of 4096 distinct lines: RADIUS request/authResult/rawCallStatus
// triples on interleaved threads with chatter between them, and main-service lines (Pfauth
// with every status of the table, primary auth, OATH, audit, errors, chatter; request ids on
// some) in the pipe and syslog layouts. Users, threads, ids and codes are drawn from a seeded
// generator so that the branches of the parser see data as varied as a real log's: the same
// few lines over and over would let the branch predictor learn them.
func parseMix() [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	statuses := Statuses()
	var lines [][]byte
	tm := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	stamp := func() string {
		tm = tm.Add(time.Duration(rng.IntN(400_000)) * time.Microsecond)
		return tm.Format("2006-01-02T15:04:05.000000Z")
	}
	user := func() string {
		n := rng.IntN(5000)
		if rng.IntN(3) == 0 {
			return fmt.Sprintf("user%d@contoso.com", n)
		}
		return fmt.Sprintf(`CONTOSO\user%d`, n)
	}
	guid := func() string {
		if rng.IntN(3) != 0 {
			return ""
		}
		return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x|", rng.Uint32(), rng.Uint32()>>16, rng.Uint32()>>16,
			rng.Uint32()>>16, rng.Uint64()>>16)
	}
	header := func(tag string, tid int) string {
		if tag == "syslog" {
			return strings.Replace(stamp(), "Z", "+00:00", 1) + " mfa01 pfsvc: "
		}
		return fmt.Sprintf("%s|%s|6694|%d|%s|", stamp(), map[string]string{"pfrad": "0", "pfsvc": "i"}[tag], tid, tag)
	}
	for len(lines) < 4096 {
		tid := 20000 + rng.IntN(9000)
		add := func(s string) { lines = append(lines, []byte(s+"\r")) }
		if rng.IntN(2) == 0 { // RADIUS
			u := user()
			s := statuses[rng.IntN(len(statuses))]
			add(header("pfrad", tid) + fmt.Sprintf("Received RADIUS Access-Request from 10.20.%d.%d:%d id=%d", rng.IntN(256), rng.IntN(256), 1024+rng.IntN(60000), rng.IntN(256)))
			add(header("pfrad", tid) + fmt.Sprintf("Calling pfAuthUser('%s', '', 1)", u))
			add(header("pfrad", tid) + fmt.Sprintf("authResult = %d", map[bool]int{true: 1, false: 0}[s.Default == ResultSuccess]))
			add(header("pfrad", tid) + fmt.Sprintf("rawCallStatus = %d", s.Code))
			continue
		}
		tag := "pfsvc"
		if rng.IntN(5) == 0 {
			tag = "syslog"
		}
		h := header(tag, tid)
		if tag == "pfsvc" {
			h += guid()
		}
		switch r := rng.IntN(20); {
		case r < 8:
			s := statuses[rng.IntN(len(statuses))]
			verb := map[bool]string{true: "succeeded", false: "failed"}[s.Default == ResultSuccess]
			from := ""
			if rng.IntN(2) == 0 {
				from = fmt.Sprintf(" from 10.20.%d.%d:%d", rng.IntN(256), rng.IntN(256), 1024+rng.IntN(60000))
			}
			u := "'" + user() + "'"
			if rng.IntN(4) == 0 {
				u = fmt.Sprintf("'CN=User %d,OU=Staff,DC=contoso,DC=com' (distinguishedName format)", rng.IntN(5000))
			}
			add(h + fmt.Sprintf(`Pfauth %s for user %s%s. Call status: %s - "%s".`, verb, u, from, s.Constant, s.Description))
		case r < 12:
			add(h + fmt.Sprintf("Primary auth succeeded for user '%s'", user()))
		case r < 13:
			add(h + fmt.Sprintf("validate_oath_code: user %s updated authentication result. result = 1, callStatus = OATH Code Verified", user()))
		case r < 14:
			add(h + fmt.Sprintf(`User "admin.carla" changed user "CONTOSO\user%d" value Method from "Phone Call" to "Mobile App".`, rng.IntN(5000)))
		case r < 15:
			add(h + "***** ERROR ***** Error determining the current master Multi-Factor Authentication Server")
		default:
			add(h + "Received authentication request from the RADIUS service")
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
	// The mix is what it claims: every line parses, and only the chatter is KindOther.
	mix := parseMix()
	kinds := map[Kind]int{}
	for _, l := range mix {
		if err := ParseLine(l, opts2026, &e); err != nil {
			t.Fatalf("ParseLine(%q) = %v", l, err)
		}
		kinds[e.Kind]++
		if e.Kind == KindOther && !strings.HasPrefix(string(e.Message), "Received ") {
			t.Errorf("mix line %q is KindOther", l)
		}
		if (e.Kind == KindPfauth || e.Kind == KindRawCallStatus) && !e.StatusKnown {
			t.Errorf("mix line %q: status unknown", l)
		}
	}
	for _, k := range []Kind{KindCall, KindAuthResult, KindRawCallStatus, KindPfauth, KindPrimaryAuth,
		KindOATH, KindAudit, KindError, KindOther} {
		if kinds[k] == 0 {
			t.Errorf("the mix has no %v line", k)
		}
	}
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
