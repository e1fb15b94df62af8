package loggen

import (
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// serviceArrival starts a request as the main service logs it: sometimes a primary auth
// line first (or a primary failure or "not performed", and nothing more), then the Pfauth
// line once the person answered, with an OATH validation line before it for OATH codes.
func (g *generator) serviceArrival(due int64, f *flow) {
	f.p = g.procs[0]
	f.tid = g.anyThread(f.p)
	primary := false
	if !f.repeat {
		switch r := g.rng.IntN(100); {
		case r < 3:
			g.notPerformed(due, f)
			return
		case r < 5:
			g.primaryAuth(due, f, false)
			return
		case r < 50:
			primary = true
		}
	}
	g.prepare(due, f)
	if primary && !g.primaryAuth(due, f, true) {
		return
	}
	f.start = max(due, g.now)
	f.step = 2
	if st, _ := logparse.LookupCode(f.code); st.Method == logparse.MethodOATHToken {
		f.step = 1
	}
	g.schedule(f.start+f.answer, evStep, f)
}

func (g *generator) serviceStep(due int64, f *flow) {
	st, _ := logparse.LookupCode(f.code)
	switch f.step {
	case 1: // validate_oath_code, just before the Pfauth line
		t, ok := g.line(due, "")
		if !ok {
			return
		}
		g.startLine(t, g.level, f.p.pid, f.tid, false)
		g.lw.str("validate_oath_code: user ")
		g.lw.str(f.name)
		g.lw.str(" updated authentication result. authResult = ")
		g.lw.num(max(f.authResult, 0))
		g.lw.str(", callStatus = ")
		g.lw.str(st.Description)
		g.lw.end()
		g.tr.oath[st.Code]++
		f.step = 2
		g.schedule(t+g.between(100*time.Microsecond, 5*time.Millisecond), evStep, f)
	case 2:
		t, ok := g.line(due, f.name)
		if !ok {
			return
		}
		succeeded := f.authResult == 1 || st.Default == logparse.ResultPending ||
			(f.authResult < 0 && st.Default == logparse.ResultSuccess)
		g.startLine(t, g.level, f.p.pid, f.tid, true)
		if succeeded {
			g.lw.str("Pfauth succeeded for user '")
		} else {
			g.lw.str("Pfauth failed for user '")
		}
		g.lw.str(f.name)
		g.lw.str("'")
		if f.dn {
			g.lw.str(" (distinguishedName format)")
		}
		client := ""
		switch r := f.packetID % 10; {
		case r < 7:
			client = peers[f.peer]
		case r < 8:
			client = "2001:db8:10::25"
		}
		if client != "" {
			g.lw.str(" from ")
			g.lw.str(client)
		}
		g.lw.str(". Call status: ")
		g.lw.str(st.Constant)
		g.lw.str(` - "`)
		g.lw.str(st.Description)
		g.lw.str(`".`)
		g.lw.end()
		g.tr.pfauth(f.name, client, f.code, succeeded, t)
	}
}

func (g *generator) notPerformed(due int64, f *flow) {
	t, ok := g.line(due, "")
	if !ok {
		return
	}
	g.startLine(t, g.level, f.p.pid, f.tid, false)
	g.lw.str("Pfauth not performed for user '")
	g.lw.str(f.name)
	g.lw.str("' from ")
	client := peers[g.rng.IntN(len(peers))]
	g.lw.str(client)
	g.lw.end()
	g.tr.notPerformedLine(f.name, client, t)
}

func (g *generator) primaryAuth(due int64, f *flow, succeeded bool) bool {
	t, ok := g.line(due, "")
	if !ok {
		return false
	}
	g.startLine(t, g.level, f.p.pid, f.tid, false)
	res := logparse.ResultFailure
	if succeeded {
		res = logparse.ResultSuccess
		g.lw.str("Primary auth succeeded for user '")
	} else {
		g.lw.str("Primary auth failed for user '")
	}
	g.lw.str(f.name)
	g.lw.str("'")
	g.lw.end()
	g.tr.primary[res]++
	return true
}
