//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLiveLatency measures how long a line appended to a followed log takes to show at
// /metrics, with default settings: file-system notifications (Linux's default) and polling
// (Windows' only mode). Each iteration
// appends one complete authentication and scrapes until its count appears; p50 and p99 are
// reported. The scrape itself (about 1 ms) is part of the figure.
//
//	go test -run '^$' -bench LiveLatency -benchtime 200x ./cmd/azuremfa_exporter/
func BenchmarkLiveLatency(b *testing.B) {
	for _, mode := range []string{"--no-tail.poll", "--tail.poll"} {
		b.Run(strings.TrimPrefix(mode, "--"), func(b *testing.B) {
			dir := b.TempDir()
			log := filepath.Join(dir, "MultiFactorAuthRadiusSvc.log")
			if err := os.WriteFile(log, nil, 0o644); err != nil {
				b.Fatal(err)
			}
			addr := freeAddress(b)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"--mfa.radius-log=" + log, mode, "--web.listen-address=" + addr}, io.Discard, io.Discard)
			}()
			x := &exporterUnderTest{addr: addr, logs: &syncBuffer{}}
			x.waitFor(b, `azuremfa_exporter_log_file_open{log="radius"} 1`)
			f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer func() {
				if err := f.Close(); err != nil {
					b.Error(err)
				}
			}()
			var lat []time.Duration
			b.ResetTimer()
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range b.N {
				if mode == "--tail.poll" {
					// Lines arrive at random moments, not in step with the poll timer.
					time.Sleep(time.Duration(rng.Int64N(int64(300 * time.Millisecond))))
				}
				start := time.Now()
				if _, err := f.WriteString(numberedAuths(i, 1)); err != nil {
					b.Fatal(err)
				}
				want := fmt.Sprintf("%s %d\n", radiusResults, i+1)
				for !strings.Contains(x.scrape(), want) {
					if time.Since(start) > 10*time.Second {
						b.Fatalf("line %d not visible after 10s", i)
					}
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			if os.Getenv("AZUREMFA_LAT_DUMP") != "" {
				b.Log(lat)
			}
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			cancel()
			<-done
		})
	}
}

// BenchmarkIdleCPU follows two quiet logs for a while and reports the CPU the whole process
// used, as a percentage of one core.
//
//	go test -run '^$' -bench IdleCPU -benchtime 1x ./cmd/azuremfa_exporter/
func BenchmarkIdleCPU(b *testing.B) {
	for _, mode := range []string{"--no-tail.poll", "--tail.poll"} {
		b.Run(strings.TrimPrefix(mode, "--"), func(b *testing.B) {
			dir := b.TempDir()
			for _, name := range []string{"MultiFactorAuthRadiusSvc.log", "MultiFactorAuthSvc.log"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(numberedAuths(0, 10)), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			addr := freeAddress(b)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() {
				done <- run(ctx, []string{"--mfa.log-dir=" + dir, mode, "--web.listen-address=" + addr}, io.Discard, io.Discard)
			}()
			x := &exporterUnderTest{addr: addr, logs: &syncBuffer{}}
			x.waitFor(b, `azuremfa_exporter_log_file_open{log="service"} 1`)
			const idle = 20 * time.Second
			for range b.N {
				before := cpuTime()
				time.Sleep(idle)
				b.ReportMetric(100*float64(cpuTime()-before)/float64(idle), "%core")
			}
			cancel()
			<-done
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
