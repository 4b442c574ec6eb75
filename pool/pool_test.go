package pool_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

func TestPoolRunsEveryTask(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pool.NewPool(3)
	var ran atomic.Int64
	const n = 3000
	for range n {
		if err := p.Submit(context.Background(), func() { ran.Add(1) }); err != nil {
			t.Fatalf("Submit() = %v, want nil", err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	if got := ran.Load(); got != n {
		t.Fatalf("%d tasks ran when Close returned, want %d", got, n)
	}
	leaktest.Back(t, base)
	s := p.Stats()
	if s.Completed != n || s.Failed != 0 || s.Running != 0 || s.Waiting != 0 || s.Submitted != n || s.MaxRunning < 1 || s.MaxRunning > 3 {
		t.Errorf("Stats() = %+v, want Completed %d, Failed 0, Running 0, Waiting 0, Submitted n, MaxRunning 1..3", s, n)
	}
}

func TestPoolLimitStress(t *testing.T) {
	for _, limit := range []int{1, 2, 5} {
		var pk peak
		p := pool.NewPool(limit, pool.Backlog(16))
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 500 {
					if err := p.Submit(context.Background(), func() { pk.enter(); pk.exit() }); err != nil {
						t.Errorf("Submit() = %v", err)
					}
				}
			})
		}
		wg.Wait()
		if err := p.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		got := pk.max.Load()
		if got > int64(limit) || got < 1 {
			t.Errorf("limit %d: at most %d tasks ran at once, want 1..%d", limit, got, limit)
		}
		if s := p.Stats(); s.MaxRunning > limit || s.Completed != 2000 {
			t.Errorf("limit %d: Stats() = %+v, want MaxRunning <= %d, Completed 2000", limit, s, limit)
		}
	}
}

func TestPoolNoLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(pool.NoLimit)
		const n = 100
		release := make(chan struct{})
		for range n {
			if err := p.Submit(context.Background(), func() { <-release }); err != nil {
				t.Fatalf("Submit() = %v", err)
			}
		}
		synctest.Wait()
		if s := p.Stats(); s.Running != n || s.Waiting != 0 {
			t.Errorf("Stats() = %+v, want all %d tasks running at once", s, n)
		}
		close(release)
		if err := p.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	})
}

func TestPoolPanic(t *testing.T) {
	for _, k := range panicKinds {
		t.Run(k.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			reported := make(chan *tame.PanicError, 10)
			p := pool.NewPool(1, pool.OnPanic(func(pe *tame.PanicError) { reported <- pe }))
			if err := p.Submit(context.Background(), k.do); err != nil {
				t.Fatalf("Submit() = %v", err)
			}
			// OnPanic is told at once, long before Close.
			pe := <-reported
			if !k.check(pe.Value) {
				t.Errorf("OnPanic got Value %#v, not the panic", pe.Value)
			}
			// The pool keeps its one slot: later tasks still run.
			var ran atomic.Int64
			for range 5 {
				if err := p.Submit(context.Background(), func() { ran.Add(1) }); err != nil {
					t.Fatalf("Submit() after a panic = %v", err)
				}
				if err := p.Submit(context.Background(), k.do); err != nil {
					t.Fatalf("Submit() after a panic = %v", err)
				}
			}
			err := p.Close()
			if got := ran.Load(); got != 5 {
				t.Errorf("%d tasks ran after the panics, want 5", got)
			}
			var got *tame.PanicError
			if !errors.As(err, &got) || !k.check(got.Value) {
				t.Fatalf("Close() = %v, want the panics as *tame.PanicError", err)
			}
			if s := p.Stats(); s.Failed != 6 || s.Completed != 5 {
				t.Errorf("Stats() = %+v, want Failed 6, Completed 5", s)
			}
			if err2 := p.Close(); err2 != err {
				t.Errorf("second Close() = %v, want the same value %v", err2, err)
			}
			leaktest.Back(t, base)
		})
	}
}

