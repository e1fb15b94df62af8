package report

import (
	"fmt"
	"testing"
)

func BenchmarkTableGet(b *testing.B) {
	t := newTable(DefaultMaxRows)
	names := make([][]byte, 5000)
	for i := range names {
		names[i] = fmt.Appendf(nil, `CONTOSO\user%05d`, i*7919%100000)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		t.get(names[(i*2654435761)%len(names)]).requests++
	}
}
