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

// TestPoolCloseRacesSubmitters: 100 goroutines submit while Close runs. Each
// submission either runs, exactly once and before Close returns, or gets
// tame.ErrClosed.
func TestPoolCloseRacesSubmitters(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pool.NewPool(2, pool.Backlog(8))
	var closed atomic.Bool
	var accepted, ran, lateRuns atomic.Int64
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			<-start
			for range 20 {
				err := p.Submit(context.Background(), func() {
					ran.Add(1)
					if closed.Load() {
						lateRuns.Add(1)
					}
				})
				switch {
				case err == nil:
					accepted.Add(1)
				case errors.Is(err, tame.ErrClosed):
					return
				default:
					t.Errorf("Submit() = %v, want nil or tame.ErrClosed", err)
				}
			}
		})
	}
	close(start)
	runtime.Gosched()
	if err := p.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	closed.Store(true)
	wg.Wait()
	if a, r := accepted.Load(), ran.Load(); a != r {
		t.Errorf("%d submissions accepted, %d ran: want equal", a, r)
	}
	if n := lateRuns.Load(); n != 0 {
		t.Errorf("%d tasks ran after Close returned", n)
	}
	leaktest.Back(t, base)
}

func TestPoolCloseConcurrent(t *testing.T) {
	p := pool.NewPool(2)
	for range 10 {
		_ = p.Submit(context.Background(), func() { panic("boom") })
	}
	errs := make(chan error, 5)
	for range 5 {
		go func() { errs <- p.Close() }()
	}
	first := <-errs
	if first == nil {
		t.Fatal("Close() = nil, want the panics")
	}
	for range 4 {
		if err := <-errs; err != first {
			t.Errorf("Close() = %p, want the same value %p every time", err, first)
		}
	}
}

// TestPoolCloseWakesSubmitters: a Submit blocked on a full pool returns
// tame.ErrClosed once Close is called; what was accepted still runs.
func TestPoolCloseWakesSubmitters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(1, pool.Backlog(1))
		release := make(chan struct{})
		var ran atomic.Int64
		_ = p.Submit(context.Background(), func() { <-release; ran.Add(1) })
		synctest.Wait()
		_ = p.Submit(context.Background(), func() { ran.Add(1) }) // fills the backlog
		errc := make(chan error)
		go func() { errc <- p.Submit(context.Background(), func() { t.Error("rejected task ran") }) }()
		synctest.Wait()
		if s := p.Stats(); s.Blocked != 1 || s.Running != 1 || s.Waiting != 1 {
			t.Errorf("Stats() = %+v, want Blocked 1, Running 1, Waiting 1", s)
		}
		closeErr := make(chan error)
		go func() { closeErr <- p.Close() }()
		if err := <-errc; !errors.Is(err, tame.ErrClosed) {
			t.Errorf("blocked Submit() = %v, want tame.ErrClosed", err)
		}
		synctest.Wait()
		select {
		case <-closeErr:
			t.Fatal("Close returned before the running task did")
		default:
		}
		close(release)
		if err := <-closeErr; err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
		if got := ran.Load(); got != 2 {
			t.Errorf("%d accepted tasks ran, want 2", got)
		}
		if err := p.Submit(context.Background(), func() {}); !errors.Is(err, tame.ErrClosed) {
			t.Errorf("Submit() after Close = %v, want tame.ErrClosed", err)
		}
		if p.TrySubmit(func() {}) {
			t.Error("TrySubmit() after Close = true")
		}
	})
}

func TestPoolSubmitContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		p := pool.NewPool(1)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := p.Submit(ctx, func() { t.Error("task ran") }); err != context.Canceled {
			t.Errorf("Submit() = %v, want context.Canceled", err)
		}
		if s := p.Stats(); s.Submitted != 0 || s.Refused != 1 || s.Running != 0 {
			t.Errorf("Stats() = %+v, want Submitted 0, Refused 1, Running 0", s)
		}
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			p := pool.NewPool(1, pool.Backlog(1))
			release := make(chan struct{})
			_ = p.Submit(context.Background(), func() { <-release })
			synctest.Wait()
			_ = p.Submit(context.Background(), func() {})
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			if err := p.Submit(ctx, func() { t.Error("task ran") }); err != context.DeadlineExceeded {
				t.Errorf("Submit() = %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d != time.Second {
				t.Errorf("Submit gave up after %v, want 1s", d)
			}
			if s := p.Stats(); s.Blocked != 0 {
				t.Errorf("Stats().Blocked = %d after the submitter gave up, want 0", s.Blocked)
			}
			close(release)
			if err := p.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
		})
	})
	t.Run("cancelled after", func(t *testing.T) {
		p := pool.NewPool(1)
		ctx, cancel := context.WithCancel(context.Background())
		var ran atomic.Bool
		if err := p.Submit(ctx, func() { ran.Store(true) }); err != nil {
			t.Fatalf("Submit() = %v", err)
		}
		cancel()
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		if !ran.Load() {
			t.Error("an accepted task did not run after its context was cancelled")
		}
	})
}

// TestPoolCloseFromTask: a task closes its own pool. Close cannot wait for
// it: it stops accepting and returns an error wrapping tame.ErrDeadlock; the owner's Close
// then waits for everything accepted.
func TestPoolCloseFromTask(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pool.NewPool(2)
	var ran atomic.Int64
	inner := make(chan error, 1)
	release := make(chan struct{})
	_ = p.Submit(context.Background(), func() { <-release; ran.Add(1) })
	_ = p.Submit(context.Background(), func() {
		inner <- p.Close()
		ran.Add(1)
	})
	var err error
	watchdog(t, 10*time.Second, func() { err = <-inner })
	if !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Close() from a task = %v, want an error wrapping tame.ErrDeadlock", err)
	}
	if err := p.Submit(context.Background(), func() {}); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Submit() after Close from a task = %v, want tame.ErrClosed", err)
	}
	close(release)
	if err := p.Close(); err != nil {
		t.Errorf("Close() = %v, want nil", err)
	}
	if got := ran.Load(); got != 2 {
		t.Errorf("%d tasks ran when Close returned, want 2", got)
	}
	leaktest.Back(t, base)
}

// TestPoolSubmitFromTaskOnFullPool: every running task resubmits to its own
// full pool. Without the overflow they would all wait forever.
func TestPoolSubmitFromTaskOnFullPool(t *testing.T) {
	for _, limit := range []int{1, 3} {
		p := pool.NewPool(limit, pool.Backlog(4))
		var ran atomic.Int64
		const children = 200
		var parents sync.WaitGroup
		parents.Add(limit)
		for range limit {
			_ = p.Submit(context.Background(), func() {
				defer parents.Done()
				for range children {
					if err := p.Submit(context.Background(), func() { ran.Add(1) }); err != nil {
						t.Errorf("Submit() from a task = %v", err)
					}
				}
			})
		}
		watchdog(t, 20*time.Second, func() {
			parents.Wait() // Close would stop them submitting
			if err := p.Close(); err != nil {
				t.Errorf("Close() = %v", err)
			}
		})
		if got := ran.Load(); got != int64(limit*children) {
			t.Errorf("limit %d: %d children ran, want %d", limit, got, limit*children)
		}
	}
}

// TestPoolCloseFromOnPanic: the OnPanic handler runs on a worker, so a Close
// there cannot wait either.
func TestPoolCloseFromOnPanic(t *testing.T) {
	var p *pool.Pool
	inner := make(chan error, 1)
	p = pool.NewPool(1, pool.OnPanic(func(*tame.PanicError) { inner <- p.Close() }))
	_ = p.Submit(context.Background(), func() { panic("boom") })
	var err error
	watchdog(t, 10*time.Second, func() { err = <-inner })
	if !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Close() from OnPanic = %v, want an error wrapping tame.ErrDeadlock", err)
	}
	if err := p.Close(); err == nil {
		t.Error("Close() = nil, want the panic")
	}
}
