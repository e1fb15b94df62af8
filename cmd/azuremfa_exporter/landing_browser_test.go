package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// chromiumPath finds a Chromium or Chrome to render the landing page with. Outside CI a
// missing browser skips the test; under CI=true on Linux (.ci/run installs Debian's chromium) it
// fails. CI's Windows job leaves the browser to the Linux one.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" && runtime.GOOS == "linux" {
		t.Fatal("no chromium on PATH: CI must render the landing page (.ci/run installs Debian's chromium)")
	}
	t.Skip("no chromium on PATH: install it (apt-get install chromium) to render the landing page in a browser")
	return ""
}

// runChromium runs a headless browser on url with the extra arguments and returns its stdout.
func runChromium(t *testing.T, browser, url string, extra ...string) []byte {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	args = append(append(args, extra...), url)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", browser, args, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestLandingPageInBrowser renders the landing page of an exporter running on the sample logs
// in headless Chromium and checks the table of the rendered DOM against the exporter's
// /metrics. It also takes a screenshot: set LANDING_SCREENSHOT to a path to keep it (the one
// in docs/ is made with LANDING_SCREENSHOT=$PWD/docs/landing-page.png).
func TestLandingPageInBrowser(t *testing.T) {
	browser := chromiumPath(t)
	shot := os.Getenv("LANDING_SCREENSHOT")
	if shot != "" && !filepath.IsAbs(shot) {
		t.Fatalf("LANDING_SCREENSHOT=%s: give an absolute path (the test runs from the repository root)", shot)
	}
	x, scrape, counts := startSampleExporter(t)
	url := "http://" + x.addr + "/"

	dom := runChromium(t, browser, url, "--dump-dom")
	checkSamplePage(t, string(dom), scrape, counts)

	if shot == "" {
		shot = filepath.Join(t.TempDir(), "landing-page.png")
	}
	const width, height = 1280, 540
	runChromium(t, browser, url, "--hide-scrollbars", "--window-size=1280,540", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read only
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	// Something was drawn: not every pixel is the background's colour.
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	drawn := false
	for y := b.Min.Y; y < b.Max.Y && !drawn; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			if img.At(x, y) != first {
				drawn = true
				break
			}
		}
	}
	if !drawn {
		t.Error("the screenshot is blank")
	}
}
