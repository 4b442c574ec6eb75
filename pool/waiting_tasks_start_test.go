package pool_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/pool"
)

// A task that waits while a worker slot is free must start: no accepted
// task waits behind a task that blocks, whatever the workers took from the
// backlog. The tests fill a long backlog so that workers take several tasks
// at once, block the first of them, and check that every other task runs
// on the free slots.

// blockedHead submits, to a group or pool of the given limit, limit tasks
// that hold every slot, then a task that blocks until release is closed,
// then n quick tasks; it frees the slots one by one and returns how many
// quick tasks ran while the one task still blocks.
func blockedHead(t *testing.T, limit, n int, submit func(func())) (ran func() int64, release func()) {
	t.Helper()
	holds := make([]chan struct{}, limit)
	for i := range holds {
		holds[i] = make(chan struct{})
		submit(func() { <-holds[i] })
	}
	blocked := make(chan struct{})
	submit(func() { <-blocked })
	var quick atomic.Int64
	for range n {
		submit(func() { quick.Add(1) })
	}
	for _, h := range holds {
		close(h)
		synctest.Wait()
	}
	return quick.Load, func() { close(blocked) }
}

func TestWaitingTasksDoNotWaitBehindABlockedTask(t *testing.T) {
	for _, limit := range []int{2, 3, 4, 8} {
		for _, n := range []int{40, 200} {
			t.Run(fmt.Sprintf("pool/limit=%d/tasks=%d", limit, n), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					p := pool.NewPool(limit)
					ran, release := blockedHead(t, limit, n, func(f func()) {
						if err := p.Submit(context.Background(), f); err != nil {
							t.Fatal(err)
						}
					})
					if got := ran(); got != int64(n) {
						t.Errorf("limit %d: %d of %d tasks ran while one task blocks and %d slots are free; Stats() = %+v", limit, got, n, limit-1, p.Stats())
					}
					release()
					if err := p.Close(); err != nil {
						t.Fatal(err)
					}
				})
			})
			t.Run(fmt.Sprintf("group/limit=%d/tasks=%d", limit, n), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					g := pool.NewGroup(context.Background(), limit)
					ran, release := blockedHead(t, limit, n, func(f func()) {
						g.Go(func(context.Context) error { f(); return nil })
					})
					if got := ran(); got != int64(n) {
						t.Errorf("limit %d: %d of %d tasks ran while one task blocks and %d slots are free", limit, got, n, limit-1)
					}
					release()
					if err := g.Wait(); err != nil {
						t.Fatal(err)
					}
				})
			})
		}
	}
}

// TestTaskWaitingForALaterTaskCompletes: a task that waits for the task
// submitted right after it finishes while a slot is free for that one, also
// when a long backlog is drained in batches.
func TestTaskWaitingForALaterTaskCompletes(t *testing.T) {
	for _, limit := range []int{2, 4} {
		synctest.Test(t, func(t *testing.T) {
			p := pool.NewPool(limit)
			hold := make(chan struct{})
			for range limit {
				_ = p.Submit(context.Background(), func() { <-hold })
			}
			next, giveUp, first := make(chan struct{}), make(chan struct{}), make(chan struct{})
			_ = p.Submit(context.Background(), func() {
				select {
				case <-next:
					close(first)
				case <-giveUp:
				}
			})
			_ = p.Submit(context.Background(), func() { close(next) })
			for range 64 {
				_ = p.Submit(context.Background(), func() {})
			}
			close(hold)
			synctest.Wait()
			select {
			case <-first:
			default:
				t.Errorf("limit %d: a task waits for the next one, which does not run with %d slots free; Stats() = %+v", limit, limit-1, p.Stats())
				close(giveUp)
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPoolSetLimitGrowStartsEveryWaitingTask: after SetLimit raises the
// limit, every waiting task starts on the new slots, also the ones a worker
// took from the backlog before its task blocked.
func TestPoolSetLimitGrowStartsEveryWaitingTask(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(1)
		ran, release := blockedHead(t, 1, 40, func(f func()) {
			if err := p.Submit(context.Background(), f); err != nil {
				t.Fatal(err)
			}
		})
		p.SetLimit(4)
		synctest.Wait()
		if got := ran(); got != 40 {
			t.Errorf("%d of 40 tasks ran after SetLimit(4) while one task blocks; Stats() = %+v", got, p.Stats())
		}
		if s := p.Stats(); s.Waiting != 0 || s.Running != 1 {
			t.Errorf("Stats() = %+v, want Waiting 0, Running 1", s)
		}
		release()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	})
}
