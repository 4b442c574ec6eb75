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
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

// TestValuesMadeOutsideABubble: a Pool and a Group made outside a synctest
// bubble work inside one and outside again, as a sync.Mutex does: the bubble
// ends (its workers do not outlive it), and the values go on working.
func TestValuesMadeOutsideABubble(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pool.NewPool(2)
	g := pool.NewGroup(context.Background(), 2)
	var ran atomic.Int64
	task := func() { ran.Add(1) }
	for round := range 3 {
		// Outside.
		done := make(chan struct{})
		if err := p.Submit(context.Background(), func() { task(); close(done) }); err != nil {
			t.Fatal(err)
		}
		<-done
		// Inside: the bubble must end, with the workers it started gone.
		synctest.Test(t, func(t *testing.T) {
			done := make(chan struct{})
			if err := p.Submit(context.Background(), func() { task(); close(done) }); err != nil {
				t.Error(err)
			}
			<-done
			if !p.TrySubmit(task) {
				t.Error("TrySubmit() = false on an idle pool")
			}
			g.Go(func(context.Context) error { task(); return nil })
			synctest.Wait()
		})
		_ = round
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := ran.Load(); got != 3*4 {
		t.Errorf("%d tasks ran, want %d", got, 3*4)
	}
	leaktest.Back(t, base)
}

// TestPoolMadeOutsideABubbleBlocksInside: a Submit that waits for room
// inside a bubble, on a Pool made outside it, is durably blocked: the
// bubble's clock moves, so its context times out on time, and a Close wakes
// it. Outside again, the pool goes on working.
func TestPoolMadeOutsideABubbleBlocksInside(t *testing.T) {
	p := pool.NewPool(1, pool.Backlog(1))
	for round := range 2 {
		watchdog(t, 10*time.Second, func() {
			synctest.Test(t, func(t *testing.T) {
				release := make(chan struct{})
				for range 2 {
					if err := p.Submit(context.Background(), func() { <-release }); err != nil {
						t.Fatal(err)
					}
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				start := time.Now()
				if err := p.Submit(ctx, func() { t.Error("refused task ran") }); err != context.DeadlineExceeded {
					t.Errorf("round %d: Submit() = %v, want context.DeadlineExceeded", round, err)
				}
				if d := time.Since(start); d != time.Second {
					t.Errorf("round %d: Submit gave up after %v, want 1s", round, d)
				}
				close(release)
				synctest.Wait()
			})
		})
	}
	// Outside: a blocked Submit still waits, and Close wakes it.
	release := make(chan struct{})
	for range 2 {
		_ = p.Submit(context.Background(), func() { <-release })
	}
	errc := make(chan error)
	go func() { errc <- p.Submit(context.Background(), func() {}) }()
	for p.Stats().Blocked == 0 {
		runtime.Gosched()
	}
	closed := make(chan error)
	go func() { closed <- p.Close() }()
	if err := <-errc; !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Submit() blocked at Close = %v, want tame.ErrClosed", err)
	}
	close(release)
	if err := <-closed; err != nil {
		t.Errorf("Close() = %v", err)
	}
}

// TestGroupMadeOutsideABubbleBlocksInside: a Go that waits for room inside
// a bubble, on a Group made outside it, is durably blocked, and returns
// without starting its task once the group stops, by a task's failure or
// by its parent.
func TestGroupMadeOutsideABubbleBlocksInside(t *testing.T) {
	errStop := errors.New("pool_test: stop")
	for _, byParent := range []bool{false, true} {
		parent, cancel := context.WithCancelCause(context.Background())
		g := pool.NewGroup(parent, 1, pool.Backlog(1))
		watchdog(t, 10*time.Second, func() {
			synctest.Test(t, func(t *testing.T) {
				fail := make(chan struct{})
				g.Go(func(context.Context) error { <-fail; return errStop })
				g.Go(func(context.Context) error { return nil })
				returned := make(chan struct{})
				go func() {
					g.Go(func(context.Context) error { t.Error("Go started a task once the group stopped"); return nil })
					close(returned)
				}()
				synctest.Wait() // that Go waits for room, durably
				select {
				case <-returned:
					t.Fatal("Go returned on a full group")
				default:
				}
				if byParent {
					cancel(errStop)
				}
				close(fail)
				<-returned
				if err := g.Wait(); !errors.Is(err, errStop) {
					t.Errorf("Wait() = %v, want %v", err, errStop)
				}
			})
		})
		cancel(nil)
	}
}
