package pool_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/pool"
)

// FuzzMap checks, for any input, limit and failing element, that Map either
// returns every result in input order or the error of an element that fails,
// and that with limit 1 no element after the failing one is handled.
func FuzzMap(f *testing.F) {
	f.Add(uint16(100), uint8(3), int16(-1))
	f.Add(uint16(0), uint8(1), int16(0))
	f.Add(uint16(1000), uint8(1), int16(500))
	f.Add(uint16(37), uint8(64), int16(36))
	f.Fuzz(func(t *testing.T, n uint16, limit uint8, failAt int16) {
		if limit == 0 {
			limit = 1
		}
		in := make([]int, int(n)%5000)
		for i := range in {
			in[i] = i
		}
		var maxSeen atomic.Int64
		out, err := pool.Map(context.Background(), int(limit), in, func(_ context.Context, v int) (int, error) {
			for {
				m := maxSeen.Load()
				if int64(v) <= m || maxSeen.CompareAndSwap(m, int64(v)) {
					break
				}
			}
			if v == int(failAt) {
				return 0, fmt.Errorf("element %d", v)
			}
			return -v, nil
		})
		if int(failAt) >= 0 && int(failAt) < len(in) {
			if want := fmt.Sprintf("element %d", failAt); err == nil || err.Error() != want || out != nil {
				t.Fatalf("Map() = %v, %v; want nil, %q", out, err, want)
			}
			if limit == 1 && maxSeen.Load() != int64(failAt) {
				t.Fatalf("limit 1: element %d handled after element %d failed", maxSeen.Load(), failAt)
			}
			return
		}
		if err != nil || len(out) != len(in) {
			t.Fatalf("Map() = len %d, %v; want len %d, nil", len(out), err, len(in))
		}
		for i, v := range out {
			if v != -i {
				t.Fatalf("out[%d] = %d, want %d", i, v, -i)
			}
		}
	})
}
