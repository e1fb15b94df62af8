package exporter

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/azuremfa/azuremfa_exporter/loggen"
	"github.com/azuremfa/azuremfa_exporter/logparse"
)

// generate writes a realistic log of one kind with the generator and returns it with the
// counts the exporter must produce for it.
func generate(tb testing.TB, kind loggen.Kind, lines int, malformed float64) ([]byte, loggen.Expected) {
	tb.Helper()
	var buf bytes.Buffer
	want, err := loggen.Generate(&buf, loggen.Config{Seed: 7, Lines: lines, Kind: kind, Malformed: malformed, CRLF: kind == loggen.KindIIS})
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), want
}

// pipelineFor builds one log's pipeline on a fresh registry.
func pipelineFor(tb testing.TB, kind loggen.Kind) (*Pipeline, *prometheus.Registry) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		tb.Fatal(err)
	}
	return testPipeline(m, string(kind), testPipelineConfig()), reg
}

// eachLine calls fn with every line of data, without "\n" or "\r", as the follower does.
func eachLine(data []byte, fn func([]byte)) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data)
		}
		line := data[:i]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		fn(line)
		data = data[min(i+1, len(data)):]
	}
}

// TestPipelineMatchesGenerator replays generated logs of every kind (every message shape,
// interleaved threads, caching, duplicates, abandoned requests, malformed lines) and checks
// every count against what the generator says it wrote.
func TestPipelineMatchesGenerator(t *testing.T) {
	for _, kind := range loggen.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			data, want := generate(t, kind, 60000, 0.001)
			p, reg := pipelineFor(t, kind)
			eachLine(data, p.HandleLine)
			p.Flush()
			got, err := loggen.ParseText(bytes.NewReader(gatherText(t, reg)))
			if err != nil {
				t.Fatal(err)
			}
			if diffs := want.Compare(got); len(diffs) > 0 {
				for _, d := range diffs[:min(len(diffs), 20)] {
					t.Error(d)
				}
				t.Fatalf("%d differences from the generator's expected counts", len(diffs))
			}
		})
	}
}

// BenchmarkPipeline is one log end to end without the file: parse, correlate, count.
func BenchmarkPipeline(b *testing.B) {
	for _, kind := range []loggen.Kind{loggen.KindRadius, loggen.KindService} {
		b.Run(string(kind), func(b *testing.B) {
			data, _ := generate(b, kind, 200000, 0)
			var lines [][]byte
			eachLine(data, func(l []byte) { lines = append(lines, l) })
			p, _ := pipelineFor(b, kind)
			b.SetBytes(int64(len(data) / len(lines)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				p.HandleLine(lines[i%len(lines)])
			}
		})
	}
}

// BenchmarkCount is the metrics sink alone: what counting one completed authentication costs.
func BenchmarkCount(b *testing.B) {
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	l := m.ForLog(LogRadius, testPipelineConfig().StatsWindow)
	status, _ := logparse.LookupCode(21)
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	a := logparse.Auth{
		Source: logparse.SourceCall, Outcome: logparse.OutcomeCompleted, User: []byte(`CONTOSO\alice`),
		Start: start, End: start.Add(5 * time.Second), Duration: 5 * time.Second, HasDuration: true,
		Status: status, StatusKnown: true, Verdict: logparse.VerdictSuccess, Result: logparse.ResultSuccess,
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		a.End = start.Add(time.Duration(i) * time.Millisecond)
		l.Ended(&a)
	}
}

// BenchmarkScrape serves /metrics for four logs that have each read 20,000 generated lines.
func BenchmarkScrape(b *testing.B) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range loggen.Kinds {
		p := testPipeline(m, string(kind), testPipelineConfig())
		data, _ := generate(b, kind, 20000, 0.001)
		eachLine(data, p.HandleLine)
		p.Flush()
	}
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	samples, err := loggen.ParseText(rec.Body)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		w := httptest.NewRecorder()
		w.Body = bytes.NewBuffer(make([]byte, 0, 1<<20))
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
		_, _ = io.Copy(io.Discard, w.Body)
	}
	b.ReportMetric(float64(len(samples)), "series") // after the loop: ResetTimer drops metrics
}

// TestPipelineDoesNotAllocate: once a log's series, buffers and tables exist, its lines go
// through parse, correlate and count (and the counts are published) without one allocation.
// The same generated log is replayed on later days: the same users, threads, codes and answer
// times, so after a few days, in which every reused buffer reaches its size (a remembered
// user's name buffer grows when it is reused for a longer name), nothing new has to be created.
func TestPipelineDoesNotAllocate(t *testing.T) {
	const warmDays = 3
	for _, kind := range loggen.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			day := func(start time.Time) [][]byte {
				var buf bytes.Buffer
				cfg := loggen.Config{Seed: 7, Lines: 20000, Kind: kind, Malformed: 0.001, Start: start}
				if _, err := loggen.Generate(&buf, cfg); err != nil {
					t.Fatal(err)
				}
				var lines [][]byte
				eachLine(buf.Bytes(), func(l []byte) { lines = append(lines, l) })
				return lines
			}
			p, _ := pipelineFor(t, kind)
			for d := range warmDays {
				for _, l := range day(loggen.DefaultStart.AddDate(0, 0, d)) {
					p.HandleLine(l)
				}
				p.Flush()
			}
			second := day(loggen.DefaultStart.AddDate(0, 0, warmDays))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for _, l := range second {
				p.HandleLine(l)
			}
			p.Flush()
			runtime.ReadMemStats(&after)
			if n := after.Mallocs - before.Mallocs; n != 0 {
				t.Errorf("%d allocations for %d lines, want 0", n, len(second))
			}
		})
	}
}
