package lock_test

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/lock"
)

func TestDoContextDoneNeverRuns(t *testing.T) {
	g := lock.New(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := g.DoContext(ctx, func(*int) { ran = true }); err != context.Canceled || ran {
		t.Errorf("DoContext(done ctx) = %v (ran=%v), want %v without running fn", err, ran, context.Canceled)
	}
	if !g.TryDo(func(*int) {}) {
		t.Errorf("TryDo after DoContext(done ctx) = false, want true")
	}
}

func TestDoContextGivesUpWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := lock.New(0)
		held, release := make(chan struct{}), make(chan struct{})
		go g.Do(func(*int) { close(held); <-release })
		<-held
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		ran := false
		err := g.DoContext(ctx, func(*int) { ran = true })
		if err != context.DeadlineExceeded || ran {
			t.Errorf("DoContext while held = %v (ran=%v), want %v without running fn", err, ran, context.DeadlineExceeded)
		}
		if waited := time.Since(start); waited != time.Minute {
			t.Errorf("DoContext returned after %v, want %v (when ctx ended)", waited, time.Minute)
		}
		close(release)
		if err := g.DoContext(t.Context(), func(n *int) { *n++ }); err != nil {
			t.Errorf("DoContext after release = %v, want nil", err)
		}
	})
}

func TestDoContextWaiterGetsReleasedLock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := lock.New(0)
		held, release := make(chan struct{}), make(chan struct{})
		go g.Do(func(*int) { close(held); <-release })
		<-held
		const waiters = 3
		errs := make(chan error, waiters)
		for range waiters {
			go func() { errs <- g.DoContext(t.Context(), func(n *int) { *n++ }) }()
		}
		synctest.Wait() // every waiter is blocked in DoContext's select
		if got := g.TryDo(func(*int) {}); got {
			t.Fatalf("TryDo while held = true, want false")
		}
		close(release)
		for range waiters {
			if err := <-errs; err != nil {
				t.Errorf("DoContext = %v, want nil", err)
			}
		}
		if got := lock.With(g, func(n *int) int { return *n }); got != waiters {
			t.Errorf("value = %d, want %d", got, waiters)
		}
	})
}

// TestDoContextUnderContention mixes Do with DoContext callers, some of which
// give up, and checks that nobody waits forever (no lost wake-up) and that fn
// ran exactly for the calls that returned nil.
func TestDoContextUnderContention(t *testing.T) {
	const goroutines, each = 16, 500
	g := lock.New(0)
	var ran, succeeded atomic.Int64
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			for j := range each {
				switch (i + j) % 3 {
				case 0:
					g.Do(func(n *int) { *n++; ran.Add(1) })
					succeeded.Add(1)
				case 1:
					if g.DoContext(context.Background(), func(n *int) { *n++; ran.Add(1) }) == nil {
						succeeded.Add(1)
					}
				default:
					ctx, cancel := context.WithCancel(context.Background())
					if j%2 == 0 {
						cancel() // sometimes before, sometimes during the wait
					}
					go cancel()
					if g.DoContext(ctx, func(n *int) { *n++; ran.Add(1) }) == nil {
						succeeded.Add(1)
					}
					cancel()
				}
			}
		})
	}
	finish(t, &wg)
	got := lock.With(g, func(n *int) int { return *n })
	if int64(got) != ran.Load() || ran.Load() != succeeded.Load() {
		t.Errorf("value = %d, fn ran %d times, %d calls succeeded; want all equal", got, ran.Load(), succeeded.Load())
	}
}

// TestDoContextWaitersInOrder checks that DoContext callers that wait get
// the lock in the order they began to wait, when nobody else competes.
func TestDoContextWaitersInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := lock.New([]int(nil))
		held, release := make(chan struct{}), make(chan struct{})
		go g.Do(func(*[]int) { close(held); <-release })
		<-held
		const waiters = 5
		done := make(chan error, waiters)
		for i := range waiters {
			go func() { done <- g.DoContext(t.Context(), func(order *[]int) { *order = append(*order, i) }) }()
			synctest.Wait() // waiter i waits before waiter i+1 starts
		}
		close(release)
		for range waiters {
			if err := <-done; err != nil {
				t.Errorf("DoContext = %v, want nil", err)
			}
		}
		got := lock.With(g, func(order *[]int) []int { return *order })
		if want := []int{0, 1, 2, 3, 4}; !slices.Equal(got, want) {
			t.Errorf("waiters ran in the order %v, want %v", got, want)
		}
	})
}

// TestPanicWakesDoContextWaiter checks that every way of holding a Guarded
// wakes a DoContext waiter when its function panics or calls
// runtime.Goexit: the lock is released on that path too, and so must the
// waiter be woken, or it would wait forever with the lock free.
func TestPanicWakesDoContextWaiter(t *testing.T) {
	holders := map[string]func(g, other *lock.Guarded[int], fn func()){
		"Do":        func(g, _ *lock.Guarded[int], fn func()) { g.Do(func(*int) { fn() }) },
		"With":      func(g, _ *lock.Guarded[int], fn func()) { lock.With(g, func(*int) int { fn(); return 0 }) },
		"TryDo":     func(g, _ *lock.Guarded[int], fn func()) { g.TryDo(func(*int) { fn() }) },
		"DoContext": func(g, _ *lock.Guarded[int], fn func()) { _ = g.DoContext(context.Background(), func(*int) { fn() }) },
		"Both":      func(g, other *lock.Guarded[int], fn func()) { lock.Both(g, other, func(*int, *int) { fn() }) },
	}
	exits := map[string]func(){
		"panic":  func() { panic("boom") },
		"Goexit": runtime.Goexit,
	}
	for hname, hold := range holders {
		for ename, exit := range exits {
			t.Run(hname+"/"+ename, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					g, other := lock.New(0), lock.New(0)
					held, release := make(chan struct{}), make(chan struct{})
					go func() {
						defer func() { _ = recover() }()
						hold(g, other, func() { close(held); <-release; exit() })
					}()
					<-held
					got := make(chan error)
					go func() { got <- g.DoContext(t.Context(), func(n *int) { *n++ }) }()
					synctest.Wait() // the waiter waits
					close(release)
					if err := <-got; err != nil {
						t.Errorf("DoContext after the holder's %s = %v, want nil", ename, err)
					}
				})
			})
		}
	}
}
