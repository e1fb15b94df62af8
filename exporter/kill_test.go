package exporter

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/azuremfa/azuremfa_exporter/exporter/follow"
)

// TestKill runs the real exporter binary on a log that is appended to and rolled over
// (rename style, every old file kept), SIGKILLs it at random moments, rolls the log over
// while it is down, restarts it, many rounds. Every run's count of lines
// (azuremfa_exporter_log_lines_total, scraped once it has caught up) is checked against the
// numbered lines the writer wrote:
//
//   - nothing is lost: run i+1 counts exactly the lines written after the position the
//     positions file held when run i was killed, across every generation written since;
//   - what is counted twice is bounded by what came after the last save: the lines run i
//     had consumed past that saved position, and nothing more;
//   - a saved position never moves back.
//
// KILLTEST_ROUNDS sets the number of rounds (default 12, a few seconds); -short skips it.
func TestKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL and rename-while-open as on Unix")
	}
	rounds := 12
	if s := os.Getenv("KILLTEST_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("KILLTEST_ROUNDS=%q: want a positive number", s)
		}
		rounds = n
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("KILLTEST_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("KILLTEST_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	bin := buildExporter(t)
	dir := t.TempDir()
	w := &killWriter{t: t, path: filepath.Join(dir, "MultiFactorAuthRadiusSvc.log"), rng: rng}
	w.create()
	positions := filepath.Join(dir, "positions.json")

	start := 0 // line index where the next run starts: the saved position
	var dupTotal, dupMax, rollovers int
	for round := range rounds {
		mode := "--tail.poll"
		if round%3 == 2 {
			mode = "--no-tail.poll"
		}
		x := startBinary(t, bin, "--mfa.radius-log="+w.path, "--tail.positions-file="+positions, "--tail.from-start",
			"--tail.poll-interval=10ms", mode)
		if round == 0 {
			// Without a saved position, files rolled over before it starts are history, never
			// read: let the first run open the log before the writer starts.
			x.waitOpen(t)
		}
		// Written while it runs (while it resumes, too): lines in random bursts, rollovers,
		// pauses.
		for range 2 + rng.IntN(8) {
			w.lines(1 + rng.IntN(200))
			if rng.IntN(4) == 0 {
				w.rollover()
				rollovers++
			}
			time.Sleep(time.Duration(rng.IntN(20)) * time.Millisecond)
		}
		// Once it has caught up, its count must be exactly the lines after the saved position.
		// A last line written once it has counted them all is read after anything it could
		// still count twice, so the count is then final.
		want := w.count() - start
		got := x.waitCount(t, want)
		if got == want {
			w.lines(1)
			want++
			got = x.waitCount(t, want)
		}
		if got != want {
			x.dump()
			w.describe()
			t.Fatalf("round %d: the run counted %d lines, want %d (written %d, resumed at line %d): %s\n%s",
				round, got, want, w.count(), start, map[bool]string{true: "lines counted twice beyond the saved position", false: "lines lost"}[got > want], x.logs())
		}
		// Killed at a random moment: at once (before a checkpoint's save, maybe), or later.
		time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		consumed := w.count()
		x.kill()
		saved := w.lineOf(t, positions)
		if saved < start {
			t.Fatalf("round %d: the saved position moved back from line %d to line %d", round, start, saved)
		}
		dup := consumed - saved // counted by this run, and again by the next
		dupTotal += dup
		dupMax = max(dupMax, dup)
		start = saved
		// Written while it is down, with rollovers.
		for range rng.IntN(3) {
			w.lines(rng.IntN(50))
			w.rollover()
			rollovers++
		}
		w.lines(rng.IntN(50))
	}
	// A last run reads what the last kill left, and no more.
	x := startBinary(t, bin, "--mfa.radius-log="+w.path, "--tail.positions-file="+positions, "--tail.poll-interval=10ms", "--tail.poll")
	want := w.count() - start
	if got := x.waitCount(t, want); got == want {
		w.lines(1)
		want++
	}
	if got := x.waitCount(t, want); got != want {
		t.Errorf("last run counted %d lines, want %d", got, want)
	}
	x.kill()
	t.Logf("kill test: %d rounds, %d lines in %d files (%d rollovers), lost 0, counted twice %d (at most %d at one crash: always exactly the lines consumed after the last save)",
		rounds, w.count(), len(w.gens), rollovers, dupTotal, dupMax)
}

// buildExporter builds the exporter binary into a temporary folder.
func buildExporter(t *testing.T) string {
	t.Helper()
	// go test puts the bin folder of the Go running it first on PATH.
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building the exporter needs the go command: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "azuremfa_exporter")
	cmd := exec.Command(goBin, "build", "-o", bin, "../cmd/azuremfa_exporter")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// killWriter numbers its lines and remembers, for every file it wrote (a generation), its
// identity and where each line ends, so that a saved position can be turned into the
// number of lines before it.
type killWriter struct {
	t    *testing.T
	path string
	rng  *rand.Rand
	f    *os.File
	gens []*killGen
	n    int // lines written
}

type killGen struct {
	id    string
	first int     // number of the first line
	ends  []int64 // ends[k]: offset just past line first+k
	size  int64
}

func (w *killWriter) create() {
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o644)
	if err != nil {
		w.t.Fatal(err)
	}
	id, err := follow.PathIdentity(w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	w.f = f
	w.gens = append(w.gens, &killGen{id: id, first: w.n})
}

