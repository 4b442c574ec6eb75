package pool_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/pool"
)

// The capacity of a Group or Pool is exactly limit running tasks plus
// backlog waiting ones, however late the worker goroutines are scheduled: a
// task handed to a worker that has not run yet is running, not waiting.
// These tests make bursts without letting the workers run between calls
// (no synctest.Wait, one processor), then check the exact refusal.

var capacityCases = func() []struct{ limit, backlog int } {
	var cases []struct{ limit, backlog int }
	for _, limit := range []int{1, 2, 4, 10} {
		for _, backlog := range []int{1, 2, 4, 10} {
			cases = append(cases, struct{ limit, backlog int }{limit, backlog})
		}
	}
	return cases
}()

// procs runs test once on one processor and once on all of them.
func procs(t *testing.T, test func(t *testing.T)) {
	t.Run("procs=1", func(t *testing.T) {
		oneProc(t)
		test(t)
	})
	t.Run("procs=all", test)
}

// oneProc runs the test on one processor, so that the goroutines a burst
// starts do not run before the burst ends.
func oneProc(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

func TestPoolTrySubmitBurstIsExact(t *testing.T) {
	procs(t, func(t *testing.T) {
		for _, tc := range capacityCases {
			t.Run(fmt.Sprintf("limit=%d/backlog=%d", tc.limit, tc.backlog), func(t *testing.T) {
				for round := range 50 {
					p := pool.NewPool(tc.limit, pool.Backlog(tc.backlog))
					release := make(chan struct{})
					var ran atomic.Int64
					for i := range tc.limit + tc.backlog {
						if !p.TrySubmit(func() { <-release; ran.Add(1) }) {
							close(release)
							t.Fatalf("round %d: TrySubmit #%d on an idle pool = false, want true (capacity %d+%d)", round, i, tc.limit, tc.backlog)
						}
					}
					if p.TrySubmit(func() { t.Error("refused task ran") }) {
						t.Errorf("round %d: TrySubmit #%d = true, want false (full)", round, tc.limit+tc.backlog)
					}
					s := p.Stats()
					if s.Running != tc.limit || s.Waiting != tc.backlog || s.Submitted != uint64(tc.limit+tc.backlog) || s.Refused != 1 {
						t.Errorf("round %d: Stats() = %+v, want Running %d, Waiting %d, Submitted %d, Refused 1", round, s, tc.limit, tc.backlog, tc.limit+tc.backlog)
					}
					close(release)
					if err := p.Close(); err != nil {
						t.Fatalf("Close() = %v", err)
					}
					if got := ran.Load(); got != int64(tc.limit+tc.backlog) {
						t.Fatalf("%d tasks ran, want %d", got, tc.limit+tc.backlog)
					}
				}
			})
		}
	})
}

func TestGroupTryGoBurstIsExact(t *testing.T) {
	procs(t, func(t *testing.T) {
		for _, tc := range capacityCases {
			t.Run(fmt.Sprintf("limit=%d/backlog=%d", tc.limit, tc.backlog), func(t *testing.T) {
				for round := range 50 {
					g := pool.NewGroup(context.Background(), tc.limit, pool.Backlog(tc.backlog))
					release := make(chan struct{})
					for i := range tc.limit + tc.backlog {
						if !g.TryGo(func(context.Context) error { <-release; return nil }) {
							close(release)
							_ = g.Wait()
							t.Fatalf("round %d: TryGo #%d on an idle group = false, want true (capacity %d+%d)", round, i, tc.limit, tc.backlog)
						}
					}
					if g.TryGo(func(context.Context) error { t.Error("refused task ran"); return nil }) {
						t.Errorf("round %d: TryGo #%d = true, want false (full)", round, tc.limit+tc.backlog)
					}
					close(release)
					if err := g.Wait(); err != nil {
						t.Fatalf("Wait() = %v", err)
					}
				}
			})
		}
	})
}

// TestSubmitDoesNotWaitForWorkers: a burst of limit+backlog blocking
// Submits and Gos returns before any worker goroutine has run: none of them
// waits for a worker to be scheduled.
func TestSubmitDoesNotWaitForWorkers(t *testing.T) {
	oneProc(t)
	for _, tc := range capacityCases {
		t.Run(fmt.Sprintf("limit=%d/backlog=%d", tc.limit, tc.backlog), func(t *testing.T) {
			var started atomic.Int64
			p := pool.NewPool(tc.limit, pool.Backlog(tc.backlog))
			g := pool.NewGroup(context.Background(), tc.limit, pool.Backlog(tc.backlog))
			for range tc.limit + tc.backlog {
				if err := p.Submit(context.Background(), func() { started.Add(1) }); err != nil {
					t.Fatalf("Submit() = %v", err)
				}
				g.Go(func(context.Context) error { started.Add(1); return nil })
			}
			if n := started.Load(); n != 0 {
				t.Errorf("%d tasks started during the burst: a Submit or Go waited for a worker", n)
			}
			if err := p.Close(); err != nil {
				t.Fatalf("Close() = %v", err)
			}
			if err := g.Wait(); err != nil {
				t.Fatalf("Wait() = %v", err)
			}
			if n := started.Load(); n != int64(2*(tc.limit+tc.backlog)) {
				t.Errorf("%d tasks ran, want %d", n, 2*(tc.limit+tc.backlog))
			}
		})
	}
}

// TestPoolBacklogExactUnderBatches: with a long backlog, workers take
// tasks in batches; the tasks of a batch still count as waiting until they
// start, so TrySubmit never accepts more than backlog waiting tasks.
func TestPoolBacklogExactUnderBatches(t *testing.T) {
	const limit, backlog = 2, 256
	p := pool.NewPool(limit, pool.Backlog(backlog))
	gate := make(chan struct{})
	var ran atomic.Int64
	task := func() { <-gate; ran.Add(1) }
	accepted := 0
	for p.TrySubmit(task) {
		accepted++
	}
	if accepted != limit+backlog {
		t.Fatalf("TrySubmit accepted %d, want %d", accepted, limit+backlog)
	}
	// Let tasks finish one by one: each finish makes room for exactly one.
	for range 100 {
		gate <- struct{}{}
		for !p.TrySubmit(task) {
			runtime.Gosched()
		}
		if s := p.Stats(); s.Waiting > backlog || s.Running > limit {
			t.Fatalf("Stats() = %+v, want Waiting <= %d, Running <= %d", s, backlog, limit)
		}
		if p.TrySubmit(task) {
			t.Fatalf("TrySubmit accepted past the capacity: Stats() = %+v", p.Stats())
		}
	}
	close(gate)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Submitted != s.Completed+s.Failed || s.Completed != uint64(ran.Load()) {
		t.Errorf("Stats() = %+v after Close, want Submitted == Completed + Failed == tasks run (%d)", s, ran.Load())
	}
}
