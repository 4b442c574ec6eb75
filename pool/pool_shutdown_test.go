package pool_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

// TestPoolShutdownBounded: Shutdown stops accepting, gives up with ctx.Err()
// when ctx ends first, and the tasks go on: a later Close waits for them
// and nothing is dropped.
func TestPoolShutdownBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(1, pool.Backlog(4))
		release := make(chan struct{})
		var ran atomic.Int64
		for range 3 {
			if err := p.Submit(context.Background(), func() { <-release; ran.Add(1) }); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := p.Shutdown(ctx); err != context.DeadlineExceeded {
			t.Errorf("Shutdown() = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Second {
			t.Errorf("Shutdown gave up after %v, want 1s", d)
		}
		if err := p.Submit(context.Background(), func() {}); !errors.Is(err, tame.ErrClosed) {
			t.Errorf("Submit() after Shutdown = %v, want tame.ErrClosed", err)
		}
		if s := p.Stats(); s.Running != 1 || s.Waiting != 2 {
			t.Errorf("Stats() = %+v after Shutdown gave up, want Running 1, Waiting 2 (nothing dropped)", s)
		}
		close(release)
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
		if got := ran.Load(); got != 3 {
			t.Errorf("%d tasks ran, want 3", got)
		}
		// Once everything ran, Shutdown returns Close's result even with a
		// done context.
		done, cancel2 := context.WithCancel(context.Background())
		cancel2()
		if err := p.Shutdown(done); err != nil {
			t.Errorf("Shutdown(done ctx) after Close = %v, want nil", err)
		}
	})
}

func TestPoolShutdownDoneContextIdle(t *testing.T) {
	p := pool.NewPool(2)
	for range 10 {
		_ = p.Submit(context.Background(), func() { panic("boom") })
	}
	for p.Stats().Running > 0 {
		runtime.Gosched()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// Everything accepted has run: Shutdown returns the panics, not ctx.Err().
	err := p.Shutdown(ctx)
	var pe *tame.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Shutdown(done ctx) on an idle pool = %v, want the panics", err)
	}
	if err2 := p.Close(); err2 != err {
		t.Errorf("Close() = %v, want the same value as Shutdown", err2)
	}
}

// TestPoolShutdownFromTask: Shutdown (and Close) from a task of the pool
// return at once with tame.ErrDeadlock, whatever the context.
func TestPoolShutdownFromTask(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pool.NewPool(2)
	inner := make(chan error, 2)
	var ran atomic.Int64
	_ = p.Submit(context.Background(), func() {
		inner <- p.Shutdown(context.Background())
		inner <- p.Close()
		ran.Add(1)
	})
	watchdog(t, 10*time.Second, func() {
		for range 2 {
			if err := <-inner; !errors.Is(err, tame.ErrDeadlock) {
				t.Errorf("Shutdown or Close from a task = %v, want tame.ErrDeadlock", err)
			}
		}
	})
	if err := p.Submit(context.Background(), func() {}); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Submit() after Shutdown from a task = %v, want tame.ErrClosed", err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown() from outside = %v, want nil", err)
	}
	if ran.Load() != 1 {
		t.Error("the task did not finish before Shutdown returned")
	}
	leaktest.Back(t, base)
}

// TestPoolShutdownFromOtherPoolWaits: a task of another pool is an ordinary
// caller: its Close waits.
func TestPoolShutdownFromOtherPoolWaits(t *testing.T) {
	a, b := pool.NewPool(1), pool.NewPool(1)
	var ran atomic.Bool
	_ = b.Submit(context.Background(), func() { ran.Store(true) })
	errc := make(chan error, 1)
	_ = a.Submit(context.Background(), func() { errc <- b.Close() })
	if err := <-errc; err != nil {
		t.Errorf("Close() of another pool from a task = %v, want nil", err)
	}
	if !ran.Load() {
		t.Error("Close from another pool's task returned before the task ran")
	}
	if err := a.Close(); err != nil {
		t.Error(err)
	}
}

// TestPoolCloseAndShutdownAgree: concurrent Close and Shutdown calls, some
// with contexts that end, return the same result once everything ran.
func TestPoolCloseAndShutdownAgree(t *testing.T) {
	for range 20 {
		base := runtime.NumGoroutine()
		p := pool.NewPool(2)
		release := make(chan struct{})
		for i := range 6 {
			_ = p.Submit(context.Background(), func() {
				<-release
				if i%2 == 0 {
					panic(i)
				}
			})
		}
		var wg sync.WaitGroup
		results := make([]error, 8)
		for i := range results {
			wg.Go(func() {
				switch i % 3 {
				case 0:
					results[i] = p.Close()
				case 1:
					results[i] = p.Shutdown(context.Background())
				default:
					ctx, cancel := context.WithCancel(context.Background())
					if i == 2 {
						cancel() // gives up at once, unless everything ran
					} else {
						defer cancel()
					}
					err := p.Shutdown(ctx)
					if err == context.Canceled {
						err = p.Close()
					}
					results[i] = err
				}
			})
		}
		close(release)
		wg.Wait()
		if results[0] == nil {
			t.Fatal("Close() = nil, want the panics")
		}
		for i, err := range results {
			if err != results[0] {
				t.Errorf("call %d returned %v, want the same value as the others", i, err)
			}
		}
		leaktest.Back(t, base)
	}
}
