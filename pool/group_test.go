package pool_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

var errTask = errors.New("task failed")

func TestGroupRunsEveryTask(t *testing.T) {
	base := runtime.NumGoroutine()
	for _, limit := range []int{1, 3, pool.NoLimit} {
		var ran atomic.Int64
		g := pool.NewGroup(context.Background(), limit)
		const n = 3000
		for range n {
			g.Go(func(context.Context) error { ran.Add(1); return nil })
		}
		if err := g.Wait(); err != nil {
			t.Fatalf("limit %d: Wait() = %v, want nil", limit, err)
		}
		// Wait is synchronous: every task has returned when it does.
		if got := ran.Load(); got != n {
			t.Fatalf("limit %d: %d tasks ran when Wait returned, want %d", limit, got, n)
		}
		leaktest.Back(t, base)
	}
}

// TestGroupLimitStress checks that no more than limit tasks ever run at once,
// also with tasks that start tasks.
func TestGroupLimitStress(t *testing.T) {
	for _, limit := range []int{1, 2, 5} {
		var p peak
		g := pool.NewGroup(context.Background(), limit)
		task := func(context.Context) error { p.enter(); p.exit(); return nil }
		for i := range 2000 {
			if i%100 == 0 {
				g.Go(func(context.Context) error {
					p.enter()
					defer p.exit()
					for range 10 {
						g.Go(task)
					}
					return nil
				})
			}
			g.Go(task)
		}
		if err := g.Wait(); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
		if got := p.max.Load(); got > int64(limit) || got < 1 {
			t.Errorf("limit %d: at most %d tasks ran at once, want 1..%d", limit, got, limit)
		}
	}
}

func TestGroupFirstErrorCancels(t *testing.T) {
	g := pool.NewGroup(context.Background(), 2)
	release := make(chan struct{})
	var sawCause atomic.Value
	g.Go(func(ctx context.Context) error {
		<-ctx.Done() // cancelled by the failing task
		sawCause.Store(context.Cause(ctx))
		return errors.New("second error, dropped")
	})
	g.Go(func(context.Context) error { <-release; return errTask })
	close(release)
	if err := g.Wait(); err != errTask {
		t.Fatalf("Wait() = %v, want %v", err, errTask)
	}
	if got := sawCause.Load(); got != errTask {
		t.Errorf("context.Cause in the other task = %v, want %v", got, errTask)
	}
	if err := g.Wait(); err != errTask {
		t.Errorf("second Wait() = %v, want %v", err, errTask)
	}
}

func TestGroupPanic(t *testing.T) {
	for _, k := range panicKinds {
		t.Run(k.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			g := pool.NewGroup(context.Background(), 2)
			var cause atomic.Value
			g.Go(func(ctx context.Context) error {
				<-ctx.Done() // the panic cancels the group at once
				cause.Store(context.Cause(ctx))
				return nil
			})
			g.Go(func(context.Context) error { k.do(); return nil })
			pe := recoverPanicError(t, func() { _ = g.Wait() })
			if !k.check(pe.Value) {
				t.Errorf("Value = %#v, not the panic", pe.Value)
			}
			if c, _ := cause.Load().(*tame.PanicError); c == nil || c.Value != pe.Value && k.name != "nil" {
				t.Errorf("context.Cause = %v, want the *tame.PanicError", cause.Load())
			}
			if !strings.Contains(string(pe.Stack), "pool_test.TestGroupPanic") {
				t.Errorf("Stack does not show the panicking task:\n%s", pe.Stack)
			}
			// Wait panics the same way every time.
			pe2 := recoverPanicError(t, func() { _ = g.Wait() })
			if pe2.Value != pe.Value {
				t.Errorf("second Wait panicked with %v, want %v", pe2.Value, pe.Value)
			}
			leaktest.Back(t, base)
		})
	}
}

// TestGroupPanicsKept checks that the first panic wins over an earlier error
// and that later panics stay reachable.
func TestGroupPanicsKept(t *testing.T) {
	g := pool.NewGroup(context.Background(), 1)
	release := make(chan struct{})
	g.Go(func(context.Context) error { <-release; return errTask })
	// Accepted before the error: they still run, one at a time.
	g.Go(func(context.Context) error { panic("first") })
	g.Go(func(context.Context) error { panic("second") })
	close(release)
	pe := recoverPanicError(t, func() { _ = g.Wait() })
	if pe.Value != "first" {
		t.Fatalf("Wait panicked with %v, want first", pe.Value)
	}
	if len(pe.Later) != 1 || pe.Later[0].Value != "second" {
		t.Fatalf("Later = %v, want [second]", pe.Later)
	}
}

// TestGroupPanicKeepsCapacity checks that panics and Goexit do not lose a
// worker slot: with limit 1, every accepted task still runs.
func TestGroupPanicKeepsCapacity(t *testing.T) {
	g := pool.NewGroup(context.Background(), 1)
	var ran atomic.Int64
	release := make(chan struct{})
	g.Go(func(context.Context) error { <-release; return nil })
	for i := range 30 {
		k := panicKinds[i%len(panicKinds)]
		g.Go(func(context.Context) error { ran.Add(1); k.do(); return nil })
	}
	close(release) // all accepted before the first panic
	pe := recoverPanicError(t, func() { _ = g.Wait() })
	if got := ran.Load(); got != 30 {
		t.Errorf("%d tasks ran, want 30 (tasks accepted before the panic still run)", got)
	}
	if got := len(pe.Later); got != 29 {
		t.Errorf("len(Later) = %d, want 29", got)
	}
}

func TestGroupBadInput(t *testing.T) {
	ctx := context.Background()
	mustPanic(t, "pool: limit must be at least 1, got 0", func() { pool.NewGroup(ctx, 0) })
	mustPanic(t, "pool: limit must be at least 1, got -1", func() { pool.NewGroup(ctx, -1) })
	g := pool.NewGroup(ctx, 1)
	mustPanic(t, "pool: Go called with a nil task", func() { g.Go(nil) })
	mustPanic(t, "pool: TryGo called with a nil task", func() { g.TryGo(nil) })
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait() = %v", err)
	}
	task := func(context.Context) error { return nil }
	mustPanic(t, "pool: Go called after Wait returned", func() { g.Go(task) })
	mustPanic(t, "pool: TryGo called after Wait returned", func() { g.TryGo(task) })
	var zero pool.Group
	mustPanic(t, "pool: Go called on a Group not made by NewGroup", func() { zero.Go(task) })
	mustPanic(t, "pool: TryGo called on a Group not made by NewGroup", func() { zero.TryGo(task) })
	mustPanic(t, "pool: Wait called on a Group not made by NewGroup", func() { _ = zero.Wait() })
	mustPanic(t, "pool: Context called on a Group not made by NewGroup", func() { zero.Context() })
	mustPanic(t, "pool: OnPanic applies to a Pool, not to a Group", func() {
		pool.NewGroup(ctx, 1, pool.OnPanic(func(*tame.PanicError) {}))
	})
	mustPanic(t, "pool: NewGroup called with a nil Option", func() { pool.NewGroup(ctx, 1, nil) })
	mustPanic(t, "pool: NewGroup called with a nil context", func() { pool.NewGroup(nilContext, 1) })
}
