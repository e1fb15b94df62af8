package loggen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
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

// ParseText reads samples in the Prometheus text format (comments and blank lines skipped,
// timestamps not allowed) into a map keyed as Expected is. Keys are taken as written.
func ParseText(r io.Reader) (Expected, error) {
	got := Expected{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			return nil, fmt.Errorf("line %d: no value: %q", n, line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		got[line[:i]] = v
	}
	return got, sc.Err()
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
// the pairs by name. Buckets pass their `le` separately so that it comes last, as the text
// format writes it.
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
		b.WriteString(p.n + `="` + p.v + `"`)
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
