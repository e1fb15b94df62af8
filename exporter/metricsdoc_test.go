package exporter

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
)

// metricsDoc is the page that lists every metric family.
const metricsDoc = "../docs/metrics.md"

// The generated table in metricsDoc sits between these two lines.
const (
	metricsDocBegin = "<!-- BEGIN GENERATED: go test ./exporter -run TestMetricsDoc -update -->"
	metricsDocEnd   = "<!-- END GENERATED -->"
)

// recordingRegisterer registers on a real registry and keeps every collector, so that the test
// can give each metric vector a child: a vector without children is absent from Gather.
type recordingRegisterer struct {
	reg        *prometheus.Registry
	collectors []prometheus.Collector
}

func (r *recordingRegisterer) Register(c prometheus.Collector) error {
	r.collectors = append(r.collectors, c)
	return r.reg.Register(c)
}

func (r *recordingRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

func (r *recordingRegisterer) Unregister(c prometheus.Collector) bool { return r.reg.Unregister(c) }

// touch creates one child of a metric vector (CounterVec, GaugeVec, HistogramVec, ...) with
// empty label values, whatever its number of labels. Anything that is not a vector is left
// alone: it shows in Gather by itself.
func touch(c prometheus.Collector) error {
	m := reflect.ValueOf(c).MethodByName("GetMetricWithLabelValues")
	if !m.IsValid() {
		return nil
	}
	var err error
	for n := 0; n <= 16; n++ {
		args := make([]reflect.Value, n)
		for i := range args {
			args[i] = reflect.ValueOf("")
		}
		out := m.Call(args)
		if err, _ = out[len(out)-1].Interface().(error); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%T: no label count up to 16 accepted: %w", c, err)
}

// metricsTable is the Markdown table of every family the exporter registers: name, type,
// label names and help, sorted by name, as docs/metrics.md must show it.
func metricsTable(t *testing.T) string {
	t.Helper()
	rec := &recordingRegisterer{reg: prometheus.NewRegistry()}
	if _, err := NewMetrics(rec); err != nil {
		t.Fatal(err)
	}
	rec.MustRegister(versioncollector.NewCollector("azuremfa_exporter"))
	for _, c := range rec.collectors {
		if err := touch(c); err != nil {
			t.Fatal(err)
		}
	}
	mfs, err := rec.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| metric | type | labels | help |\n|---|---|---|---|\n")
	for _, mf := range mfs {
		var labels []string
		if ms := mf.GetMetric(); len(ms) > 0 {
			for _, lp := range ms[0].GetLabel() {
				labels = append(labels, lp.GetName())
			}
		}
		help := strings.ReplaceAll(mf.GetHelp(), "|", `\|`)
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", mf.GetName(), strings.ToLower(mf.GetType().String()),
			strings.Join(labels, ", "), help)
	}
	return b.String()
}

// generatedSection splits the document around the generated table.
func generatedSection(t *testing.T, doc string) (before, table, after string) {
	t.Helper()
	i := strings.Index(doc, metricsDocBegin+"\n")
	j := strings.Index(doc, metricsDocEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: want the generated table between the lines %q and %q", metricsDoc, metricsDocBegin, metricsDocEnd)
	}
	i += len(metricsDocBegin) + 1
	return doc[:i], doc[i:j], doc[j:]
}

// TestMetricsDoc: docs/metrics.md lists exactly the families the exporter registers, with
// their type, label names and help. Regenerate with go test ./exporter -run TestMetricsDoc -update.
func TestMetricsDoc(t *testing.T) {
	raw, err := os.ReadFile(metricsDoc)
	if err != nil {
		t.Fatal(err)
	}
	before, table, after := generatedSection(t, string(raw))
	want := metricsTable(t)
	if *update {
		if err := os.WriteFile(metricsDoc, []byte(before+want+after), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if table != want {
		t.Errorf("%s is out of date (regenerate with go test ./exporter -run TestMetricsDoc -update):\n%s",
			metricsDoc, lineDiff(table, want))
	}
}

// TestMetricsDocProse: the hand-written parts of docs/metrics.md cannot drift either. Every
// label name in the table has a row in the label values table, and every azuremfa_ name the
// page mentions is a family the exporter registers.
func TestMetricsDocProse(t *testing.T) {
	raw, err := os.ReadFile(metricsDoc)
	if err != nil {
		t.Fatal(err)
	}
	before, _, after := generatedSection(t, string(raw))
	prose := before + after
	families := map[string]bool{}
	labels := map[string]bool{}
	for _, line := range strings.Split(metricsTable(t), "\n")[2:] {
		cells := strings.Split(line, " | ")
		if len(cells) < 4 {
			continue
		}
		families[strings.Trim(cells[0], "| `")] = true
		for _, l := range strings.Split(cells[2], ", ") {
			if l != "" {
				labels[l] = true
			}
		}
	}
	documented := map[string]bool{}
	inLabelTable := false
	for _, line := range strings.Split(prose, "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			inLabelTable = line == "## Label values"
		case inLabelTable && strings.HasPrefix(line, "| `"):
			first := strings.SplitN(line, " | ", 2)[0]
			for _, l := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(first, -1) {
				documented[l[1]] = true
			}
		}
	}
	for l := range labels {
		if !documented[l] {
			t.Errorf("%s: label %q has no row in the \"## Label values\" table", metricsDoc, l)
		}
	}
	for l := range documented {
		if !labels[l] {
			t.Errorf("%s: the label values table lists %q, which no family has", metricsDoc, l)
		}
	}
	// Names in prose: a family, or a family's _bucket/_sum/_count series. Recording rules
	// (log:azuremfa_...) are not the exporter's.
	for _, m := range regexp.MustCompile(`(^|[^:a-z_])(azuremfa_[a-z_]+)`).FindAllStringSubmatch(prose, -1) {
		name := m[2]
		base := name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if trimmed, ok := strings.CutSuffix(name, suffix); ok && families[trimmed] {
				base = trimmed
			}
		}
		if !families[base] && !slices.Contains([]string{"azuremfa_exporter"}, name) {
			t.Errorf("%s mentions %s, which the exporter does not register", metricsDoc, name)
		}
	}
}

// lineDiff lists the lines only one of got and want has.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for _, l := range g {
		if !slices.Contains(w, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}
