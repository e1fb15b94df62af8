package report

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestTemplates: real and realistic messages, their template and their masked example.
func TestTemplates(t *testing.T) {
	for _, c := range []struct{ msg, template, example string }{
		{"Service started", "Service started", "Service started"},
		{"***** ERROR ***** Error determining the current master Multi-Factor Authentication Server",
			"***** ERROR ***** Error determining the current master Multi-Factor Authentication Server",
			"***** ERROR ***** Error determining the current master Multi-Factor Authentication Server"},
		{`***** ERROR ***** Error sending email to NewUser@domain.com: Access to the path '\\FileShare\public\MFA-Instructions\MFA-Guide.pdf' is denied.`,
			`***** ERROR ***** Error sending email to <email>: Access to the path '<str>' is denied.`,
			`***** ERROR ***** Error sending email to <email>: Access to the path '<str>' is denied.`},
		{"***** ERROR ***** RADIUS request from 10.0.0.5 could not be decoded: shared secret mismatch",
			"***** ERROR ***** RADIUS request from <ip> could not be decoded: shared secret mismatch",
			"***** ERROR ***** RADIUS request from 10.0.x.x could not be decoded: shared secret mismatch"},
		{"Received RADIUS Access-Request from 10.20.1.11:51433 id=119",
			"Received RADIUS Access-Request from <ip> id=<n>", "Received RADIUS Access-Request from 10.20.x.x id=119"},
		{"Request 82a3db8d-3317-43f7-b203-6ba81cba93c9 sent to [2001:db8::7]:443",
			"Request <guid> sent to <ip>", "Request 82a3db8d-3317-43f7-b203-6ba81cba93c9 sent to 2001:db8:x"},
		{"Pfauth skipped for user CONTOSO\\alice from fe80::1", "Pfauth skipped for user <user> from <ip>",
			"Pfauth skipped for user <user> from fe80::x"},
		{`Calling ldapBind('CN=svc-mfa,OU=Service,DC=contoso,DC=com')`, `Calling ldapBind('<str>')`, `Calling ldapBind('<str>')`},
		{`User "CONTOSO\admin" did "something"`, `User "<str>" did "<str>"`, `User "<str>" did "<str>"`},
		{"Can't reach https://portal.contoso.com/owa/ (timeout 30s)", "Can't reach <path>/ (timeout <n>s)", "Can't reach <path>/ (timeout 30s)"},
		{"Phone 5551234567 unreachable, cache 0x1F3A, token a3f9e2c1d4", "Phone <n> unreachable, cache <hex>, token <hex>",
			"Phone <n> unreachable, cache 0x1F3A, token a3f9e2c1d4"},
		// An unquoted path with blanks is cut at them: each piece is still masked.
		{"Loading C:\\Program Files\\Multi-Factor Authentication Server\\Pfsvc.exe.config",
			"Loading <path> <user> Authentication <user>", "Loading <path> <user> Authentication <user>"},
		{"tab\there  and\x1b[31mred", "tab here and?[<n>mred", "tab here and?[31mred"},
		{"version 8.1.2.1 of pfsvc2", "version <ip> of pfsvc<n>", "version 8.1.x.x of pfsvc2"},
	} {
		var tp templater
		if got := string(tp.Template([]byte(c.msg))); got != c.template {
			t.Errorf("template of %q:\n got %q\nwant %q", c.msg, got, c.template)
		}
		if got := tp.Example([]byte(c.msg)); got != c.example {
			t.Errorf("example of %q:\n got %q\nwant %q", c.msg, got, c.example)
		}
	}
}

// TestTemplateIsBounded: a long message gives a template of at most maxTemplateBytes (and an
// ellipsis), and the set of templates stops at its cap and counts the rest.
func TestTemplateIsBounded(t *testing.T) {
	var tp templater
	long := strings.Repeat("word ", 1000)
	if got := tp.Template([]byte(long)); len(got) > maxTemplateBytes+len("…") || !strings.HasSuffix(string(got), "…") {
		t.Errorf("template of a long message: %d bytes", len(got))
	}
	s := newTemplateSet(3, memoSlots)
	for i, m := range []string{"a", "b", "c", "d", "e", "a", "a"} {
		s.add(&tp, []byte(m), time.Unix(int64(i), 0))
	}
	list := s.list(true)
	if len(list) != 3 || list[0].Template != "a" || list[0].Count != 3 || s.other != 2 ||
		!list[0].FirstSeen.Equal(time.Unix(0, 0)) || !list[0].LastSeen.Equal(time.Unix(6, 0)) {
		t.Errorf("%+v, other %d", list, s.other)
	}
}

