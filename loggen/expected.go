package loggen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Expected maps a sample, written as in the Prometheus text format (`name{a="1",b="2"}`, label
// names sorted as client_golang sorts them, `le` last on histogram buckets), to its value.
// It holds every non-zero sample of the families it covers, and the zero ones of the families
// that carry only the log label.
type Expected map[string]float64

// Keys returns the samples in sorted order.
func (e Expected) Keys() []string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// WriteTo writes one `sample value` line per sample, sorted, in the text format.
func (e Expected) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	for _, k := range e.Keys() {
		m, err := bw.WriteString(k + " " + FormatValue(e[k]) + "\n")
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

// Names returns the sample names (the part before `{`) that e covers, sorted.
func (e Expected) Names() []string {
	seen := map[string]bool{}
	for k := range e {
		seen[SampleName(k)] = true
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FormatValue formats a value as the text format does.
func FormatValue(v float64) string {
	switch {
	case math.IsInf(v, +1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// SampleName is the metric name of a sample key.
func SampleName(key string) string {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		return key[:i]
	}
	return key
}

// ParseText reads samples in the Prometheus text format into a map keyed as Expected is
// (labels sorted by name, `le` last on histogram buckets, values escaped as the text format
// escapes them), whatever order the text has them in. Typed histograms and summaries come
// back as their _bucket, _sum and _count (or quantile) samples.
func ParseText(r io.Reader) (Expected, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
	got := Expected{}
	for name, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var pairs []string
			for _, lp := range m.GetLabel() {
				pairs = append(pairs, lp.GetName(), lp.GetValue())
			}
			key := func(suffix string, more ...string) string {
				return sampleKey(name+suffix, append(append([]string(nil), pairs...), more...)...)
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				got[key("")] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				got[key("")] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				for _, b := range h.GetBucket() {
					got[key("_bucket", "le", FormatValue(b.GetUpperBound()))] = float64(b.GetCumulativeCount())
				}
				if _, ok := got[key("_bucket", "le", "+Inf")]; !ok {
					got[key("_bucket", "le", "+Inf")] = float64(h.GetSampleCount())
				}
				got[key("_sum")] = h.GetSampleSum()
				got[key("_count")] = float64(h.GetSampleCount())
			case dto.MetricType_SUMMARY:
				sm := m.GetSummary()
				for _, q := range sm.GetQuantile() {
					got[key("", "quantile", FormatValue(q.GetQuantile()))] = q.GetValue()
				}
				got[key("_sum")] = sm.GetSampleSum()
				got[key("_count")] = float64(sm.GetSampleCount())
			default:
				got[key("")] = m.GetUntyped().GetValue()
			}
		}
	}
	return got, nil
}

// Compare checks got (a scrape) against e and returns one message per difference: a sample
// of e that got lacks or holds with another value (a missing sample counts as zero), and a
// non-zero sample of got that e lacks, for every sample name and log label pair that e
// covers. Nil means they agree.
func (e Expected) Compare(got Expected) []string {
	var diffs []string
	covered := map[string]bool{}
	for _, k := range e.Keys() {
		covered[SampleName(k)+" "+logLabel(k)] = true
		g, ok := got[k]
		if !ok && e[k] == 0 {
			continue
		}
		if !ok {
			diffs = append(diffs, fmt.Sprintf("missing:    %s %s", k, FormatValue(e[k])))
		} else if g != e[k] {
			diffs = append(diffs, fmt.Sprintf("different:  %s want %s, got %s", k, FormatValue(e[k]), FormatValue(g)))
		}
	}
	for _, k := range got.Keys() {
		if _, ok := e[k]; ok || got[k] == 0 || !covered[SampleName(k)+" "+logLabel(k)] {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("unexpected: %s %s", k, FormatValue(got[k])))
	}
	return diffs
}

// labelEscaper escapes a label value as the text format does.
var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

// logLabel returns the `log="..."` pair of a sample key, or "".
func logLabel(key string) string {
	i := strings.Index(key, `log="`)
	if i < 0 || (i > 0 && key[i-1] != '{' && key[i-1] != ',') {
		return ""
	}
	j := strings.IndexByte(key[i+5:], '"')
	if j < 0 {
		return ""
	}
	return key[i : i+5+j+1]
}

// sampleKey builds a key from a name and label pairs (name, value, name, value...), sorting
// the pairs by name and escaping the values as the text format does. A bucket's `le` comes
// last, as the text format writes it.
func sampleKey(name string, pairs ...string) string {
	type pair struct{ n, v string }
	ps := make([]pair, 0, len(pairs)/2)
	var le string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] == "le" {
			le = pairs[i+1]
			continue
		}
		ps = append(ps, pair{pairs[i], pairs[i+1]})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].n < ps[j].n })
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.n + `="` + labelEscaper.Replace(p.v) + `"`)
	}
	if le != "" {
		if len(ps) > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`le="` + le + `"`)
	}
	b.WriteByte('}')
	return b.String()
}
