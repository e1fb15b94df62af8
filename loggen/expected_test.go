package loggen

import (
	"bytes"
	"strings"
	"testing"
)

func TestExpectedRoundTripAndCompare(t *testing.T) {
	_, exp := generate(t, Config{Seed: 2, Lines: 5000})
	var buf bytes.Buffer
	if _, err := exp.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ParseText(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if d := exp.Compare(back); d != nil {
		t.Fatalf("written and read back, the values differ: %v", d)
	}

	scrape := `# HELP azuremfa_auth_requests_total Authentication requests.
# TYPE azuremfa_auth_requests_total counter
azuremfa_auth_requests_total{log="radius"} 10
azuremfa_auth_requests_total{log="service"} 99
azuremfa_auth_abandoned_total{log="radius"} 0
azuremfa_cache_hits_total{log="radius"} 4
azuremfa_prompts_total{log="radius",method="phone_call"} 0
azuremfa_prompts_total{log="radius",method="mobile_app"} 3
azuremfa_exporter_build_info{version="x"} 1
`
	got, err := ParseText(strings.NewReader(scrape))
	if err != nil {
		t.Fatal(err)
	}
	want := Expected{
		`azuremfa_auth_requests_total{log="radius"}`:                 10,
		`azuremfa_auth_abandoned_total{log="radius"}`:                0,
		`azuremfa_auth_in_flight{log="radius"}`:                      0, // absent in the scrape: zero
		`azuremfa_cache_hits_total{log="radius"}`:                    5,
		`azuremfa_prompts_total{log="radius",method="text_message"}`: 1,
	}
	d := want.Compare(got)
	wantDiffs := []string{
		`different:  azuremfa_cache_hits_total{log="radius"} want 5, got 4`,
		`missing:    azuremfa_prompts_total{log="radius",method="text_message"} 1`,
		`unexpected: azuremfa_prompts_total{log="radius",method="mobile_app"} 3`,
	}
	if strings.Join(d, "\n") != strings.Join(wantDiffs, "\n") {
		t.Fatalf("diffs:\n%s\nwant:\n%s", strings.Join(d, "\n"), strings.Join(wantDiffs, "\n"))
	}
}

func TestFormatValueMatchesTextFormat(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1: "1", 12: "12", 1234567: "1.234567e+06", 0.25: "0.25"} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestSampleKeyPutsLeLast(t *testing.T) {
	got := sampleKey("x_bucket", "result", "success", "le", "0.5", "log", "radius", "method", "cache")
	if want := `x_bucket{log="radius",method="cache",result="success",le="0.5"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
