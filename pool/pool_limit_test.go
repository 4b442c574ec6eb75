package pool_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

// TestPoolSetLimitGrow: a larger limit starts waiting tasks at once.
func TestPoolSetLimitGrow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(1, pool.Backlog(10))
		release := make(chan struct{})
		var started atomic.Int64
		for range 5 {
			_ = p.Submit(context.Background(), func() { started.Add(1); <-release })
		}
		synctest.Wait()
		if n := started.Load(); n != 1 {
			t.Fatalf("%d tasks started with limit 1", n)
		}
		p.SetLimit(3)
		if s := p.Stats(); s.Running != 3 || s.Waiting != 2 {
			t.Errorf("Stats() right after SetLimit(3) = %+v, want Running 3, Waiting 2", s)
		}
		synctest.Wait()
		if n := started.Load(); n != 3 {
			t.Errorf("%d tasks started after SetLimit(3), want 3", n)
		}
		close(release)
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPoolSetLimitShrink: a smaller limit lets running tasks finish and
// starts none above it.
func TestPoolSetLimitShrink(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(4, pool.Backlog(10))
		var running, peakAfter atomic.Int64
		var shrunk atomic.Bool
		gates := make([]chan struct{}, 10)
		for i := range gates {
			gates[i] = make(chan struct{})
			_ = p.Submit(context.Background(), func() {
				n := running.Add(1)
				if shrunk.Load() && n > peakAfter.Load() {
					peakAfter.Store(n)
				}
				<-gates[i]
				running.Add(-1)
			})
		}
		synctest.Wait()
		p.SetLimit(2)
		shrunk.Store(true)
		if s := p.Stats(); s.Running != 4 {
			t.Errorf("Stats().Running = %d right after SetLimit(2), want 4 (running tasks are not stopped)", s.Running)
		}
		for i := range gates {
			close(gates[i])
			synctest.Wait()
			if s := p.Stats(); i >= 2 && s.Running > 2 {
				t.Errorf("after %d tasks ended, Running = %d, want at most 2", i+1, s.Running)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if got := peakAfter.Load(); got > 4 {
			t.Errorf("%d tasks ran at once after shrinking", got)
		}
		if s := p.Stats(); s.Completed != 10 {
			t.Errorf("Stats().Completed = %d, want 10", s.Completed)
		}
	})
	mustPanic(t, "pool: limit must be at least 1, got 0", func() { pool.NewPool(1).SetLimit(0) })
}

// TestPoolSetLimitRaces: SetLimit racing Submit and Close: no task is lost,
// the limit in force is never exceeded by more than the largest limit set,
// and everything accepted runs before Close returns.
func TestPoolSetLimitRaces(t *testing.T) {
	for round := range 20 {
		p := pool.NewPool(2, pool.Backlog(8))
		var pk peak
		var accepted, ran atomic.Int64
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				for {
					err := p.Submit(context.Background(), func() { pk.enter(); pk.exit(); ran.Add(1) })
					if err != nil {
						if !errors.Is(err, tame.ErrClosed) {
							t.Errorf("Submit() = %v", err)
						}
						return
					}
					accepted.Add(1)
				}
			})
		}
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p.SetLimit(1 + i%5)
			}
		})
		for accepted.Load() < 200 {
			p.SetLimit(3)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		close(stop)
		wg.Wait()
		if a, r := accepted.Load(), ran.Load(); a != r {
			t.Fatalf("round %d: %d accepted, %d ran", round, a, r)
		}
		if m := pk.max.Load(); m > 5 {
			t.Errorf("round %d: %d tasks ran at once, want at most 5 (the largest limit)", round, m)
		}
		if s := p.Stats(); s.Submitted != uint64(accepted.Load()) || s.Completed != s.Submitted {
			t.Errorf("round %d: Stats() = %+v, want Submitted == Completed == %d", round, s, accepted.Load())
		}
	}
}

// TestPoolSetLimitShrinkStartsNoneAbove: after SetLimit lowers the limit, no
// task starts until fewer tasks run than the new limit, also when the
// workers took several tasks each from a long backlog before the change.
func TestPoolSetLimitShrinkStartsNoneAbove(t *testing.T) {
	for _, tc := range []struct{ from, to, tasks int }{{4, 1, 100}, {4, 2, 100}, {8, 3, 400}, {2, 1, 40}} {
		t.Run(fmt.Sprintf("from=%d/to=%d", tc.from, tc.to), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := pool.NewPool(tc.from)
				hold := make(chan struct{})
				for range tc.from {
					_ = p.Submit(context.Background(), func() { <-hold })
				}
				step := make(chan struct{})
				var running, ran atomic.Int64
				for range tc.tasks {
					_ = p.Submit(context.Background(), func() {
						running.Add(1)
						<-step
						running.Add(-1)
						ran.Add(1)
					})
				}
				close(hold)
				synctest.Wait()
				if n := running.Load(); n != int64(tc.from) {
					t.Fatalf("%d tasks run, want %d", n, tc.from)
				}
				p.SetLimit(tc.to)
				// Let the tasks end one at a time: the count of running
				// tasks goes down to the new limit and stays there.
				for i := range tc.tasks - tc.to {
					step <- struct{}{}
					synctest.Wait()
					want := max(int64(tc.to), int64(tc.from-1-i))
					if n := running.Load(); n != want {
						t.Errorf("after %d tasks ended: %d run, want %d (the limit is %d); Stats() = %+v", i+1, n, want, tc.to, p.Stats())
						break
					}
				}
				close(step)
				if err := p.Close(); err != nil {
					t.Fatal(err)
				}
				if n := ran.Load(); n != int64(tc.tasks) {
					t.Errorf("%d tasks ran, want %d", n, tc.tasks)
				}
			})
		})
	}
}
