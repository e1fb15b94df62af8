package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/azuremfa/azuremfa_exporter/loggen"
)

// TestMain lets a test run the real main() in a child process (for signals and exit codes).
func TestMain(m *testing.M) {
	if os.Getenv("AZUREMFA_EXPORTER_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// numberedAuths returns n complete authentications, one per thread, starting at thread first.
func numberedAuths(first, n int) string {
	var b strings.Builder
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i := first; i < first+n; i++ {
		at := t0.Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.000000Z")
		fmt.Fprintf(&b, "%s|0|1412|%d|pfrad|Calling pfAuthUser('CONTOSO\\user%d', '', 1)\n", at, i, i)
		fmt.Fprintf(&b, "%s|0|1412|%d|pfrad|authResult = 1\n", at, i)
		fmt.Fprintf(&b, "%s|0|1412|%d|pfrad|rawCallStatus = 21\n", at, i)
	}
	return b.String()
}

// counterValue reads one sample's value from a scrape, or -1.
func counterValue(scrape, series string) float64 {
	samples, err := loggen.ParseText(strings.NewReader(scrape))
	if v, ok := samples[series]; err == nil && ok {
		return v
	}
	return -1
}

const radiusResults = `azuremfa_auth_results_total{code="21",log="radius",method="mobile_app",result="success"}`

// markerLine is written after everything else; once markerSeen is at /metrics, every line
// before it has been counted.
const (
	markerLine = "2026-11-24T00:00:00.000000Z|0|1412|1|pfrad|Primary auth failed for user 'marker'\n"
	markerSeen = `azuremfa_primary_auth_total{log="radius",result="failure"} 1`
)

// TestRestartWithPositions stops and restarts the exporter mid-stream, with and without a
// rollover in between: each authentication is counted by exactly one of the two runs.
func TestRestartWithPositions(t *testing.T) {
	for _, rollover := range []bool{false, true} {
		t.Run(fmt.Sprintf("rollover=%v", rollover), func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
			positions := filepath.Join(dir, "positions.json")
			args := []string{"--mfa.radius-log=" + log, "--tail.positions-file=" + positions, "--tail.poll"}
			appendFile(t, log, numberedAuths(0, 10))

			first := startExporter(t, append(args, "--tail.from-start")...)
			first.waitFor(t, radiusResults+" 10")
			appendFile(t, log, numberedAuths(10, 5))
			got := first.waitFor(t, radiusResults+" 15")
			first.stop(t)
			counted := counterValue(got, radiusResults)

			// Written while the exporter is down.
			appendFile(t, log, numberedAuths(15, 5))
			if rollover {
				if err := os.Rename(log, log+".1"); err != nil {
					t.Fatal(err)
				}
				appendFile(t, log, numberedAuths(20, 7))
			}
			total := 20.0
			if rollover {
				total = 27
			}
			// Without --tail.from-start: only the positions file says where to go on.
			second := startExporter(t, args...)
			want := total - counted
			got = second.waitFor(t, fmt.Sprintf("%s %g", radiusResults, want))
			if v := counterValue(got, `azuremfa_auth_requests_total{log="radius"}`); v != want {
				t.Errorf("second run counted %v requests, want %v (first run counted %v of %v)", v, want, counted, total)
			}
			// Nothing was doubled: a marker written last is counted, and by then the count of
			// the numbered authentications has not moved.
			appendFile(t, log, markerLine)
			got = second.waitFor(t, markerSeen)
			if v := counterValue(got, radiusResults); v != want {
				t.Errorf("second run counts %v once the marker is in, want %v", v, want)
			}
		})
	}
}

// TestSIGTERM runs the real binary: on SIGTERM it exits 0 within 5 s, having saved positions.
func TestSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows: the service manager's Stop is tested through serviceLoop")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	positions := filepath.Join(dir, "positions.json")
	appendFile(t, log, numberedAuths(0, 3))
	addr := freeAddress(t)
	cmd := exec.Command(os.Args[0], "--mfa.radius-log="+log, "--tail.from-start", "--tail.positions-file="+positions,
		"--web.listen-address="+addr, "--tail.poll-interval=20ms")
	cmd.Env = append(os.Environ(), "AZUREMFA_EXPORTER_RUN_MAIN=1")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	x := &exporterUnderTest{addr: addr, logs: &stderr}
	x.waitFor(t, radiusResults+" 3")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("still running 5 s after SIGTERM\n%s", stderr.String())
	}
	data, err := os.ReadFile(positions)
	if err != nil {
		t.Fatalf("no positions file after SIGTERM: %v", err)
	}
	st, _ := os.Stat(log)
	if !strings.Contains(string(data), fmt.Sprintf(`"offset": %d`, st.Size())) {
		t.Errorf("positions file does not hold the end of the log (%d bytes):\n%s", st.Size(), data)
	}
	if _, err := http.Get("http://" + addr + "/metrics"); err == nil {
		t.Errorf("the listener is still open after exit")
	}
}

