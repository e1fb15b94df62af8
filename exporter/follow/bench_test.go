package follow

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"
)

// BenchmarkFollowerOneShot reads a 200,000-line file of MFA-sized lines
// through the own follower's one-shot path (the same reader and decoding
// as following). Reports lines/s; allocations are per file, not per line.
func BenchmarkFollowerOneShot(b *testing.B) {
	const lines = 200_000
	line := "2026-11-23T18:10:55.123Z i|1234|5678|pfsvc|Pfauth succeeded for user 'CONTOSO\\someone' with status 'PHONE_APP_AUTHENTICATED' [code=21]"
	for _, enc := range []string{"utf-8", "utf-16le"} {
		b.Run(enc, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.log")
			var data []byte
			for i := range lines {
				s := fmt.Sprintf("%s %07d\r\n", line, i)
				if enc == "utf-16le" {
					if i == 0 {
						data = append(data, bomUTF16LE...)
					}
					for _, u := range utf16.Encode([]rune(s)) {
						data = append(data, byte(u), byte(u>>8))
					}
					continue
				}
				data = append(data, s...)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				f, err := New(Config{Path: path, OneShot: true})
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Run(context.Background(), func([]byte) { n++ }); err != nil {
					b.Fatal(err)
				}
			}
			if n != lines*b.N {
				b.Fatalf("read %d lines, want %d", n, lines*b.N)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}
