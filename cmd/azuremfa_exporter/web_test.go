package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
		req, _ := http.NewRequest("GET", "http://"+x.addr+"/metrics", nil)
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
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
