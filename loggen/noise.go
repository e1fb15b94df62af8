package loggen

import (
	"strconv"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// noiseLine is a line about no authentication. Some start like a known shape and are not
// one: a parser that matches on the first word alone counts them wrongly.
type noiseLine struct {
	weight int
	level  string // "" = the log's ordinary level
	guid   bool
	text   string
}

var callNoise = []noiseLine{
	{30, "", true, "Request to the Azure MFA service completed"},
	{20, "", false, "Checking RADIUS client 10.20.1.11 shared secret"},
	{15, "", false, "Client attributes: NAS-Identifier=vpn01|NAS-Port-Type=Virtual|Service-Type=Login"},
	{10, "", false, "Loaded 12 RADIUS clients from configuration"},
	{5, "", false, "Calling ldapBind('CN=svc-mfa,OU=Service,DC=contoso,DC=com')"},
	{5, "", false, "authentication cache holds 118 entries"},
	{3, "", false, "rawCallStatus unavailable for this request"},
	{4, "e", false, "***** ERROR ***** Timed out waiting for a response from the Azure MFA service"},
	{2, "e", false, "Error determining the current master Multi-Factor Authentication Server"},
}

var serviceNoise = []noiseLine{
	{30, "", true, "Received authentication request from the RADIUS service"},
	{20, "", false, "Replication: this server is the master of its group"},
	{10, "", false, "Unhandled SB message type 17"},
	{4, "", false, "Primary authentication method is Windows Domain"},
	{3, "", false, "Pfauth request queued for the Azure MFA service"},
	{2, "", false, "validate_oath_code: no token assigned to this user"},
	{4, "e", false, "***** ERROR ***** Error sending email to NewUser@contoso.com: Access to the path '\\\\FileShare\\public\\MFA-Guide.pdf' is denied."},
	{2, "e", false, "Error determining the current master Multi-Factor Authentication Server"},
}

// auditShare is the weight, beside serviceNoise, of an administrator's change.
const auditShare = 6

func (g *generator) noise(due int64) {
	table := callNoise
	if g.service {
		table = serviceNoise
	}
	total := 0
	for _, n := range table {
		total += n.weight
	}
	if g.service {
		total += auditShare
	}
	x := g.rng.IntN(total)
	p := g.aliveProc()
	t, ok := g.line(due, "")
	if !ok {
		return
	}
	for _, n := range table {
		if x < n.weight {
			level := n.level
			if level == "" {
				level = g.level
			}
			g.startLine(t, level, p.pid, g.anyThread(p), n.guid)
			g.lw.str(n.text)
			g.lw.end()
			return
		}
		x -= n.weight
	}
	g.audit(t, p)
}

// audit writes one of the three changes an administrator makes to user records.
func (g *generator) audit(t int64, p *proc) {
	g.startLine(t, g.level, p.pid, g.anyThread(p), false)
	target := pick(g.rng, g.users).sam
	g.lw.str(`User "admin.`)
	g.lw.str(givenNames[g.rng.IntN(3)])
	switch g.rng.IntN(10) {
	case 0:
		g.lw.str(`" added new user "`)
		g.lw.str(target)
		g.lw.str(`"`)
		g.tr.admin[logparse.AuditAdded]++
	case 1:
		g.lw.str(`" deleted user record "`)
		g.lw.str(target)
		g.lw.str(`"`)
		g.tr.admin[logparse.AuditDeleted]++
	default:
		g.lw.str(`" changed user "`)
		g.lw.str(target)
		g.lw.str(`" value `)
		switch g.rng.IntN(3) {
		case 0:
			g.lw.str(`Phone from "+1 555 0100" to "+1 555 0199".`)
		case 1:
			g.lw.str(`Method from "Phone Call" to "Mobile App".`)
		default:
			g.lw.str(`Enabled from "True" to "False".`)
		}
		g.tr.admin[logparse.AuditChanged]++
	}
	g.lw.end()
}

// malformed writes a line without the layout at the current time: a stack-trace line of a
// multi-line exception, a line cut short, garbage from a partial write.
func (g *generator) malformed() {
	g.written++
	g.tr.malformedLine()
	lw := &g.lw
	lw.buf = lw.buf[:0]
	switch r := g.rng.IntN(4); {
	case r == 0 && !lw.syslog:
		lw.buf = lw.appendTime(lw.buf, g.now)
		lw.buf = append(lw.buf, "Z|"...)
		lw.buf = append(lw.buf, g.level...)
		lw.buf = append(lw.buf, '|')
		lw.buf = strconv.AppendUint(lw.buf, uint64(g.procs[0].pid), 10)
	case r == 1:
		lw.buf = lw.appendTime(lw.buf, g.now)
		lw.buf = lw.buf[:13]
	case r == 2:
		lw.buf = append(lw.buf, "#### partial write ####"...)
	default:
		lw.buf = append(lw.buf, "   at PhoneFactor.Service.Authenticate(Request request)"...)
	}
	lw.end()
}
