package loggen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// TestKeysMatchClientGolang checks that the keys and values written here are those
// client_golang writes: label order, `le` last, number format.
func TestKeysMatchClientGolang(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "azuremfa_auth_results_total", Help: "h"},
		[]string{"log", "method", "code", "result"})
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "azuremfa_auth_duration_seconds", Help: "h",
		Buckets: durationBuckets[:]}, []string{"log", "method", "result"})
	reg.MustRegister(c, h)
	c.WithLabelValues("radius", "mobile_app", "-101", "success").Add(1234567)
	h.WithLabelValues("radius", "cache", "success").Observe(0.25)

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	text := buf.String()
	got, err := ParseText(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := Expected{
		sampleKey("azuremfa_auth_results_total", "log", "radius", "method", "mobile_app", "code", "-101", "result", "success"):    1234567,
		sampleKey("azuremfa_auth_duration_seconds_bucket", "log", "radius", "method", "cache", "result", "success", "le", "0.25"): 1,
		sampleKey("azuremfa_auth_duration_seconds_bucket", "log", "radius", "method", "cache", "result", "success", "le", "+Inf"): 1,
		sampleKey("azuremfa_auth_duration_seconds_count", "log", "radius", "method", "cache", "result", "success"):                1,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s: client_golang wrote %v (present %v), want %v\n%s", k, g, ok, v, text)
		}
	}
	if !strings.Contains(text, `result="success"} `+FormatValue(1234567)+"\n") {
		t.Errorf("client_golang formats 1234567 otherwise:\n%s", text)
	}
}

// TestParseTextReadsTypedFamilies: a scrape as client_golang writes it, typed histogram and
// escaped label values included, comes back keyed as the expected files key it.
func TestParseTextReadsTypedFamilies(t *testing.T) {
	text := `# HELP h Help.
# TYPE h histogram
h_bucket{log="radius",le="0.5"} 1
h_bucket{log="radius",le="+Inf"} 3
h_sum{log="radius"} 7.5
h_count{log="radius"} 3
# TYPE info gauge
info{code="1",description="say \"hi\"\\"} 1
# TYPE c counter
c{method="cache",log="iis"} 2
`
	got, err := ParseText(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := Expected{
		`h_bucket{log="radius",le="0.5"}`:           1,
		`h_bucket{log="radius",le="+Inf"}`:          3,
		`h_sum{log="radius"}`:                       7.5,
		`h_count{log="radius"}`:                     3,
		`info{code="1",description="say \"hi\"\\"}`: 1,
		`c{log="iis",method="cache"}`:               2,
	}
	if d := want.Compare(got); d != nil || len(got) != len(want) {
		t.Errorf("got %v\ndiffs %v", got, d)
	}
	if _, err := ParseText(strings.NewReader("x{a=\"1\" 1\n")); err == nil {
		t.Error("a sample without its closing brace: no error")
	}
}