func (w *killWriter) count() int { return w.n }

// lines appends k lines to the current file, in one write or, now and then, with a line
// split across two writes.
func (w *killWriter) lines(k int) {
	g := w.gens[len(w.gens)-1]
	var buf []byte
	for range k {
		buf = fmt.Appendf(buf, "2026-11-23T08:00:00.000000Z|0|1412|%d|pfrad|kill test line %d\n", w.n%100000, w.n)
		w.n++
		g.ends = append(g.ends, g.size+int64(len(buf)))
	}
	cut := len(buf)
	if cut > 10 && w.rng.IntN(3) == 0 {
		cut -= 1 + w.rng.IntN(10)
	}
	for _, part := range [][]byte{buf[:cut], buf[cut:]} {
		if _, err := w.f.Write(part); err != nil {
			w.t.Fatal(err)
		}
	}
	g.size += int64(len(buf))
}

// rollover renames the log to .1 (the older ones up by one), writes up to two late lines
// through the old handle, and starts a new file.
func (w *killWriter) rollover() {
	for k := len(w.gens) - 1; k >= 1; k-- {
		if err := os.Rename(fmt.Sprintf("%s.%d", w.path, k), fmt.Sprintf("%s.%d", w.path, k+1)); err != nil {
			w.t.Fatal(err)
		}
	}
	if err := os.Rename(w.path, w.path+".1"); err != nil {
		w.t.Fatal(err)
	}
	w.lines(w.rng.IntN(3))
	if err := w.f.Close(); err != nil {
		w.t.Fatal(err)
	}
	w.create()
}

// describe logs the files of the test and what the writer knows of them.
func (w *killWriter) describe() {
	ents, _ := os.ReadDir(filepath.Dir(w.path))
	for _, e := range ents {
		p := filepath.Join(filepath.Dir(w.path), e.Name())
		id, _ := follow.PathIdentity(p)
		fi, _ := os.Stat(p)
		w.t.Logf("file %s identity %s size %d", e.Name(), id, fi.Size())
	}
	for i, g := range w.gens {
		w.t.Logf("generation %d: identity %s lines %d.. (%d), size %d", i, g.id, g.first, len(g.ends), g.size)
	}
}

// lineOf reads the positions file and returns the number of lines before its position:
// where the next run starts. No file or no entry: 0 (the next run reads from the start).
func (w *killWriter) lineOf(t *testing.T, positions string) int {
	t.Helper()
	ps, _, err := follow.LoadPositions(positions)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := ps[w.path]
	if !ok {
		return 0
	}
	for _, g := range w.gens {
		if g.id != p.Identity {
			continue
		}
		if p.Offset == 0 {
			return g.first
		}
		for k, end := range g.ends {
			if end == p.Offset {
				return g.first + k + 1
			}
		}
		t.Fatalf("saved offset %d is not a line boundary of %s", p.Offset, g.id)
	}
	t.Fatalf("saved identity %s is no file the writer wrote", p.Identity)
	return 0
}

// binary is one run of the exporter binary.
type binary struct {
	cmd  *exec.Cmd
	addr string
	out  *lockedBuffer
	dead bool
}

func startBinary(t *testing.T, bin string, args ...string) *binary {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil { // the port is free again for the exporter
		t.Fatal(err)
	}
	x := &binary{addr: addr, out: &lockedBuffer{}}
	x.cmd = exec.Command(bin, append(args, "--web.listen-address="+addr)...)
	x.cmd.Stdout, x.cmd.Stderr = x.out, x.out
	if err := x.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.kill)
	return x
}

func (x *binary) kill() {
	if x.dead {
		return
	}
	x.dead = true
	_ = x.cmd.Process.Kill() // SIGKILL
	_ = x.cmd.Wait()
}

// dump ends the run with SIGQUIT, so that its goroutines are in its logs.
func (x *binary) dump() {
	if x.dead {
		return
	}
	x.dead = true
	_ = x.cmd.Process.Signal(syscall.SIGQUIT)
	_ = x.cmd.Wait()
}

func (x *binary) logs() string { return x.out.String() }

// lines scrapes azuremfa_exporter_log_lines_total; -1 while it does not answer.
func (x *binary) lines() int { return x.scrape(`azuremfa_exporter_log_lines_total{log="radius"}`) }

// waitOpen waits until the run has the log open.
func (x *binary) waitOpen(t *testing.T) {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	for x.scrape(`azuremfa_exporter_log_file_open{log="radius"}`) != 1 {
		if time.Now().After(end) {
			t.Fatalf("the exporter did not open the log\n%s", x.logs())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scrape reads one series' value from /metrics; -1 if it is not there.
func (x *binary) scrape(series string) int {
	resp, err := http.Get("http://" + x.addr + "/metrics")
	if err != nil {
		return -1
	}
	defer func() { _ = resp.Body.Close() }() // read to its end or not, the scrape is over
	b, _ := io.ReadAll(resp.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return int(f)
			}
		}
	}
	return -1
}

// waitCount waits until the run has counted want lines (or more: then it returns at once),
// and returns the count. A count short of want once the deadline passes is returned as it is.
func (x *binary) waitCount(t *testing.T, want int) int {
	t.Helper()
	end := time.Now().Add(20 * time.Second)
	got := -1
	for time.Now().Before(end) {
		if got = x.lines(); got >= want {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	return got
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
