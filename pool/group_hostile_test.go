package pool_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/pool"
)

// TestGroupGoFromTaskOnFullGroup: the only running task fills the group and
// keeps calling Go. Without the overflow it would wait forever for itself.
func TestGroupGoFromTaskOnFullGroup(t *testing.T) {
	for _, limit := range []int{1, 3} {
		g := pool.NewGroup(context.Background(), limit)
		var ran atomic.Int64
		const children = 3000 // more than the backlog of 1024 holds
		for range limit {
			g.Go(func(context.Context) error {
				for range children {
					g.Go(func(context.Context) error { ran.Add(1); return nil })
				}
				return nil
			})
		}
		watchdog(t, 20*time.Second, func() {
			if err := g.Wait(); err != nil {
				t.Errorf("Wait() = %v, want nil", err)
			}
		})
		if got := ran.Load(); got != int64(limit*children) {
			t.Errorf("limit %d: %d children ran, want %d", limit, got, limit*children)
		}
	}
}

// TestGroupGoWaitsWhenFull checks backpressure from outside: Go blocks while
// the group is full and returns once there is room.
func TestGroupGoWaitsWhenFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := pool.NewGroup(context.Background(), 1)
		release := make(chan struct{})
		g.Go(func(context.Context) error { <-release; return nil })
		synctest.Wait() // the worker has taken the task: the backlog is empty
		noop := func(context.Context) error { return nil }
		queued := 0
		for g.TryGo(noop) {
			queued++
		}
		if queued != 1024 {
			close(release)
			t.Fatalf("TryGo accepted %d tasks into the backlog, want 1024", queued)
		}
		returned := make(chan struct{})
		go func() { g.Go(noop); close(returned) }()
		synctest.Wait()
		select {
		case <-returned:
			t.Fatal("Go returned while the group was full")
		default:
		}
		close(release)
		<-returned
		if err := g.Wait(); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
	})
}

func TestGroupContext(t *testing.T) {
	cause := errors.New("shutting down")
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(cause)
		g := pool.NewGroup(ctx, 2)
		ran := false
		g.Go(func(context.Context) error { ran = true; return nil })
		if g.TryGo(func(context.Context) error { ran = true; return nil }) {
			t.Error("TryGo() = true with a done context")
		}
		if err := g.Wait(); err != cause {
			t.Errorf("Wait() = %v, want the cause %v", err, cause)
		}
		if ran {
			t.Error("a task ran although the context was done")
		}
	})
	t.Run("cancelled while Go waits", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			g := pool.NewGroup(ctx, 1)
			var ran atomic.Int64
			g.Go(func(ctx context.Context) error { <-ctx.Done(); ran.Add(1); return nil })
			synctest.Wait() // the worker has taken the task: the backlog is empty
			for g.TryGo(func(context.Context) error { ran.Add(1); return nil }) {
			}
			returned := make(chan struct{})
			go func() {
				g.Go(func(context.Context) error { t.Error("the skipped task ran"); return nil })
				close(returned)
			}()
			synctest.Wait()
			cancel(cause)
			<-returned
			if err := g.Wait(); err != cause {
				t.Errorf("Wait() = %v, want the cause %v", err, cause)
			}
			// Tasks accepted before the cancellation still ran, with the done context.
			if got := ran.Load(); got != 1025 {
				t.Errorf("%d accepted tasks ran, want 1025", got)
			}
		})
	})
	t.Run("cancelled after", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		g := pool.NewGroup(ctx, 2)
		g.Go(func(context.Context) error { return nil })
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
		cancel()
		if err := g.Wait(); err != nil {
			t.Errorf("Wait() after cancel = %v, want nil", err)
		}
	})
	t.Run("Wait cancels the task context", func(t *testing.T) {
		var taskCtx context.Context
		g := pool.NewGroup(context.Background(), 1)
		g.Go(func(ctx context.Context) error { taskCtx = ctx; return nil })
		_ = g.Wait()
		if taskCtx.Err() == nil {
			t.Error("the tasks' context is not done after Wait")
		}
	})
}

// TestGroupWaitConcurrent checks that concurrent Waits all return after the
// last task, with the same error.
func TestGroupWaitConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := pool.NewGroup(context.Background(), 2)
		release := make(chan struct{})
		var finished atomic.Bool
		g.Go(func(context.Context) error { <-release; finished.Store(true); return errTask })
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				err := g.Wait()
				if !finished.Load() {
					t.Error("Wait returned before the task did")
				}
				errs <- err
			}()
		}
		synctest.Wait()
		close(release)
		for range 3 {
			if err := <-errs; err != errTask {
				t.Errorf("Wait() = %v, want %v", err, errTask)
			}
		}
	})
}

// TestGroupGoFromTasksBesideBlockedOutsider: an outsider is already blocked
// in Go on a full group when every running task calls Go too. The tasks must
// not deadlock (the last one queues past the backlog), and the outsider
// still waits for room: it is not a task and never queues past the bound.
func TestGroupGoFromTasksBesideBlockedOutsider(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit = 3
		g := pool.NewGroup(context.Background(), limit, pool.Backlog(1))
		start := make(chan struct{})
		var ran atomic.Int64
		child := func(context.Context) error { ran.Add(1); return nil }
		for range limit {
			g.Go(func(context.Context) error {
				<-start
				for range 3 {
					g.Go(child)
				}
				return nil
			})
		}
		hold := make(chan struct{})
		g.Go(func(context.Context) error { <-hold; ran.Add(1); return nil }) // the backlog is full
		outsider := make(chan struct{})
		go func() { g.Go(child); close(outsider) }()
		synctest.Wait() // the outsider is blocked
		select {
		case <-outsider:
			t.Fatal("the outsider's Go returned on a full group")
		default:
		}
		close(start)
		synctest.Wait() // every parent is done: they did not deadlock
		select {
		case <-outsider:
			// Admitted once the parents' slots freed: fine.
		default:
		}
		close(hold)
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		<-outsider
		if got := ran.Load(); got != limit*3+2 {
			t.Errorf("%d tasks ran, want %d", got, limit*3+2)
		}
	})
}
