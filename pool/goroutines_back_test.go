package pool_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

// customCtx is a context whose type the context package does not know: a
// context derived from it is watched by a goroutine of the context package
// until it is cancelled.
type customCtx struct{ context.Context }

// TestGoroutinesBackAfterEveryEnding: once Close, Shutdown, Wait, Map or
// ForEach has returned (or re-panicked), the goroutine count is back to its
// baseline, however the tasks ended and whatever the parent context was.
func TestGoroutinesBackAfterEveryEnding(t *testing.T) {
	failures := []struct {
		name string
		do   func() error
	}{
		{"return", func() error { return nil }},
		{"error", func() error { return errors.New("pool_test: task error") }},
		{"panic", func() error { panic("pool_test: task panic") }},
		{"panic(nil)", func() error { panic(nil) }},
		{"Goexit", func() error { runtime.Goexit(); return nil }},
	}
	parents := []struct {
		name string
		make func() (context.Context, context.CancelFunc)
	}{
		{"background", func() (context.Context, context.CancelFunc) { return context.Background(), func() {} }},
		{"cancelled midway", func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"custom type", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			return customCtx{ctx}, cancel
		}},
	}
	for _, f := range failures {
		for _, parent := range parents {
			t.Run(f.name+"/"+parent.name, func(t *testing.T) {
				base := runtime.NumGoroutine()

				p := pool.NewPool(3, pool.Backlog(4))
				for range 20 {
					_ = p.Submit(context.Background(), func() { _ = f.do() })
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
				<-ctx.Done()
				_ = p.Shutdown(ctx)
				cancel()
				_ = p.Close()
				leaktest.Back(t, base)

				pctx, pcancel := parent.make()
				g := pool.NewGroup(pctx, 3, pool.Backlog(4))
				for i := range 20 {
					if i == 10 {
						pcancel()
					}
					g.Go(func(context.Context) error { return f.do() })
				}
				var err error
				func() {
					defer tame.Recover(&err)
					err = g.Wait()
				}()
				pcancel()
				leaktest.Back(t, base)

				pctx, pcancel = parent.make()
				func() {
					defer tame.Recover(&err)
					err = pool.ForEach(pctx, 3, make([]int, 50), func(_ context.Context, i int) error {
						return f.do()
					})
				}()
				pcancel()
				leaktest.Back(t, base)
			})
		}
	}
}
