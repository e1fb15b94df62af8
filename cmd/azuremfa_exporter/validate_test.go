package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/prometheus/common/promslog"

	"github.com/azuremfa/azuremfa_exporter/exporter"
)

// parseFlags parses and validates args as run does, without running anything.
func parseFlags(t *testing.T, args ...string) error {
	t.Helper()
	var o options
	app := newApp(&o, runtime.GOOS)
	app.Terminate(func(int) {})
	if _, err := app.Parse(args); err != nil {
		return explainParseError(app, args, err)
	}
	return o.validate(runtime.GOOS)
}

// TestBadFlags: every refused value exits 2 before anything starts, with one line that names
// the flag. "Nothing started" is shown by --log.file: the log is opened right after the flags
// are checked, before any file is followed or any port bound, so its file must not exist.
func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	radius := filepath.Join(logs, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, radius, seedLines)
	badYAML := filepath.Join(dir, "bad-web-config.yml")
	if err := os.WriteFile(badYAML, []byte("basic_auth_users: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	unknownKey := filepath.Join(dir, "unknown-key.yml")
	if err := os.WriteFile(unknownKey, []byte("tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		flag string   // the flag the message must name
		args []string // on top of a valid --mfa.log-dir
	}{
		{"web.telemetry-path", []string{"--web.telemetry-path="}},
		{"web.telemetry-path", []string{"--web.telemetry-path=metrics"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=/-/healthy"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=/-/reload"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=/metrics/"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=//metrics"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=/a/../metrics"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=/metrics?x=1"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=/{x}"}},
		{"web.telemetry-path", []string{"--web.telemetry-path=GET /metrics"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=9223372036854775807"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=9223372036854775808"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=4611686018427387904"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=67108865"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=1023"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=0"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=-1"}},
		{"tail.max-line-bytes", []string{"--tail.max-line-bytes=1e6"}},
		{"duplicate.window", []string{"--duplicate.window=0"}},
		{"duplicate.window", []string{"--duplicate.window=-30s"}},
		{"duplicate.window", []string{"--duplicate.window=999ms"}},
		{"duplicate.window", []string{"--duplicate.window=61m"}},
		{"duplicate.window", []string{"--duplicate.window=soon"}},
		{"auth.timeout", []string{"--auth.timeout=0"}},
		{"auth.timeout", []string{"--auth.timeout=-5m"}},
		{"auth.timeout", []string{"--auth.timeout=2h"}},
		{"stats.window", []string{"--stats.window=0"}},
		{"stats.window", []string{"--stats.window=-5m"}},
		{"stats.window", []string{"--stats.window=59s"}},
		{"stats.window", []string{"--stats.window=25h"}},
		{"auth.max-open", []string{"--auth.max-open=0"}},
		{"auth.max-open", []string{"--auth.max-open=-1"}},
		{"auth.max-open", []string{"--auth.max-open=1000001"}},
		{"auth.max-open", []string{"--auth.max-open=1.5"}},
		{"tail.poll-interval", []string{"--tail.poll-interval=0"}},
		{"tail.poll-interval", []string{"--tail.poll-interval=-1s"}},
		{"tail.poll-interval", []string{"--tail.poll-interval=1ns"}},
		{"tail.poll-interval", []string{"--tail.poll-interval=9ms"}},
		{"tail.poll-interval", []string{"--tail.poll-interval=61s"}},
		{"syslog.year", []string{"--syslog.year=-1"}},
		{"syslog.year", []string{"--syslog.year=1969"}},
		{"syslog.year", []string{"--syslog.year=2101"}},
		{"syslog.year", []string{"--syslog.year=26"}},
		{"web.max-requests", []string{"--web.max-requests=-1"}},
		{"web.max-requests", []string{"--web.max-requests=10001"}},
		{"web.listen-address", []string{"--web.listen-address="}},
		{"web.listen-address", []string{"--web.listen-address=:0"}},
		{"web.listen-address", []string{"--web.listen-address=:65536"}},
		{"web.listen-address", []string{"--web.listen-address=10085"}},
		{"web.listen-address", []string{"--web.listen-address=localhost"}},
		{"web.listen-address", []string{"--web.listen-address=:http"}},
		{"web.listen-address", []string{"--web.listen-address=127.0.0.1:10085", "--web.listen-address=:-1"}},
		{"web.listen-address", []string{"--web.listen-address=vsock://:0"}},
		{"web.listen-address", []string{"--web.listen-address=vsock://x"}},
		{"web.config.file", []string{"--web.config.file=" + missing + ".yml"}},
		{"web.config.file", []string{"--web.config.file=" + badYAML}},
		{"web.config.file", []string{"--web.config.file=" + unknownKey}},
		{"log.level", []string{"--log.level=verbose"}},
		{"log.format", []string{"--log.format=xml"}},
		{"tail.positions-file", []string{"--tail.positions-file=" + filepath.Join(missing, "positions.json")}},
		{"tail.positions-file", []string{"--tail.positions-file=" + dir}},
		{"tail.positions-file", []string{"--tail.positions-file=" + radius}},
		{"mfa.iis-log", []string{"--mfa.radius-log=" + radius, "--mfa.iis-log=" + filepath.Join(logs, ".", "MultiFactorAuthRadiusSvc.log")}},
		{"mfa.log-dir", []string{"--mfa.log-dir=" + radius}},
		{"mfa.log-dir", []string{"--one-shot", "--mfa.log-dir=" + missing}},
		{"mfa.radius-log", []string{"--one-shot", "--mfa.log-dir=", "--mfa.radius-log=" + filepath.Join(missing, "r.log")}},
		{"mfa.syslog-log", []string{"--one-shot", "--mfa.syslog-log=" + logs}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "exporter.log")
			args := append([]string{"--log.file=" + logFile}, tc.args...)
			if !strings.Contains(strings.Join(tc.args, " "), "--mfa.log-dir=") {
				args = append(args, "--mfa.log-dir="+logs)
			}
			var out, errs syncBuffer
			code := run(context.Background(), args, &out, &errs)
			msg := errs.String()
			if code != 2 {
				t.Errorf("exit code %d, want 2 (stderr: %s)", code, msg)
			}
			if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
				t.Errorf("stderr is not one line: %q", msg)
			}
			if !strings.Contains(msg, "--"+tc.flag) {
				t.Errorf("stderr does not name --%s: %q", tc.flag, msg)
			}
			if strings.Contains(msg, "panic") || out.String() != "" {
				t.Errorf("stdout %q, stderr %q", out.String(), msg)
			}
			if _, err := os.Stat(logFile); err == nil {
				t.Errorf("--log.file was opened: the exporter started")
			}
		})
	}
}

// TestBadLogFile: --log.file itself is checked before it is opened.
func TestBadLogFile(t *testing.T) {
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, radius, "")
	positions := filepath.Join(dir, "positions.json")
	cases := [][]string{
		{"--log.file=" + filepath.Join(dir, "missing", "exporter.log")},
		{"--log.file=" + dir},
		{"--log.file=" + radius},
		{"--log.file=" + positions, "--tail.positions-file=" + positions},
		{"--log.file=stdout", "--one-shot"},
	}
	if runtime.GOOS != "windows" {
		cases = append(cases, []string{"--log.file=eventlog"})
	}
	for _, args := range cases {
		var errs syncBuffer
		before, _ := os.ReadFile(radius)
		code := run(context.Background(), append([]string{"--mfa.radius-log=" + radius}, args...), io.Discard, &errs)
		if code != 2 || !strings.Contains(errs.String(), "--log.file") || strings.Count(errs.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming --log.file", args, code, errs.String())
		}
		if after, _ := os.ReadFile(radius); string(after) != string(before) {
			t.Errorf("%v: the followed log was written to", args)
		}
	}
}

// TestFlagEdges: the ends of every range are accepted; one step beyond is refused.
func TestFlagEdges(t *testing.T) {
	dir := t.TempDir()
	base := []string{"--mfa.log-dir=" + dir}
	for _, tc := range []struct {
		flag    string
		ok, bad []string
	}{
		{"tail.poll-interval", []string{"10ms", "1m", "100ms"}, []string{"9.999ms", "1m0.001s"}},
		{"tail.max-line-bytes", []string{"1024", "67108864", "1048576"}, []string{"1023", "67108865"}},
		{"duplicate.window", []string{"1s", "1h", "30s"}, []string{"999ms", "1h0m1s"}},
		{"auth.timeout", []string{"1s", "1h", "5m"}, []string{"999ms", "1h0m1s"}},
		{"stats.window", []string{"1m", "24h", "5m"}, []string{"59s", "24h0m1s"}},
		{"auth.max-open", []string{"1", "1000000", "10000"}, []string{"0", "1000001"}},
		{"syslog.year", []string{"0", "1970", "2100", "2026"}, []string{"1", "1969", "2101"}},
		{"web.max-requests", []string{"0", "10000", "40"}, []string{"-1", "10001"}},
		{"web.telemetry-path", []string{"/", "/metrics", "/probe/mfa_v1", "/a-b.c~d"}, []string{"/metrics/", "/-", "/a b"}},
		{"web.listen-address", []string{":1", "127.0.0.1:65535", "[::1]:10085", "localhost:9100", "vsock://:10085"}, []string{":0", "[::1]", "vsock://:x"}},
	} {
		for _, v := range tc.ok {
			if err := parseFlags(t, append(base, "--"+tc.flag+"="+v)...); err != nil {
				t.Errorf("--%s=%s refused: %v", tc.flag, v, err)
			}
		}
		for _, v := range tc.bad {
			err := parseFlags(t, append(base, "--"+tc.flag+"="+v)...)
			if err == nil || !strings.Contains(err.Error(), "--"+tc.flag+"=") {
				t.Errorf("--%s=%s: %v, want it refused", tc.flag, v, err)
			}
		}
	}
	if err := parseFlags(t, base...); err != nil {
		t.Errorf("the defaults are refused: %v", err)
	}
}

// TestOneShotMissingFolder: --one-shot on a folder that does not exist exits 2; on a folder
// that exists but lacks some of the logs, it replays what is there and warns about the rest.
func TestOneShotMissingFolder(t *testing.T) {
	dir := t.TempDir()
	var out, errs syncBuffer
	if code := run(context.Background(), []string{"--one-shot", "--mfa.log-dir=" + filepath.Join(dir, "nope")}, &out, &errs); code != 2 ||
		!strings.Contains(errs.String(), "--mfa.log-dir=") || out.String() != "" {
		t.Errorf("missing folder: exit %d, stdout %q, stderr %q; want 2, nothing, a message", code, out.String(), errs.String())
	}
	appendFile(t, filepath.Join(dir, "MultiFactorAuthRadiusSvc.log"), seedLines)
	out, errs = syncBuffer{}, syncBuffer{}
	if code := run(context.Background(), []string{"--one-shot", "--mfa.log-dir=" + dir}, &out, &errs); code != 0 {
		t.Fatalf("folder with one log: exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), `azuremfa_auth_requests_total{log="radius"} 1`) {
		t.Errorf("the radius log was not replayed:\n%s", out.String())
	}
	if n := strings.Count(errs.String(), "Log file does not exist; nothing to replay"); n != 2 {
		t.Errorf("%d warnings about the two missing logs, want 2:\n%s", n, errs.String())
	}
}

// TestTelemetryPaths: every path validation accepts makes a mux without panicking, serves the
// metrics at that path only, and leaves /-/healthy and the landing page where they are.
func TestTelemetryPaths(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "metrics") })
	get := func(h http.Handler, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	for _, p := range []string{"/", "/metrics", "/probe/mfa", "/a.b", "/~x"} {
		if problem := checkTelemetryPath(p); problem != "" {
			t.Fatalf("%s refused: %s", p, problem)
		}
		mux := newMux(p, metrics, newLandingPage(p, func() []exporter.LogStatus { return nil }, promslog.NewNopLogger()))
		if code, body := get(mux, p); code != 200 || body != "metrics" {
			t.Errorf("%s: GET %s = %d %q", p, p, code, body)
		}
		if code, body := get(mux, healthPath); code != 200 || body != "Healthy\n" {
			t.Errorf("%s: GET %s = %d %q", p, healthPath, code, body)
		}
		if code, body := get(mux, "/other"); code != 404 || body == "metrics" {
			t.Errorf("%s: GET /other = %d %q, want 404", p, code, body)
		}
		if p != "/" {
			if code, body := get(mux, "/"); code != 200 || !strings.Contains(body, strings.TrimPrefix(p, "/")) {
				t.Errorf("%s: the landing page does not link the metrics: %d %q", p, code, body)
			}
		}
	}
	// Random paths: whatever validation accepts, http.ServeMux takes without panicking.
	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "/-._~aZ09 {}$?#%.:@!*"
	accepted := 0
	for range 20000 {
		b := make([]byte, 1+rng.IntN(8))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		p := string(b)
		if checkTelemetryPath(p) != "" {
			continue
		}
		accepted++
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("accepted %q, then http.ServeMux panicked: %v", p, r)
				}
			}()
			newMux(p, metrics, http.NotFoundHandler())
		}()
	}
	if accepted < 100 {
		t.Errorf("only %d random paths accepted: the check is not exercised", accepted)
	}
}

