package pool_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/tamego/tame/pool"
)

// BenchmarkMap measures the cost per item of mapping 10 000 items, for
// pool.Map beside a serial loop and a static split into GOMAXPROCS chunks.
func BenchmarkMap(b *testing.B) {
	const items = 10_000
	in := make([]int, items)
	for i := range in {
		in[i] = i
	}
	fns := []struct {
		name string
		fn   func(context.Context, int) (int, error)
	}{
		{"tiny", func(_ context.Context, v int) (int, error) { return v * 2, nil }},
		{"spin1us", func(_ context.Context, v int) (int, error) { return int(spin(uint64(v)) & 1), nil }},
	}
	limit := runtime.GOMAXPROCS(0)
	impls := []struct {
		name string
		run  func(fn func(context.Context, int) (int, error)) ([]int, error)
	}{
		{"tame", func(fn func(context.Context, int) (int, error)) ([]int, error) {
			return pool.Map(context.Background(), limit, in, fn)
		}},
		{"serial", func(fn func(context.Context, int) (int, error)) ([]int, error) {
			ctx := context.Background()
			out := make([]int, len(in))
			for i, v := range in {
				r, err := fn(ctx, v)
				if err != nil {
					return nil, err
				}
				out[i] = r
			}
			return out, nil
		}},
		{"chunked", func(fn func(context.Context, int) (int, error)) ([]int, error) {
			ctx := context.Background()
			out := make([]int, len(in))
			errs := make([]error, limit)
			var wg sync.WaitGroup
			size := (len(in) + limit - 1) / limit
			for w := range limit {
				lo, hi := w*size, min((w+1)*size, len(in))
				wg.Go(func() {
					for i := lo; i < hi; i++ {
						r, err := fn(ctx, in[i])
						if err != nil {
							errs[w] = err
							return
						}
						out[i] = r
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return nil, err
				}
			}
			return out, nil
		}},
	}
	for _, impl := range impls {
		for _, f := range fns {
			b.Run(fmt.Sprintf("impl=%s/work=%s/limit=gomaxprocs/items=%d", impl.name, f.name, items), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					out, err := impl.run(f.fn)
					if err != nil || len(out) != items {
						b.Fatalf("Map: len %d, err %v", len(out), err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*items), "ns/item")
			})
		}
	}
}
