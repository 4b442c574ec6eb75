package pool_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

// TestGroupJoinErrors: with JoinErrors a task error does not cancel the
// others, and Wait returns every error in the order they were returned.
func TestGroupJoinErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := pool.NewGroup(context.Background(), 3, pool.JoinErrors())
		errs := []error{errors.New("e0"), errors.New("e1"), errors.New("e2")}
		gates := []chan struct{}{make(chan struct{}), make(chan struct{}), make(chan struct{})}
		var ctxDone atomic.Bool
		for i := range 3 {
			g.Go(func(ctx context.Context) error {
				<-gates[i]
				if ctx.Err() != nil {
					ctxDone.Store(true)
				}
				return errs[i]
			})
		}
		g.Go(func(context.Context) error { return nil })
		// Return them in the order 2, 0, 1.
		for _, i := range []int{2, 0, 1} {
			close(gates[i])
			synctest.Wait()
		}
		err := g.Wait()
		if ctxDone.Load() {
			t.Error("a task error cancelled the group's context with JoinErrors")
		}
		want := "e2\ne0\ne1"
		if err == nil || err.Error() != want {
			t.Fatalf("Wait() = %q, want %q", err, want)
		}
		for _, e := range errs {
			if !errors.Is(err, e) {
				t.Errorf("errors.Is(Wait(), %v) = false", e)
			}
		}
	})
}

// TestGroupJoinErrorsPanicStillCancels: panics keep their policy.
func TestGroupJoinErrorsPanicStillCancels(t *testing.T) {
	g := pool.NewGroup(context.Background(), 2, pool.JoinErrors())
	var cause atomic.Value
	g.Go(func(ctx context.Context) error {
		<-ctx.Done()
		cause.Store(context.Cause(ctx))
		return errTask
	})
	g.Go(func(context.Context) error { panic("boom") })
	pe := recoverPanicError(t, func() { _ = g.Wait() })
	if pe.Value != "boom" {
		t.Errorf("Wait panicked with %v, want boom", pe.Value)
	}
	if c, _ := cause.Load().(*tame.PanicError); c == nil {
		t.Errorf("context.Cause = %v, want the panic", cause.Load())
	}
}

func TestGroupJoinErrorsNone(t *testing.T) {
	g := pool.NewGroup(context.Background(), 2, pool.JoinErrors())
	for range 10 {
		g.Go(func(context.Context) error { return nil })
	}
	if err := g.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil", err)
	}
}

// TestGroupContextMethod: Context is the tasks' context, done at the first
// error, and the feeding loop can select on it.
func TestGroupContextMethod(t *testing.T) {
	g := pool.NewGroup(context.Background(), 2)
	var taskCtx context.Context
	g.Go(func(ctx context.Context) error { taskCtx = ctx; return errTask })
	// The feeding loop stops by the context, once the failing task ran.
	for g.Context().Err() == nil {
		g.Go(func(context.Context) error { return nil })
		runtime.Gosched()
	}
	if err := g.Wait(); err != errTask {
		t.Fatalf("Wait() = %v, want %v", err, errTask)
	}
	if taskCtx != g.Context() {
		t.Error("the task's context is not Group.Context()")
	}
	if context.Cause(g.Context()) != errTask {
		t.Errorf("context.Cause(Context()) = %v, want %v", context.Cause(g.Context()), errTask)
	}
	var zero pool.Group
	mustPanic(t, "pool: Context called on a Group not made by NewGroup", func() { zero.Context() })
}

// TestGroupBacklogOption: the Backlog option bounds a Group's waiting tasks.
func TestGroupBacklogOption(t *testing.T) {
	g := pool.NewGroup(context.Background(), 2, pool.Backlog(3))
	release := make(chan struct{})
	n := 0
	for g.TryGo(func(context.Context) error { <-release; return nil }) {
		n++
	}
	close(release)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("TryGo accepted %d, want 5 (2 running + 3 waiting)", n)
	}
	mustPanic(t, "pool: OnPanic applies to a Pool", func() {
		pool.NewGroup(context.Background(), 1, pool.OnPanic(func(*tame.PanicError) {}))
	})
	mustPanic(t, "pool: JoinErrors applies to a Group", func() { pool.NewPool(1, pool.JoinErrors()) })
	mustPanic(t, "pool: NewGroup called with a nil Option", func() { pool.NewGroup(context.Background(), 1, nil) })
}

// TestGroupNestedIsExact: a task of group A that calls Go on another full
// group B is an ordinary caller of B: it waits for room (no overflow past
// B's backlog), and B's limit and backlog hold.
func TestGroupNestedIsExact(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a := pool.NewGroup(context.Background(), 1)
		b := pool.NewGroup(context.Background(), 1, pool.Backlog(1))
		release := make(chan struct{})
		b.Go(func(context.Context) error { <-release; return nil }) // running
		b.Go(func(context.Context) error { return nil })            // waiting: b is full
		returned := make(chan struct{})
		a.Go(func(context.Context) error {
			b.Go(func(context.Context) error { return nil })
			close(returned)
			return nil
		})
		synctest.Wait()
		select {
		case <-returned:
			t.Fatal("Go on another full group from a task returned without waiting (overflow)")
		default:
		}
		close(release)
		<-returned
		if err := a.Wait(); err != nil {
			t.Fatal(err)
		}
		if err := b.Wait(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestGroupWaitFromTask: Wait from a task of the group returns at once with
// tame.ErrDeadlock; the owner's Wait is unaffected.
func TestGroupWaitFromTask(t *testing.T) {
	g := pool.NewGroup(context.Background(), 2)
	inner := make(chan error, 1)
	g.Go(func(context.Context) error { inner <- g.Wait(); return nil })
	var err error
	watchdog(t, 10*time.Second, func() { err = <-inner })
	if !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Wait() from a task = %v, want tame.ErrDeadlock", err)
	}
	if err := g.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil", err)
	}
}

// TestPoolSubmitFromOwnTaskOnFullPool: the only running task of a full pool
// submits to it: it cannot wait for itself, so its task is queued past the
// backlog, and the limit holds.
func TestPoolSubmitFromOwnTaskOnFullPool(t *testing.T) {
	p := pool.NewPool(1, pool.Backlog(1))
	var pk peak
	done := make(chan error, 1)
	_ = p.Submit(context.Background(), func() {
		pk.enter()
		defer pk.exit()
		var err error
		for range 5 {
			err = errors.Join(err, p.Submit(context.Background(), func() { pk.enter(); pk.exit() }))
		}
		done <- err
	})
	watchdog(t, 10*time.Second, func() {
		if err := <-done; err != nil {
			t.Errorf("Submit() from the task = %v", err)
		}
	})
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Completed != 6 || s.MaxRunning != 1 || pk.max.Load() != 1 {
		t.Errorf("Stats() = %+v, peak %d: want 6 completed, never more than 1 running", s, pk.max.Load())
	}
}