// BenchmarkTemplate is the cost of templating one message the parser did not recognise.
func BenchmarkTemplate(b *testing.B) {
	msgs := [][]byte{
		[]byte("Received RADIUS Access-Request from 10.20.1.11:51433 id=119"),
		[]byte("Sending RADIUS Access-Accept to 172.16.8.20:60123 id=56"),
		[]byte("Sending authentication request to the Azure MFA service"),
		[]byte("Client attributes: NAS-Identifier=vpn01|NAS-Port-Type=Virtual|Service-Type=Login"),
	}
	var tp templater
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tp.Template(msgs[i%len(msgs)])
	}
}

// BenchmarkTemplateSet is the cost of counting one unrecognised line of a RADIUS log, memo
// and lookup included: the messages the parser does not recognise in a generated RADIUS log,
// in about its proportions, half of them with an address, a port and an id that vary.
func BenchmarkTemplateSet(b *testing.B) {
	rnd := rand.New(rand.NewPCG(1, 2))
	addr := func() string {
		return fmt.Sprintf("10.20.%d.%d:%d id=%d", rnd.IntN(4), rnd.IntN(40), 1024+rnd.IntN(64000), rnd.IntN(256))
	}
	msgs := make([][]byte, 4096)
	for k := range msgs {
		var m string
		switch n := rnd.IntN(100); {
		case n < 30:
			m = "Received RADIUS Access-Request from " + addr()
		case n < 53:
			m = "Sending RADIUS Access-Accept to " + addr()
		case n < 58:
			m = "Sending RADIUS Access-Reject to " + addr()
		case n < 64:
			m = fmt.Sprintf("Checking RADIUS client 10.20.%d.%d shared secret", rnd.IntN(4), rnd.IntN(40))
		case n < 68:
			m = fmt.Sprintf("Client attributes: NAS-Identifier=vpn%02d|NAS-Port-Type=Virtual|Service-Type=Login", rnd.IntN(4))
		case n < 71:
			m = fmt.Sprintf("Loaded %d RADIUS clients from configuration", 2+rnd.IntN(3))
		case n < 72:
			m = "Calling ldapBind('CN=svc-mfa,OU=Service,DC=contoso,DC=com')"
		case n < 73:
			m = fmt.Sprintf("authentication cache holds %d entries", rnd.IntN(5000))
		case n < 74:
			m = "***** ERROR ***** Timed out waiting for a response from the Azure MFA service"
		case n < 89:
			m = "Sending authentication request to the Azure MFA service"
		default:
			m = "Request to the Azure MFA service completed"
		}
		msgs[k] = []byte(m)
	}
	var tp templater
	s := newTemplateSet(maxTemplates, memoSlots)
	t := time.Unix(0, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.add(&tp, msgs[i%len(msgs)], t)
	}
}

// TestTemplateMemo: a repeated message is counted from the memo under its template, and a
// message whose slot another took is templated again; the counts are those without a memo.
func TestTemplateMemo(t *testing.T) {
	var tp templater
	s := newTemplateSet(100, 64) // a small memo: slots are taken over often
	msgs := []string{"Request completed", "Loaded 12 clients", "Loaded 13 clients", "Request completed", "Loaded 12 clients"}
	for i := 0; i < 2000; i++ {
		m := msgs[i%len(msgs)]
		if i%7 == 0 {
			m = "unique " + strings.Repeat("x", i%50) + " id=" + itoa(int64(i))
		}
		s.add(&tp, []byte(m), time.Unix(int64(i), 0))
	}
	want := map[string]int64{}
	for i := 0; i < 2000; i++ {
		m := msgs[i%len(msgs)]
		if i%7 == 0 {
			m = "unique " + strings.Repeat("x", i%50) + " id=" + itoa(int64(i))
		}
		want[string(tp.Template([]byte(m)))]++
	}
	got := map[string]int64{}
	for _, e := range s.list(false) {
		got[e.Template] = e.Count
	}
	if len(got) != len(want) {
		t.Fatalf("%d templates, want %d", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%q: %d, want %d", k, got[k], n)
		}
	}
}

