package report

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestHTMLIsSelfContained: the page fetches nothing (no script, no stylesheet, font or image
// from anywhere) and holds the sections and both charts.
func TestHTMLIsSelfContained(t *testing.T) {
	g := generate(t, 20000, 0.001)
	for name, r := range map[string]*Report{"sample": sampleReport(t, sampleOptions()), "generated": g.report(t)} {
		var b bytes.Buffer
		if err := r.WriteHTML(&b); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		for _, bad := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "http://", "https://"} {
			if strings.Contains(strings.ToLower(page), bad) {
				i := strings.Index(strings.ToLower(page), bad)
				t.Errorf("%s: the page holds %q: …%s…", name, bad, page[max(0, i-80):min(len(page), i+80)])
			}
		}
		for _, want := range []string{`id="coverage"`, `id="summary"`, `id="users"`, `id="clients"`, `id="timeline"`,
			`aria-label="requests, failures, duplicates and fraud reports per interval"`, `aria-label="answer times of `} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the page lacks %s", name, want)
			}
		}
	}
}

// chromium finds a Chromium or Chrome binary.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInChromium renders the report of the sample logs in a real browser, headless: its
// screenshot must not be blank (many colours, much that is not white), and the text of the
// rendered page must hold the report's key numbers and names. With -update the screenshot
// becomes docs/report.png. Without Chromium the test is skipped, except in CI on Linux
// (CI=true), where .ci/run installs it; CI's Windows job leaves the browser to the Linux one.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		if os.Getenv("CI") == "true" && runtime.GOOS == "linux" {
			t.Fatal("chromium is not installed (.ci/run installs Debian's chromium)")
		}
		t.Skip("chromium is not installed: the page is not rendered (apt-get install chromium; CI runs it)")
	}
	r := sampleReport(t, sampleOptions())
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	writeFile(t, page, b.Bytes())
	run := func(args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--user-data-dir=" + t.TempDir(), "--window-size=1280,2000"}
		cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
		}
		return stdout.Bytes()
	}

	shot := filepath.Join(dir, "report.png")
	run("--screenshot=" + shot)
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	colours, coloured, total := pixelStats(img)
	if colours < 50 || coloured*20 < total {
		t.Errorf("the screenshot looks blank: %d colours, %d of %d pixels not white", colours, coloured, total)
	}

	dom := string(run("--dump-dom"))
	text := regexp.MustCompile(`<[^>]*>`).ReplaceAllString(dom, " ")
	for _, want := range []string{
		"Azure MFA Server log report",
		`CONTOSO\carol`, `CONTOSO\dave`, "erin@contoso.com", // users of the tables
		"Fraud Reported", "Fraud Code Entered", // the fraud reports
		"Service started",                      // an unknown template
		"Error determining the current master", // an error template
		"192.0.2.10",                           // a client
		"18",                                   // radius requests
		"98.0%",                                // radius understood
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if !strings.Contains(dom, "<svg") {
		t.Error("the rendered page holds no chart")
	}
	if *update {
		writeFile(t, filepath.Join("..", "docs", "report.png"), data)
	}
}

// pixelStats counts the distinct colours of img and its pixels that are not (nearly) white.
func pixelStats(img image.Image) (colours, coloured, total int) {
	seen := map[[3]uint32]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
			total++
			if r>>8 < 235 || g>>8 < 235 || b>>8 < 235 {
				coloured++
			}
		}
	}
	return len(seen), coloured, total
}
