package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that the exporter's goroutines may write while a test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddress(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil { // the port is free again for the exporter
		t.Fatal(err)
	}
	return addr
}

// exporterUnderTest is a running exporter with a real listener.
type exporterUnderTest struct {
	addr   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

func startExporter(t *testing.T, args ...string) *exporterUnderTest {
	t.Helper()
	x := &exporterUnderTest{addr: freeAddress(t), logs: &syncBuffer{}, done: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	x.cancel = cancel
	args = append(args, "--web.listen-address="+x.addr, "--tail.poll-interval=20ms")
	go func() { x.done <- run(ctx, args, io.Discard, x.logs) }()
	t.Cleanup(func() { x.stop(t) })
	return x
}

func (x *exporterUnderTest) stop(t *testing.T) {
	t.Helper()
	if x.cancel == nil {
		return
	}
	x.cancel()
	x.cancel = nil
	select {
	case code := <-x.done:
		if code != 0 {
			t.Errorf("exporter exited with %d; its log:\n%s", code, x.logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Errorf("exporter did not stop within 10s")
	}
}

// scrape returns the azuremfa_ sample lines of /metrics (no comments), or "" when it cannot.
func (x *exporterUnderTest) scrape() string {
	resp, err := http.Get("http://" + x.addr + "/metrics")
	if err != nil {
		return ""
	}
	defer func() { _ = resp.Body.Close() }() // the scrape is over either way
	var out strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "azuremfa_") {
			out.WriteString(line + "\n")
		}
	}
	return out.String()
}

// waitFor scrapes until every wanted sample line is present, or fails after a deadline.
func (x *exporterUnderTest) waitFor(t testing.TB, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		got = x.scrape()
		missing := false
		for _, w := range want {
			if !strings.Contains(got, w+"\n") {
				missing = true
				break
			}
		}
		if !missing {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %q in the scrape:\n%s\nexporter log:\n%s", want, got, x.logs.String())
	return ""
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		_ = f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

const seedLines = `2017-02-14T02:57:19.234778Z|0|1412|6452|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)
2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|authResult = 1
2017-02-14T02:57:24.600871Z|0|1412|6452|pfrad|rawCallStatus = 21
`

const moreLines = `2017-02-14T02:57:56.986251Z|0|1412|10088|pfrad|Calling pfAuthUser('Domain\pnigam', '', 1)
2017-02-14T02:57:57.550306Z|0|1412|10088|pfrad|authResult = 1
2017-02-14T02:57:57.550306Z|0|1412|10088|pfrad|rawCallStatus = 6
`

// TestLiveTail follows a file that the test appends to, through a real listener.
func TestLiveTail(t *testing.T) {
	for _, mode := range []string{"--tail.poll", "--no-tail.poll"} {
		t.Run(mode, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
			appendFile(t, log, "")
			x := startExporter(t, "--mfa.radius-log="+log, mode)
			x.waitFor(t, `azuremfa_exporter_log_file_open{log="radius"} 1`)
			appendFile(t, log, seedLines)
			x.waitFor(t,
				`azuremfa_auth_requests_total{log="radius"} 1`,
				`azuremfa_auth_results_total{code="21",log="radius",method="mobile_app",result="success"} 1`,
				`azuremfa_auth_duration_seconds_bucket{log="radius",method="mobile_app",result="success",le="10"} 1`,
				`azuremfa_auth_duration_seconds_bucket{log="radius",method="mobile_app",result="success",le="5"} 0`,
			)
			appendFile(t, log, moreLines)
			x.waitFor(t,
				`azuremfa_auth_requests_total{log="radius"} 2`,
				`azuremfa_cache_hits_total{log="radius"} 1`,
				`azuremfa_exporter_log_lines_total{log="radius"} 6`,
				`azuremfa_log_last_entry_timestamp_seconds{log="radius"} 1.487041077550306e+09`,
			)
		})
	}
}

// TestOneShotMatchesLive replays the sample logs with --one-shot and follows them live: the
// MFA numbers must be the same.
func TestOneShotMatchesLive(t *testing.T) {
	dir := t.TempDir()
	var args []string
	for _, name := range []string{"MultiFactorAuthRadiusSvc.log", "MultiFactorAuthSvc.log", "MultiFactorAuthIisNm.log"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args = append(args, "--mfa.log-dir="+dir)

	var out, errs syncBuffer
	if code := run(context.Background(), append(args, "--one-shot"), &out, &errs); code != 0 {
		t.Fatalf("--one-shot exited with %d: %s", code, errs.String())
	}
	replayed := comparableSamples(out.String())
	if !strings.Contains(replayed, `azuremfa_auth_requests_total{log="radius"}`) {
		t.Fatalf("one-shot output lacks the radius requests:\n%s", out.String())
	}

	x := startExporter(t, append(args, "--tail.from-start")...)
	var lines []string
	for _, l := range strings.Split(replayed, "\n") {
		if strings.HasPrefix(l, "azuremfa_exporter_log_lines_total") {
			lines = append(lines, l)
		}
	}
	x.waitFor(t, lines...)
	if live := comparableSamples(x.scrape()); live != replayed {
		t.Errorf("live scrape differs from the one-shot replay\n--- one-shot\n%s\n--- live\n%s", replayed, live)
	}
}

// comparableSamples keeps the sample lines that replay and live must agree on: all but the
// exporter's build info and whether the file is still open (a replay closes it at its end).
func comparableSamples(scrape string) string {
	var keep []string
	for _, l := range strings.Split(scrape, "\n") {
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "azuremfa_exporter_build_info") ||
			strings.HasPrefix(l, "azuremfa_exporter_log_file_open") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// TestBadInputKeepsServing: a garbage file, a missing file, a directory given as a file and
// a line over the cap each get a counter and a clear log message, and the exporter serves on.
func TestBadInputKeepsServing(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.log")
	var junk bytes.Buffer
	for i := range 1000 {
		fmt.Fprintf(&junk, "\x00\xff garbage %d |||| \xfe\n", i)
	}
	appendFile(t, garbage, junk.String())
	missing := filepath.Join(dir, "missing.log")
	asDir := filepath.Join(dir, "a-directory.log")
	if err := os.Mkdir(asDir, 0o755); err != nil {
		t.Fatal(err)
	}
	long := filepath.Join(dir, "long.log")
	appendFile(t, long, strings.Repeat("x", 1<<20+10)+"\n"+strings.ReplaceAll(seedLines, "pfrad", "pfsvc"))

	x := startExporter(t, "--tail.from-start",
		"--mfa.radius-log="+garbage, "--mfa.iis-log="+missing, "--mfa.service-log="+asDir, "--mfa.syslog-log="+long)
	x.waitFor(t,
		`azuremfa_exporter_log_malformed_lines_total{log="radius"} 1000`,
		`azuremfa_exporter_log_lines_total{log="radius"} 1000`,
		`azuremfa_exporter_log_file_open{log="iis"} 0`,
		`azuremfa_exporter_log_file_open{log="service"} 0`,
		`azuremfa_exporter_log_malformed_lines_total{log="syslog"} 1`,
		`azuremfa_auth_results_total{code="21",log="syslog",method="mobile_app",result="success"} 1`,
	)
	got := x.scrape()
	if !strings.Contains(got, `azuremfa_exporter_log_read_errors_total{log="service"} `) ||
		strings.Contains(got, `azuremfa_exporter_log_read_errors_total{log="service"} 0`+"\n") {
		t.Errorf("a directory given as a log file is not counted as a read error:\n%s", got)
	}
	logs := x.logs.String()
	for _, want := range []string{"Malformed log line", "missing", "line longer than"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the exporter's log does not say %q:\n%s", want, logs)
		}
	}
	// The missing log is picked up when it appears, and read from its start.
	appendFile(t, missing, strings.ReplaceAll(seedLines, "pfrad", "pfisapi"))
	x.waitFor(t, `azuremfa_exporter_log_file_open{log="iis"} 1`, `azuremfa_auth_requests_total{log="iis"} 1`)
}

// TestVersionAndHelp: --version and -h answer on stdout and exit 0.
func TestVersionAndHelp(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"--version", "azuremfa_exporter, version"},
		{"-h", "--mfa.log-dir"},
	} {
		var out, errs syncBuffer
		if code := run(context.Background(), []string{tc.arg}, &out, &errs); code != 0 {
			t.Errorf("%s: exit code %d (stderr: %s)", tc.arg, code, errs.String())
		}
		if got := out.String() + errs.String(); !strings.Contains(got, tc.want) {
			t.Errorf("%s printed %q, want it to contain %q", tc.arg, got, tc.want)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no log configured", []string{"--mfa.log-dir="}, 2, "no log file configured"},
		{"unknown flag", []string{"--no-such-flag"}, 2, "unknown long flag"},
		{"bad duration", []string{"--mfa.radius-log=x", "--duplicate.window=soon"}, 2, "invalid duration"},
		{"same file twice", []string{"--mfa.radius-log=a.log", "--mfa.iis-log=./a.log", "--one-shot"}, 2, "are the same file"},
		{"one-shot logging to stdout", []string{"--mfa.radius-log=a.log", "--one-shot", "--log.file=stdout"}, 2, "log elsewhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs syncBuffer
			if code := run(context.Background(), tc.args, &out, &errs); code != tc.code {
				t.Errorf("exit code %d, want %d (stderr: %s)", code, tc.code, errs.String())
			}
			if !strings.Contains(errs.String(), tc.want) {
				t.Errorf("stderr %q does not say %q", errs.String(), tc.want)
			}
		})
	}
}

// TestChunkedLiveWithRolloverMatchesOneShot: the sample logs written live in random-sized
// pieces (lines split across writes), with a rollover (rename and create) in the middle of
// each, give the numbers a one-shot replay of the whole text gives.
func TestChunkedLiveWithRolloverMatchesOneShot(t *testing.T) {
	names := []string{"MultiFactorAuthRadiusSvc.log", "MultiFactorAuthSvc.log", "MultiFactorAuthIisNm.log"}
	whole, live := t.TempDir(), t.TempDir()
	texts := map[string][]byte{}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample", name))
		if err != nil {
			t.Fatal(err)
		}
		texts[name] = data
		if err := os.WriteFile(filepath.Join(whole, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		appendFile(t, filepath.Join(live, name), "")
	}
	var out, errs syncBuffer
	if code := run(context.Background(), []string{"--mfa.log-dir=" + whole, "--one-shot"}, &out, &errs); code != 0 {
		t.Fatalf("--one-shot exited with %d: %s", code, errs.String())
	}
	replayed := withoutFileState(comparableSamples(out.String()))

	x := startExporter(t, "--mfa.log-dir="+live, "--tail.poll")
	x.waitFor(t, `azuremfa_exporter_log_file_open{log="service"} 1`, `azuremfa_exporter_log_file_open{log="radius"} 1`,
		`azuremfa_exporter_log_file_open{log="iis"} 1`)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, name := range names {
		path, data := filepath.Join(live, name), texts[name]
		half := len(data) / 2 // not at a line end: one line is written across the rollover
		for at := 0; at < len(data); {
			n := min(1+rng.IntN(200), len(data)-at)
			if at < half && at+n > half {
				n = half - at
			}
			appendFile(t, path, string(data[at:at+n]))
			at += n
			if at == half {
				if err := os.Rename(path, path+".1"); err != nil {
					t.Fatal(err)
				}
				appendFile(t, path, "")
			}
		}
	}
	var want []string
	for _, l := range strings.Split(replayed, "\n") {
		if strings.HasPrefix(l, "azuremfa_exporter_log_lines_total") {
			want = append(want, l)
		}
	}
	for _, log := range []string{"radius", "service", "iis"} {
		want = append(want, `azuremfa_exporter_log_reopens_total{log="`+log+`",reason="rotated"} 1`)
	}
	x.waitFor(t, want...)
	if got := withoutFileState(comparableSamples(x.scrape())); got != replayed {
		t.Errorf("live scrape differs from the one-shot replay\n--- one-shot\n%s\n--- live\n%s", replayed, got)
	}
}

// withoutFileState drops what describes the files rather than their lines: offsets, sizes
// and reopens differ between one file and a rolled-over pair.
func withoutFileState(scrape string) string {
	var keep []string
	for _, l := range strings.Split(scrape, "\n") {
		if strings.HasPrefix(l, "azuremfa_exporter_log_offset_bytes") || strings.HasPrefix(l, "azuremfa_exporter_log_size_bytes") ||
			strings.HasPrefix(l, "azuremfa_exporter_log_reopens_total") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// TestOneShotTimeOutOfRange: a line stamped outside the years a log can have is counted as
// malformed, and the newest-entry gauge keeps the time of the last plausible line instead of
// a wrapped value.
func TestOneShotTimeOutOfRange(t *testing.T) {
	log := filepath.Join(t.TempDir(), "MultiFactorAuthRadiusSvc.log")
	appendFile(t, log, seedLines+
		"9999-12-31T23:59:59.999999Z|0|1412|6452|pfrad|rawCallStatus = 21\n"+
		"1601-01-01T00:00:00.000000Z|0|1412|6452|pfrad|rawCallStatus = 21\n")
	var out, errs syncBuffer
	if code := run(context.Background(), []string{"--one-shot", "--mfa.radius-log=" + log}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), `azuremfa_exporter_log_malformed_lines_total{log="radius"} 2`+"\n") {
		t.Errorf("the two lines are not counted as malformed:\n%s", out.String())
	}
	// The seed's last line: 2017-02-14T02:57:24.600871Z.
	if v := counterValue(out.String(), `azuremfa_log_last_entry_timestamp_seconds{log="radius"}`); math.Abs(v-1487041044.600871) > 1e-3 {
		t.Errorf("azuremfa_log_last_entry_timestamp_seconds = %v, want 1487041044.600871", v)
	}
	if !strings.Contains(errs.String(), "time out of range") {
		t.Errorf("the log does not give the reason:\n%s", errs.String())
	}
}