// TestPathKey: on Windows two spellings of one file in different case are the same file.
func TestPathKey(t *testing.T) {
	a, b := filepath.Join("logs", "MultiFactorAuthRadiusSvc.log"), filepath.Join("LOGS", ".", "multifactorauthradiussvc.LOG")
	if pathKey(a, "windows") != pathKey(b, "windows") {
		t.Errorf("on Windows %q and %q are not the same file", a, b)
	}
	if pathKey(a, "linux") == pathKey(b, "linux") {
		t.Errorf("on Linux %q and %q are the same file", a, b)
	}
	if pathKey(a, "linux") != pathKey(filepath.Join(".", "logs", "x", "..", "MultiFactorAuthRadiusSvc.log"), "linux") {
		t.Errorf("a path with . and .. is not cleaned")
	}
}

// TestOneShotDefaultFolder: --one-shot on Windows, where --mfa.log-dir has a default. The
// default folder need not exist when logs are given one by one (its logs are skipped with a
// warning); given on the command line, or as the only source of logs, it must exist.
func TestOneShotDefaultFolder(t *testing.T) {
	dir := t.TempDir()
	radius := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, radius, seedLines)
	check := func(args ...string) error {
		var o options
		app := newApp(&o, "windows")
		if _, err := app.Parse(args); err != nil {
			t.Fatal(err)
		}
		return o.validate("windows")
	}
	if err := check("--one-shot", "--mfa.radius-log="+radius); err != nil {
		t.Errorf("a log given alone, the default folder missing: %v", err)
	}
	for _, args := range [][]string{
		{"--one-shot"},
		{"--one-shot", "--mfa.log-dir=" + windowsLogDir, "--mfa.radius-log=" + radius},
	} {
		if err := check(args...); err == nil || !strings.Contains(err.Error(), "--mfa.log-dir=") {
			t.Errorf("%v: %v, want the missing folder refused", args, err)
		}
	}
	err := check("--one-shot", "--mfa.radius-log="+filepath.Join(dir, "missing.log"))
	if err == nil || !strings.Contains(err.Error(), "--mfa.radius-log=") || strings.Contains(err.Error(), "--mfa.log-dir") {
		t.Errorf("no log exists: %v, want --mfa.radius-log named, not the default folder", err)
	}
}