// TestStopLeaksNoGoroutines: after a stop, nothing the exporter started is left running.
func TestStopLeaksNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, log, numberedAuths(0, 2))
	for _, mode := range []string{"--tail.poll", "--no-tail.poll"} {
		ctx, cancel := context.WithCancel(context.Background())
		x := &exporterUnderTest{addr: freeAddress(t), logs: &syncBuffer{}, done: make(chan int, 1), cancel: cancel}
		go func() {
			x.done <- run(ctx, []string{"--mfa.radius-log=" + log, "--mfa.iis-log=" + filepath.Join(dir, "missing.log"),
				"--tail.from-start", "--tail.positions-file=" + filepath.Join(dir, mode+".json"), mode,
				"--web.listen-address=" + x.addr}, os.Stdout, x.logs)
		}()
		x.waitFor(t, radiusResults+" 2")
		x.stop(t)
	}
	http.DefaultClient.CloseIdleConnections()
}

// startMain runs the real main() in a child process with args and a free listen address.
func startMain(t *testing.T, stderr io.Writer, args ...string) (*exec.Cmd, *exporterUnderTest) {
	t.Helper()
	addr := freeAddress(t)
	cmd := exec.Command(os.Args[0], append(args, "--web.listen-address="+addr, "--tail.poll-interval=20ms")...)
	cmd.Env = append(os.Environ(), "AZUREMFA_EXPORTER_RUN_MAIN=1")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd, &exporterUnderTest{addr: addr, logs: &syncBuffer{}}
}

// stopMain sends SIGTERM and wants exit code 0 within 5 s.
func stopMain(t *testing.T, cmd *exec.Cmd, logs func() string) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("still running 5 s after SIGTERM\n%s", logs())
	}
}

// waitForFile waits until path holds want, or fails after a deadline.
func waitForFile(t *testing.T, path, want string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		data, _ := os.ReadFile(path)
		if strings.Contains(string(data), want) {
			return string(data)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not say %q:\n%s", path, want, data)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSIGHUP runs the real binary: SIGHUP is logged, saves positions, and reopens --log.file
// after logrotate moved it away; the exporter goes on following and serving.
func TestSIGHUP(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGHUP on Windows")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	positions := filepath.Join(dir, "positions.json")
	logFile := filepath.Join(dir, "exporter.log")
	appendFile(t, log, numberedAuths(0, 3))
	cmd, x := startMain(t, io.Discard, "--mfa.radius-log="+log, "--tail.from-start", "--tail.positions-file="+positions,
		"--log.file="+logFile)
	readLog := func() string {
		a, _ := os.ReadFile(logFile + ".1")
		b, _ := os.ReadFile(logFile)
		return string(a) + string(b)
	}
	x.waitFor(t, radiusResults+" 3")
	// logrotate's create rule: move the log away, then signal.
	if err := os.Rename(logFile, logFile+".1"); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitForFile(t, logFile, "Log file reopened on SIGHUP")
	if old, _ := os.ReadFile(logFile + ".1"); !strings.Contains(string(old), "Received SIGHUP") {
		t.Errorf("the rotated log does not record the SIGHUP:\n%s", old)
	}
	// Positions are saved by the SIGHUP, well before the periodic save (every 5 s).
	data, err := os.ReadFile(positions)
	if err != nil {
		t.Fatalf("no positions file after SIGHUP: %v\n%s", err, readLog())
	}
	st, _ := os.Stat(log)
	if !strings.Contains(string(data), fmt.Sprintf(`"offset": %d`, st.Size())) {
		t.Errorf("positions file does not hold the end of the log (%d bytes):\n%s", st.Size(), data)
	}
	appendFile(t, log, numberedAuths(3, 2))
	x.waitFor(t, radiusResults+" 5")
	stopMain(t, cmd, readLog)
	if now, _ := os.ReadFile(logFile); !strings.Contains(string(now), "msg=Stopped") {
		t.Errorf("the reopened log file does not record the stop:\n%s", now)
	}
}

// TestBrokenStderr runs the real binary with its standard error a pipe whose reader is gone:
// the exporter's next log record must not end it (SIGPIPE); it goes on following and serving.
func TestBrokenStderr(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGPIPE on Windows")
	}
	dir := t.TempDir()
	log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, log, numberedAuths(0, 1))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd, x := startMain(t, w, "--mfa.radius-log="+log, "--tail.from-start")
	if err := w.Close(); err != nil { // the exporter holds the write end now
		t.Fatal(err)
	}
	x.waitFor(t, radiusResults+" 1")
	if err := r.Close(); err != nil { // the pipe is broken from here on
		t.Fatal(err)
	}
	// A malformed line is logged as a warning: the write to the broken pipe.
	appendFile(t, log, "garbage\n"+numberedAuths(1, 1))
	x.waitFor(t, radiusResults+" 2", `azuremfa_exporter_log_malformed_lines_total{log="radius"} 1`)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil { // logs again, twice
		t.Fatal(err)
	}
	appendFile(t, log, numberedAuths(2, 1))
	x.waitFor(t, radiusResults+" 3")
	stopMain(t, cmd, func() string { return "(standard error is closed)" })
}
