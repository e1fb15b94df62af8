package loggen

import (
	"io"
	"math/rand/v2"
	"time"

	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// Generate writes cfg.Lines lines of the log cfg.Kind to w, one Write per line, and returns
// the metric values the exporter must report after reading them all. The same Config gives
// the same bytes and values.
func Generate(w io.Writer, cfg Config) (Expected, error) {
	want, _, err := GenerateTruth(w, cfg)
	return want, err
}

// GenerateTruth is Generate that also returns what `azuremfa_exporter report` must show for
// the log: per user, per client and per minute.
func GenerateTruth(w io.Writer, cfg Config) (Expected, *Truth, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	g := newGenerator(w, cfg)
	for g.written < cfg.Lines && g.lw.err == nil {
		g.run(g.q.pop())
	}
	return g.tr.expected(), g.tr.truth.result(string(cfg.Kind)), g.lw.err
}

// proc is one process of the service, with its threads.
type proc struct {
	pid   uint32
	alive bool
	free  []uint32        // threads with nothing open
	tids  []uint32        // every thread it has used
	known map[uint32]bool // tids, for drawing new ones
}

// flow is one authentication as the generator plays it out, line by line.
type flow struct {
	p          *proc
	tid        uint32
	name       string // the user as written
	code       int
	authResult int // -1: no authResult line
	answer     int64
	abandon    bool
	repeat     bool // a repeat or a follow-up: spawns no repeat of its own
	step       uint8
	start      int64
	peer       int // index into peers
	packetID   int
	dn         bool // Pfauth names the user by DN
}

type generator struct {
	cfg   Config
	rng   *rand.Rand
	lw    lineWriter
	tr    *tracker
	q     eventQueue
	seq   uint64
	now   int64 // µs of log time; never goes back
	users []user

	written     int
	level       string // the level of ordinary lines
	service     bool   // service or syslog: Pfauth flows instead of calls
	codes       *codeTable
	interactive *codeTable // for repeats that prompt again
	procs       []*proc
	pids        map[uint32]bool // every pid used so far
	guid        [36]byte
	timeout     int64
	nudges      int     // lines moved off a rule's boundary
	arrivalGap  float64 // mean µs between requests
	noiseGap    float64 // mean µs between noise lines
}

func newGenerator(w io.Writer, cfg Config) *generator {
	g := &generator{
		cfg:     cfg,
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		now:     cfg.Start.UnixMicro(),
		timeout: cfg.Timeout.Microseconds(),
		pids:    map[uint32]bool{},
	}
	g.lw = lineWriter{w: w, crlf: cfg.CRLF, host: "mfa01"}
	g.tr = newTracker(string(cfg.Kind), cfg.Timeout, cfg.Window)
	g.users = newUsers(g.rng, cfg.Users)
	g.arrivalGap = 1e6 / cfg.RequestRate
	g.noiseGap = g.arrivalGap
	nprocs := 1
	switch cfg.Kind {
	case KindRadius:
		g.lw.tag, g.level = "pfrad", "0"
	case KindIIS:
		g.lw.tag, g.level = "pfisapi", "i"
		nprocs = 2 // IIS runs a web garden of worker processes
	case KindService, KindSyslog:
		g.lw.tag, g.level = "pfsvc", "i"
		g.lw.syslog = cfg.Kind == KindSyslog
		g.service = true
		g.noiseGap = g.arrivalGap * 2
	}
	var keep func(int) bool
	if g.service {
		keep = hasConstant
	}
	g.codes = newCodeTable(firstCodes, keep)
	g.interactive = newCodeTable(firstCodes, func(c int) bool {
		st, _ := logparse.LookupCode(c)
		return st.Method.Interactive() && st.Default != logparse.ResultPending && (keep == nil || keep(c))
	})
	for range nprocs {
		g.procs = append(g.procs, g.newProc())
	}
	g.schedule(g.now, evArrival, nil)
	g.schedule(g.now+g.expGap(g.noiseGap), evNoise, nil)
	g.schedule(g.now+g.expGap(2*86400e6), evRestart, nil)
	return g
}

func (g *generator) schedule(t int64, typ evType, f *flow) {
	g.seq++
	g.q.push(event{t: t, seq: g.seq, typ: typ, f: f})
}

// expGap draws an exponential gap with the given mean in µs (a Poisson process).
func (g *generator) expGap(mean float64) int64 { return int64(g.rng.ExpFloat64()*mean) + 1 }

// between draws a duration in [lo, hi) as µs.
func (g *generator) between(lo, hi time.Duration) int64 {
	return lo.Microseconds() + g.rng.Int64N((hi - lo).Microseconds())
}

func (g *generator) run(ev event) {
	switch ev.typ {
	case evArrival:
		f := ev.f
		if f == nil { // a fresh request: the Poisson process goes on
			g.schedule(ev.t+g.expGap(g.arrivalGap), evArrival, nil)
			f = g.newFlow()
		}
		if g.service {
			g.serviceArrival(ev.t, f)
		} else {
			g.callArrival(ev.t, f)
		}
	case evStep:
		if !ev.f.p.alive {
			return // the process died under it: the open call is abandoned by timeout
		}
		if g.service {
			g.serviceStep(ev.t, ev.f)
		} else {
			g.callStep(ev.t, ev.f)
		}
	case evNoise:
		g.schedule(ev.t+g.expGap(g.noiseGap), evNoise, nil)
		g.noise(ev.t)
	case evFree:
		if ev.f.p.alive {
			ev.f.p.free = append(ev.f.p.free, ev.f.tid)
		}
	case evRestart:
		g.schedule(ev.t+g.expGap(2*86400e6), evRestart, nil)
		g.restart(ev.t)
	}
}

// newFlow draws a first request: who, how it will end, whether it is never answered.
func (g *generator) newFlow() *flow {
	u := pick(g.rng, g.users)
	f := &flow{code: g.codes.draw(g.rng)}
	switch r := g.rng.IntN(100); {
	case g.cfg.Kind == KindIIS && r < 60, g.cfg.Kind == KindRadius && r < 10,
		g.service && r < 30:
		f.name = u.upn
	case g.service && r < 40:
		f.name, f.dn = u.dn, true
	default:
		f.name = u.sam
	}
	f.abandon = g.cfg.AbandonRate > 0 && g.rng.Float64() < g.cfg.AbandonRate
	return f
}

// prepare fixes what a flow needs when it starts: the answer, the thread, and the repeats
// it causes: a second request of the same user seconds later (the "twice MFA" of VPN
// clients), and the second round of a text or OATH code that was sent (pending).
func (g *generator) prepare(t int64, f *flow) {
	f.answer = answerTime(g.rng, f.code).Microseconds()
	f.authResult = authResultFor(g.rng, f.code)
	if g.rng.IntN(50) == 0 {
		f.authResult = -1 // some builds write rawCallStatus alone
	}
	f.peer = g.rng.IntN(len(peers))
	f.packetID = g.rng.IntN(256)
	if f.repeat || f.abandon {
		return
	}
	if g.cfg.DuplicateRate > 0 && g.rng.Float64() < g.cfg.DuplicateRate {
		r := &flow{name: f.name, dn: f.dn, repeat: true}
		if g.rng.IntN(10) == 0 {
			r.name = caseVariant(g.rng, r.name)
		}
		switch x := g.rng.IntN(100); {
		case x < 40:
			r.code = []int{6, 8, 9}[g.rng.IntN(3)]
		case x < 75:
			r.code = g.interactive.draw(g.rng)
		default:
			r.code = 101
		}
		g.schedule(t+g.between(time.Second, 12*time.Second), evArrival, r)
	}
	if st, _ := logparse.LookupCode(f.code); st.Default == logparse.ResultPending {
		r := &flow{name: f.name, dn: f.dn, repeat: true}
		ok := g.rng.IntN(5) != 0
		switch {
		case st.Method == logparse.MethodTextMessage && ok:
			r.code = 19
		case st.Method == logparse.MethodTextMessage:
			r.code = 122
		case st.Method == logparse.MethodOATHToken && ok:
			r.code = 23
		case st.Method == logparse.MethodOATHToken:
			r.code = 138
		default:
			return
		}
		g.schedule(t+f.answer+g.between(10*time.Second, 45*time.Second), evArrival, r)
	}
}

// line decides the time of a line due at t and writes a malformed line before it when one
// is due. It returns false when the line count is reached.
func (g *generator) line(t int64, requestUser string) (int64, bool) {
	if g.cfg.Malformed > 0 && g.rng.Float64() < g.cfg.Malformed {
		g.malformed()
		if g.written >= g.cfg.Lines {
			return 0, false
		}
	}
	t = max(t, g.now)
	for g.tr.onBoundary(t) || (requestUser != "" && g.tr.onWindowEdge(requestUser, t)) {
		t++
		g.nudges++
	}
	g.now = t
	g.written++
	return t, true
}

// startLine begins a well-formed line at t and counts it.
func (g *generator) startLine(t int64, level string, pid, tid uint32, guid bool) {
	var id []byte
	if guid {
		id = g.newGUID()
	}
	g.lw.start(t, level, pid, tid, id)
	if g.lw.syslog {
		level = ""
	}
	g.tr.entry(t, level)
}

func (g *generator) newGUID() []byte {
	const hex = "0123456789abcdef"
	a, b := g.rng.Uint64(), g.rng.Uint64()
	j := 0
	for i := range g.guid {
		switch i {
		case 8, 13, 18, 23:
			g.guid[i] = '-'
			continue
		}
		var nib uint64
		if j < 16 {
			nib = a >> (4 * j) & 0xf
		} else {
			nib = b >> (4 * (j - 16)) & 0xf
		}
		g.guid[i] = hex[nib]
		j++
	}
	return g.guid[:]
}

// newProc starts a process under a pid no process of this log had before, so that a
// thread key never names two processes' threads.
func (g *generator) newProc() *proc {
	p := &proc{alive: true, known: map[uint32]bool{}}
	for {
		p.pid = uint32(1000 + g.rng.IntN(30000))
		if !g.pids[p.pid] {
			g.pids[p.pid] = true
			return p
		}
	}
}

// takeThread gives a thread of p with nothing open (or with a call that will never be
// answered: the new call then abandons it), starting a new one when all are busy.
func (g *generator) takeThread(p *proc) uint32 {
	if n := len(p.free); n > 0 {
		i := g.rng.IntN(n)
		tid := p.free[i]
		p.free[i] = p.free[n-1]
		p.free = p.free[:n-1]
		return tid
	}
	return g.newThread(p)
}

func (g *generator) newThread(p *proc) uint32 {
	for {
		tid := uint32(1000 + g.rng.IntN(30000))
		if !p.known[tid] {
			p.known[tid] = true
			p.tids = append(p.tids, tid)
			return tid
		}
	}
}

// anyThread is a thread of p for a line that belongs to no flow (and for every line of
// the main service, whose lines are not tied together by thread): one of a few dozen.
func (g *generator) anyThread(p *proc) uint32 {
	if len(p.tids) < 8 || (len(p.tids) < 48 && g.rng.IntN(50) == 0) {
		return g.newThread(p)
	}
	return p.tids[g.rng.IntN(len(p.tids))]
}

func (g *generator) aliveProc() *proc { return g.procs[g.rng.IntN(len(g.procs))] }

// restart replaces one process by a new one, as a service restart does. The calls open on
// the old one never get their results.
func (g *generator) restart(due int64) {
	t, ok := g.line(due, "")
	if !ok {
		return
	}
	i := g.rng.IntN(len(g.procs))
	g.procs[i].alive = false
	p := g.newProc()
	g.procs[i] = p
	g.startLine(t, g.level, p.pid, g.anyThread(p), false)
	g.lw.str("Multi-Factor Authentication Server service started, version 8.1.2.1")
	g.lw.end()
}

var peers = []string{"10.20.1.11:51433", "10.20.1.12:50112", "10.20.1.13:1645", "10.30.4.2:42001",
	"192.168.50.5:1812", "172.16.8.20:60123"}

// callArrival starts a RADIUS or IIS request: the request line, then the pfAuthUser call.
func (g *generator) callArrival(due int64, f *flow) {
	f.p = g.aliveProc()
	f.tid = g.takeThread(f.p)
	g.prepare(due, f)
	t, ok := g.line(due, "")
	if !ok {
		return
	}
	g.startLine(t, g.level, f.p.pid, f.tid, false)
	if g.cfg.Kind == KindIIS {
		g.lw.str("Received authentication request for https://portal.contoso.com/owa/ from ")
	} else {
		g.lw.str("Received RADIUS Access-Request from ")
	}
	g.lw.str(peers[f.peer])
	g.lw.str(" id=")
	g.lw.num(f.packetID)
	g.lw.end()
	f.step = 1
	g.schedule(t+g.between(200*time.Microsecond, 3*time.Millisecond), evStep, f)
}

func (g *generator) callStep(due int64, f *flow) {
	thread := uint64(f.p.pid)<<32 | uint64(f.tid)
	switch f.step {
	case 1: // the call
		t, ok := g.line(due, f.name)
		if !ok {
			return
		}
		g.startLine(t, g.level, f.p.pid, f.tid, false)
		g.lw.str("Calling pfAuthUser('")
		g.lw.str(f.name)
		g.lw.str("', '', 1)")
		g.lw.end()
		g.tr.call(thread, f.name, t)
		f.start = t
		if f.abandon {
			// Nobody answers. Half the time the thread is taken by the next request at
			// once (a new call on the thread abandons this one), else after the timeout.
			if g.rng.IntN(2) == 0 {
				f.p.free = append(f.p.free, f.tid)
			} else {
				g.schedule(t+g.timeout+g.between(time.Second, 2*time.Minute), evFree, f)
			}
			return
		}
		if g.rng.IntN(2) == 0 {
			f.step = 2
			g.schedule(min(t+g.between(5*time.Millisecond, 80*time.Millisecond), f.start+f.answer), evStep, f)
		} else {
			f.step = 3
			g.schedule(f.start+f.answer, evStep, f)
		}
	case 2: // the request to the cloud, with its request id
		t, ok := g.line(due, "")
		if !ok {
			return
		}
		g.startLine(t, g.level, f.p.pid, f.tid, true)
		g.lw.str("Sending authentication request to the Azure MFA service")
		g.lw.end()
		f.step = 3
		g.schedule(f.start+f.answer, evStep, f)
	case 3: // the answer: authResult, unless this build writes none
		if f.authResult < 0 {
			f.step = 4
			g.callStep(due, f)
			return
		}
		t, ok := g.line(due, "")
		if !ok {
			return
		}
		g.startLine(t, g.level, f.p.pid, f.tid, false)
		g.lw.str("authResult = ")
		g.lw.num(f.authResult)
		g.lw.end()
		g.tr.authResult(thread, f.authResult)
		f.step = 4
		next := t
		if g.rng.IntN(2) == 0 {
			next += g.between(10*time.Microsecond, 2*time.Millisecond)
		}
		g.schedule(next, evStep, f)
	case 4: // rawCallStatus completes the call
		t, ok := g.line(due, "")
		if !ok {
			return
		}
		g.startLine(t, g.level, f.p.pid, f.tid, false)
		g.lw.str("rawCallStatus = ")
		g.lw.num(f.code)
		g.lw.end()
		g.tr.rawCallStatus(thread, f.code, t)
		f.step = 5
		g.schedule(t+g.between(100*time.Microsecond, time.Millisecond), evStep, f)
	case 5: // the answer to the client; the thread is free again
		t, ok := g.line(due, "")
		if !ok {
			return
		}
		g.startLine(t, g.level, f.p.pid, f.tid, false)
		st, _ := logparse.LookupCode(f.code)
		reply := "Access-Reject"
		switch {
		case st.Default == logparse.ResultPending:
			reply = "Access-Challenge"
		case f.authResult == 1 || (f.authResult < 0 && st.Default == logparse.ResultSuccess):
			reply = "Access-Accept"
		}
		if g.cfg.Kind == KindIIS {
			g.lw.str("Sending ")
			g.lw.str(reply)
			g.lw.str(" response to ")
		} else {
			g.lw.str("Sending RADIUS ")
			g.lw.str(reply)
			g.lw.str(" to ")
		}
		g.lw.str(peers[f.peer])
		g.lw.str(" id=")
		g.lw.num(f.packetID)
		g.lw.end()
		f.p.free = append(f.p.free, f.tid)
	}
}
