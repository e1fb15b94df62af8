package main

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
)

// TestWebConfigBasicAuth: --web.config.file reaches the exporter toolkit, so a scrape without
// the password is refused and one with it is served.
func TestWebConfigBasicAuth(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
	appendFile(t, log, seedLines)
	webConfig := filepath.Join(dir, "web-config.yml")
	// bcrypt of "scrape-secret", cost 4.
	const hash = "$2a$04$.mgD4Ip.WuHLF7ZckHdIx.AAAo5gB0q/ZZa3tHpOlEi6g96vKgRVq"
	if err := os.WriteFile(webConfig, []byte("basic_auth_users:\n  prometheus: "+hash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	x := startExporter(t, "--mfa.radius-log="+log, "--tail.from-start", "--web.config.file="+webConfig)
	get := func(user, password string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+x.addr+"/metrics", nil)
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer func() { _ = resp.Body.Close() }() // the request is over either way
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, _ := get("", "")
		if code == http.StatusUnauthorized {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a scrape without credentials got %d, want 401", code)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code, _ := get("prometheus", "wrong"); code != http.StatusUnauthorized {
		t.Errorf("a wrong password got %d, want 401", code)
	}
	code, body := get("prometheus", "scrape-secret")
	if code != http.StatusOK || !strings.Contains(body, "azuremfa_auth_requests_total") {
		t.Errorf("with the password: %d, body has the metrics: %v", code, strings.Contains(body, "azuremfa_auth_requests_total"))
	}
}

// TestIdleConnectionClosed: a keep-alive connection left idle after a 401 is closed by the
// server once the idle timeout passes (a short one here). The test waits for the close; the
// read deadline only bounds how long it waits.
func TestIdleConnectionClosed(t *testing.T) {
	dir := t.TempDir()
	webConfig := filepath.Join(dir, "web-config.yml")
	const hash = "$2a$04$.mgD4Ip.WuHLF7ZckHdIx.AAAo5gB0q/ZZa3tHpOlEi6g96vKgRVq" // "scrape-secret"
	if err := os.WriteFile(webConfig, []byte("basic_auth_users:\n  prometheus: "+hash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mux := newMux("/metrics", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "metrics") }),
		http.NotFoundHandler())
	timeouts := defaultHTTPTimeouts()
	timeouts.idle = 50 * time.Millisecond
	srv := newHTTPServer(mux, timeouts)
	addr := freeAddress(t)
	systemd := false
	flags := &web.FlagConfig{WebListenAddresses: &[]string{addr}, WebSystemdSocket: &systemd, WebConfigFile: &webConfig}
	served := make(chan error, 1)
	go func() { served <- web.ListenAndServe(srv, flags, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		_ = srv.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serving ended with %v, want %v", err, http.ErrServerClosed)
		}
	})

	var conn net.Conn
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if conn, err = net.Dial("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer func() { _ = conn.Close() }() // the server is expected to have closed it
	br := bufio.NewReader(conn)
	if _, err := io.WriteString(conn, "GET /metrics HTTP/1.1\r\nHost: exporter\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close() // read to its end above
	if resp.StatusCode != http.StatusUnauthorized || resp.Close {
		t.Fatalf("got %d (close %v), want 401 on a connection kept alive", resp.StatusCode, resp.Close)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: read %v, %v; want the server to close it (EOF)", n, err)
	}
}

// TestHTTPTimeoutsAreSet: the server the exporter runs has every deadline, and idle
// connections outlive the usual scrape intervals so that Prometheus keeps its connection.
func TestHTTPTimeoutsAreSet(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), defaultHTTPTimeouts())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("a deadline is missing: %+v", srv)
	}
	if srv.IdleTimeout <= time.Minute {
		t.Errorf("IdleTimeout %v: a scrape every minute would open a new connection each time", srv.IdleTimeout)
	}
}