// TestTemplatesMaskWhatIdentifies: phone numbers in their usual spellings, zoned IPv6
// addresses, LDAP distinguished names and the name after the word user leave no trace in the
// template or in the example; under --anonymize neither do host names with digits. What is
// not a phone number (times, dates, IPv4 addresses, short codes) keeps its shape.
func TestTemplatesMaskWhatIdentifies(t *testing.T) {
	for _, c := range []struct {
		msg, template, example string
		hosts                  bool     // as under --anonymize
		secrets                []string // in neither the template nor the example
	}{
		{msg: "Calling +1 425 555 0100 for authentication", template: "Calling <phone> for authentication",
			example: "Calling <phone> for authentication", secrets: []string{"425", "555", "0100"}},
		{msg: "Calling 4255550100 for authentication", template: "Calling <n> for authentication",
			example: "Calling <n> for authentication", secrets: []string{"4255550100"}},
		{msg: "SMS to +44 20 7946 0958 failed", template: "SMS to <phone> failed", example: "SMS to <phone> failed",
			secrets: []string{"7946", "0958"}},
		{msg: "Phone (425) 555-0100 unreachable", template: "Phone <phone> unreachable", example: "Phone <phone> unreachable",
			secrets: []string{"425", "555", "0100"}},
		{msg: "Dialing 1-425-555-0100.", template: "Dialing <phone>.", example: "Dialing <phone>.", secrets: []string{"425", "0100"}},
		{msg: "Calling +15551234567 at 08:01:02.123", template: "Calling <phone> at <n>:<n>:<n>.<n>",
			example: "Calling <phone> at 08:01:02.123", secrets: []string{"5551234567"}},
		{msg: "Request from fe80::1%eth0 refused", template: "Request from <ip> refused", example: "Request from fe80::x refused",
			secrets: []string{"eth0", "%"}},
		{msg: "Request from [fe80::a00:27ff:fe4e:66a1%12]:443 refused", template: "Request from <ip> refused",
			example: "Request from fe80::x refused", secrets: []string{"27ff", "66a1", "%12"}},
		{msg: "LDAP bind as CN=John Smith,OU=Staff,DC=contoso,DC=com failed", template: "LDAP bind as <dn> failed",
			example: "LDAP bind as <dn> failed", secrets: []string{"John", "Smith", "Staff", "contoso"}},
		{msg: "Group cn=mfa-users,ou=Groups,dc=corp,dc=example,dc=com not found", template: "Group <dn> not found",
			example: "Group <dn> not found", secrets: []string{"mfa-users", "corp", "example"}},
		{msg: "Authentication failed for user jdoe: account locked", template: "Authentication failed for user <user>: account locked",
			example: "Authentication failed for user <user>: account locked", secrets: []string{"jdoe"}},
		{msg: "User jsmith2 is not in the MFA group", template: "User <user> is not in the MFA group",
			example: "User <user> is not in the MFA group", secrets: []string{"jsmith"}},
		{msg: "Lookup of username=mallory returned nothing", template: "Lookup of username=<user> returned nothing",
			example: "Lookup of username=<user> returned nothing", secrets: []string{"mallory"}},
		{msg: "User is Blocked", template: "User is Blocked", example: "User is Blocked"},
		{msg: "Loaded 12 users from 3 user groups", template: "Loaded <n> users from <n> user groups",
			example: "Loaded 12 users from 3 user groups"},
		{msg: "RADIUS client VPN-GW01.corp.example.com timed out", template: "RADIUS client <host> timed out",
			example: "RADIUS client <host> timed out", hosts: true, secrets: []string{"VPN-GW", "corp", "example"}},
		{msg: "RADIUS client VPN-GW01.corp.example.com timed out", template: "RADIUS client VPN-GW<n>.corp.example.com timed out",
			example: "RADIUS client VPN-GW01.corp.example.com timed out"},
		{msg: "Received RADIUS Access-Request from 10.20.1.11:51433 id=119 on 2026-11-23", hosts: true,
			template: "Received RADIUS Access-Request from <ip> id=<n> on <n>-<n>-<n>",
			example:  "Received RADIUS Access-Request from 10.20.x.x id=119 on 2026-11-23"},
		{msg: "version 8.1.2.1 of pfsvc2, code 101", template: "version <ip> of pfsvc<n>, code <n>", example: "version 8.1.x.x of pfsvc2, code 101"},
	} {
		tp := templater{maskHosts: c.hosts}
		tmpl := string(tp.Template([]byte(c.msg)))
		ex := tp.Example([]byte(c.msg))
		if tmpl != c.template || ex != c.example {
			t.Errorf("%q (hosts %t):\n template %q\n     want %q\n  example %q\n     want %q", c.msg, c.hosts, tmpl, c.template, ex, c.example)
		}
		for _, s := range c.secrets {
			if strings.Contains(tmpl, s) || strings.Contains(ex, s) {
				t.Errorf("%q: %q left in %q or %q", c.msg, s, tmpl, ex)
			}
		}
	}
}
