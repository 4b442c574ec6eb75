package pool_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

func TestMapOrder(t *testing.T) {
	base := runtime.NumGoroutine()
	for _, n := range []int{0, 1, 7, 1000, 10_000} {
		for _, limit := range []int{1, 3, 64, pool.NoLimit} {
			in := make([]int, n)
			for i := range in {
				in[i] = i
			}
			var pk peak
			out, err := pool.Map(context.Background(), limit, in, func(_ context.Context, v int) (string, error) {
				if v%97 == 0 {
					pk.enter()
					defer pk.exit()
				}
				return fmt.Sprint(v * v), nil
			})
			if err != nil || len(out) != n {
				t.Fatalf("n %d, limit %d: Map() = len %d, %v; want len %d, nil", n, limit, len(out), err, n)
			}
			for i, got := range out {
				if want := fmt.Sprint(i * i); got != want {
					t.Fatalf("n %d, limit %d: out[%d] = %q, want %q", n, limit, i, got, want)
				}
			}
			if got := pk.max.Load(); got > int64(limit) {
				t.Errorf("n %d, limit %d: %d calls ran at once", n, limit, got)
			}
			leaktest.Back(t, base)
		}
	}
}

// TestMapLimitStress checks the limit with every call counted.
func TestMapLimitStress(t *testing.T) {
	for _, limit := range []int{1, 2, 5} {
		var pk peak
		err := pool.ForEach(context.Background(), limit, make([]int, 3000), func(context.Context, int) error {
			pk.enter()
			pk.exit()
			return nil
		})
		if err != nil {
			t.Fatalf("ForEach() = %v", err)
		}
		if got := pk.max.Load(); got > int64(limit) || got < 1 {
			t.Errorf("limit %d: %d calls ran at once, want 1..%d", limit, got, limit)
		}
	}
}

// TestMapFirstErrorStops: with limit 1 the calls run in order, so exactly
// the calls up to the failing one happen.
func TestMapFirstErrorStops(t *testing.T) {
	in := make([]int, 1000)
	for i := range in {
		in[i] = i
	}
	var calls atomic.Int64
	out, err := pool.Map(context.Background(), 1, in, func(_ context.Context, v int) (int, error) {
		calls.Add(1)
		if v == 5 {
			return 0, errTask
		}
		return v, nil
	})
	if err != errTask || out != nil {
		t.Fatalf("Map() = %v, %v; want nil, %v", out, err, errTask)
	}
	if got := calls.Load(); got != 6 {
		t.Errorf("fn called %d times, want 6 (no call after the failure)", got)
	}

	// With more goroutines, the others see the cancelled context and stop.
	calls.Store(0)
	err = pool.ForEach(context.Background(), 4, in, func(ctx context.Context, v int) error {
		calls.Add(1)
		if v == 0 {
			return errTask
		}
		<-ctx.Done()
		if cause := context.Cause(ctx); cause != errTask {
			t.Errorf("context.Cause = %v, want %v", cause, errTask)
		}
		return ctx.Err()
	})
	if err != errTask {
		t.Fatalf("ForEach() = %v, want %v", err, errTask)
	}
	if got := calls.Load(); got > 4+16 {
		t.Errorf("fn called %d times after an early failure, want few", got)
	}
}

func TestMapPanic(t *testing.T) {
	entries := []struct {
		name string
		run  func(limit int, fn func())
	}{
		{"Map", func(limit int, fn func()) {
			_, _ = pool.Map(context.Background(), limit, make([]int, 100), func(context.Context, int) (int, error) {
				fn()
				return 0, nil
			})
		}},
		{"ForEach", func(limit int, fn func()) {
			_ = pool.ForEach(context.Background(), limit, make([]int, 100), func(context.Context, int) error {
				fn()
				return nil
			})
		}},
	}
	for _, e := range entries {
		for _, k := range panicKinds {
			for _, limit := range []int{1, 4} {
				t.Run(fmt.Sprintf("%s/%s/limit=%d", e.name, k.name, limit), func(t *testing.T) {
					base := runtime.NumGoroutine()
					var calls atomic.Int64
					pe := recoverPanicError(t, func() {
						e.run(limit, func() {
							if calls.Add(1) == 3 {
								k.do()
							}
						})
					})
					if !k.check(pe.Value) {
						t.Errorf("Value = %#v, not the panic", pe.Value)
					}
					if !strings.Contains(string(pe.Stack), "pool_test.TestMapPanic") {
						t.Errorf("Stack does not show the panicking fn:\n%s", pe.Stack)
					}
					if limit == 1 && calls.Load() != 3 {
						t.Errorf("fn called %d times, want 3 (none after the panic)", calls.Load())
					}
					leaktest.Back(t, base)
				})
			}
		}
	}
	t.Run("ForEach keeps later panics", func(t *testing.T) {
		var started atomic.Int64
		pe := recoverPanicError(t, func() {
			_ = pool.ForEach(context.Background(), 2, []int{0, 1}, func(ctx context.Context, v int) error {
				// Both calls are under way before either panics.
				for started.Add(1); started.Load() < 2; {
					runtime.Gosched()
				}
				panic(v)
			})
		})
		if len(pe.Later) != 1 || pe.Value == pe.Later[0].Value {
			t.Errorf("ForEach panicked with %v, Later %v: want both panics", pe.Value, pe.Later)
		}
	})
}

func TestMapContext(t *testing.T) {
	cause := errors.New("shutting down")
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		out, err := pool.Map(ctx, 2, []int{1, 2}, func(context.Context, int) (int, error) {
			t.Error("fn called with a done context")
			return 0, nil
		})
		if err != cause || out != nil {
			t.Errorf("Map() = %v, %v; want nil, %v", out, err, cause)
		}
	})
	t.Run("cancelled during", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			var calls atomic.Int64
			err := pool.ForEach(ctx, 2, make([]int, 1000), func(context.Context, int) error {
				if calls.Add(1) == 10 {
					cancel(cause)
				}
				return nil
			})
			if err != cause {
				t.Errorf("ForEach() = %v, want %v", err, cause)
			}
			if got := calls.Load(); got >= 1000 {
				t.Errorf("fn called %d times, want it to stop after the cancellation", got)
			}
		})
	})
	t.Run("cancelled after", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out, err := pool.Map(ctx, 1, []int{1, 2, 3}, func(_ context.Context, v int) (int, error) {
			if v == 3 {
				cancel() // the last element: nothing is left undone
			}
			return v, nil
		})
		if err != nil || len(out) != 3 {
			t.Errorf("Map() = %v, %v; want every result", out, err)
		}
		cancel()
	})
}

func TestMapBadInput(t *testing.T) {
	ctx := context.Background()
	id := func(_ context.Context, v int) (int, error) { return v, nil }
	mustPanic(t, "pool: limit must be at least 1, got 0", func() { _, _ = pool.Map(ctx, 0, []int{1}, id) })
	mustPanic(t, "pool: limit must be at least 1, got -2", func() { _ = pool.ForEach(ctx, -2, []int{}, func(context.Context, int) error { return nil }) })
	mustPanic(t, "pool: Map called with a nil fn", func() { _, _ = pool.Map[int, int](ctx, 1, nil, nil) })
	mustPanic(t, "pool: ForEach called with a nil fn", func() { _ = pool.ForEach[int](ctx, 1, nil, nil) })
}