func TestPoolOnPanicHandlerPanics(t *testing.T) {
	p := pool.NewPool(1, pool.OnPanic(func(*tame.PanicError) { panic("handler") }))
	_ = p.Submit(context.Background(), func() { panic("task") })
	var ran atomic.Bool
	_ = p.Submit(context.Background(), func() { ran.Store(true) })
	err := p.Close()
	if !ran.Load() {
		t.Error("the task after the handler's panic did not run")
	}
	if err == nil || !strings.Contains(err.Error(), "panic: task") || !strings.Contains(err.Error(), "panic: handler") {
		t.Errorf("Close() = %v, want both the task's and the handler's panic", err)
	}
}

func TestPoolTrySubmit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(1, pool.Backlog(2))
		release := make(chan struct{})
		if !p.TrySubmit(func() { <-release }) {
			t.Fatal("TrySubmit() on an empty pool = false")
		}
		synctest.Wait()
		for i := range 2 {
			if !p.TrySubmit(func() {}) {
				t.Fatalf("TrySubmit() #%d with room in the backlog = false", i)
			}
		}
		if p.TrySubmit(func() { t.Error("rejected task ran") }) {
			t.Error("TrySubmit() on a full pool = true")
		}
		close(release)
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		if s := p.Stats(); s.Completed != 3 {
			t.Errorf("Stats().Completed = %d, want 3", s.Completed)
		}
	})
}

// TestPoolTaskNotRetained: once a task has run, the pool no longer holds
// its closure, so what it captured can be collected while the pool lives.
func TestPoolTaskNotRetained(t *testing.T) {
	p := pool.NewPool(1)
	defer p.Close()
	collected := make(chan struct{})
	done := make(chan struct{})
	func() {
		buf := make([]byte, 8<<20)
		runtime.AddCleanup(&buf[0], func(ch chan struct{}) { close(ch) }, collected)
		_ = p.Submit(context.Background(), func() { buf[0]++; close(done) })
	}()
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		select {
		case <-collected:
			return
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("a finished task's closure is still reachable")
		}
		runtime.Gosched()
	}
}

func TestPoolBadInput(t *testing.T) {
	mustPanic(t, "pool: limit must be at least 1, got 0", func() { pool.NewPool(0) })
	mustPanic(t, "pool: backlog must be at least 1, got 0", func() { pool.Backlog(0) })
	mustPanic(t, "pool: OnPanic called with a nil function", func() { pool.OnPanic(nil) })
	p := pool.NewPool(1)
	mustPanic(t, "pool: Submit called with a nil task", func() { _ = p.Submit(context.Background(), nil) })
	mustPanic(t, "pool: TrySubmit called with a nil task", func() { p.TrySubmit(nil) })
	if err := p.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	var zero pool.Pool
	mustPanic(t, "pool: Submit called on a Pool not made by NewPool", func() { _ = zero.Submit(context.Background(), func() {}) })
	mustPanic(t, "pool: Close called on a Pool not made by NewPool", func() { _ = zero.Close() })
	mustPanic(t, "pool: Shutdown called on a Pool not made by NewPool", func() { _ = zero.Shutdown(context.Background()) })
	mustPanic(t, "pool: SetLimit called on a Pool not made by NewPool", func() { zero.SetLimit(1) })
	mustPanic(t, "pool: Shutdown called with a nil context", func() { _ = p.Shutdown(nilContext) })
	mustPanic(t, "pool: limit must be at least 1, got -1", func() { p.SetLimit(-1) })
	mustPanic(t, "pool: limit must be at least 1, got 0", func() { p.SetLimit(0) })
	mustPanic(t, "pool: JoinErrors applies to a Group, not to a Pool", func() { pool.NewPool(1, pool.JoinErrors()) })
	mustPanic(t, "pool: NewPool called with a nil Option", func() { pool.NewPool(1, nil) })
	mustPanic(t, "pool: Submit called with a nil context", func() { _ = p.Submit(nilContext, func() {}) })
	mustPanic(t, "pool: TrySubmit called on a Pool not made by NewPool", func() { zero.TrySubmit(func() {}) })
	mustPanic(t, "pool: Stats called on a Pool not made by NewPool", func() { zero.Stats() })
}
