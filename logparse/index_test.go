package logparse

import (
	"math/rand/v2"
	"testing"
)

// TestIndexMatchesMap: random puts, gets and deletes on a small key space (so that runs of
// probes collide, wrap around the table and are shifted back) give what a Go map gives.
func TestIndexMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, keys := range []uint64{8, 64, 5000} {
		x := newIndex(0)
		want := map[uint64]int32{}
		for step := range 200000 {
			// Keys that share their low or high bits, as thread keys and hashes may.
			k := rng.Uint64N(keys)
			if step%2 == 0 {
				k <<= 40
			}
			switch rng.IntN(3) {
			case 0:
				v := int32(rng.IntN(1 << 20))
				x.put(k, v)
				want[k] = v
			case 1:
				x.del(k)
				delete(want, k)
			}
			got, ok := x.get(k)
			w, wok := want[k]
			if ok != wok || ok && got != w {
				t.Fatalf("keys %d, step %d: get(%d) = %d, %v; want %d, %v", keys, step, k, got, ok, w, wok)
			}
			if x.len() != len(want) {
				t.Fatalf("keys %d, step %d: len %d, want %d", keys, step, x.len(), len(want))
			}
		}
		for k, w := range want {
			if got, ok := x.get(k); !ok || got != w {
				t.Fatalf("keys %d: at the end get(%d) = %d, %v; want %d", keys, k, got, ok, w)
			}
		}
	}
}
