package queue_test

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
	"github.com/tamego/tame/queue"
)

// A shutdownable is a Queue or a Keyed queue of ints, for the tests of
// Close and Shutdown that hold for both.
type shutdownable struct {
	push     func(ctx context.Context, v int) error
	q        closer
	shutdown func(ctx context.Context) error
}

// kinds makes, for each kind of queue, one with the given capacity and
// handler.
var kinds = map[string]func(capacity int, handle func(int), opts ...queue.Option) shutdownable{
	"Queue": func(capacity int, handle func(int), opts ...queue.Option) shutdownable {
		q := queue.New(capacity, handle, opts...)
		return shutdownable{q.Push, q, q.Shutdown}
	},
	"Keyed": func(capacity int, handle func(int), opts ...queue.Option) shutdownable {
		q := queue.NewKeyed(2, capacity, func(_ int, v int) { handle(v) }, opts...)
		return shutdownable{func(ctx context.Context, v int) error { return q.Push(ctx, v%3, v) }, q, q.Shutdown}
	},
}

// TestShutdownBoundedByContext checks that Shutdown stops accepting, returns
// ctx.Err() when ctx ends before the accepted items are handled, that the
// work goes on, and that a later Close waits for it and returns the panics.
func TestShutdownBoundedByContext(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newGate[int]()
				q := newQueue(8, func(v int) {
					g.handle(v)
					if v == 3 {
						panic("three")
					}
				})
				for i := range 6 {
					if err := q.push(context.Background(), i); err != nil {
						t.Fatalf("Push(%d) = %v", i, err)
					}
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				start := time.Now()
				if err := q.shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
					t.Errorf("Shutdown with a 1s timeout = %v after %v, want context.DeadlineExceeded after 1s", err, time.Since(start))
				}
				if err := q.push(context.Background(), 99); !errors.Is(err, tame.ErrClosed) {
					t.Errorf("Push after Shutdown = %v, want tame.ErrClosed", err)
				}
				g.open()
				err := q.q.Close()
				var pe *tame.PanicError
				if !errors.As(err, &pe) || pe.Value != "three" {
					t.Errorf("Close() after Shutdown = %v, want the handler's panic", err)
				}
				if len(g.items()) != 6 {
					t.Errorf("handled %v, want the 6 accepted items", g.items())
				}
				if err2 := q.shutdown(context.Background()); err2 != err {
					t.Errorf("Shutdown after Close = %v, want Close's result %v", err2, err)
				}
			})
		})
	}
}

// TestShutdownDoneContextAfterWork checks that Shutdown with a context that
// is already done returns what Close returns when everything accepted was
// handled, and ctx.Err() when it was not.
func TestShutdownDoneContextAfterWork(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				done, cancel := context.WithCancel(context.Background())
				cancel()
				g := newGate[int]()
				q := newQueue(4, func(v int) {
					g.handle(v)
					panic(v)
				})
				q.push(context.Background(), 1)
				synctest.Wait()
				if err := q.shutdown(done); !errors.Is(err, context.Canceled) {
					t.Errorf("Shutdown(done) with an item in the handler = %v, want context.Canceled", err)
				}
				g.step()
				err := q.shutdown(done)
				var pe *tame.PanicError
				if !errors.As(err, &pe) || pe.Value != 1 {
					t.Errorf("Shutdown(done) once everything was handled = %v, want the handler's panic", err)
				}
				if err2 := q.q.Close(); err2 != err {
					t.Errorf("Close() = %v, want the same as Shutdown: %v", err2, err)
				}
			})
		})
	}
}

// TestCloseAndShutdownAgree checks that concurrent Close and Shutdown calls
// return the same result, and that the queue's goroutines are gone when
// the first of them returns.
func TestCloseAndShutdownAgree(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			for range 20 {
				base := runtime.NumGoroutine()
				q := newQueue(16, func(v int) {
					if v%5 == 0 {
						panic(v)
					}
				})
				for i := range 20 {
					q.push(context.Background(), i)
				}
				errs := make([]error, 8)
				var wg sync.WaitGroup
				for i := range errs {
					wg.Go(func() {
						if i%2 == 0 {
							errs[i] = q.q.Close()
						} else {
							errs[i] = q.shutdown(context.Background())
						}
					})
				}
				wg.Wait()
				leaktest.Back(t, base)
				for i, err := range errs {
					if err == nil || err != errs[0] {
						t.Fatalf("call %d returned %v, call 0 %v: want the same non-nil error", i, err, errs[0])
					}
				}
				if s := q.q.Stats(); s.Submitted != 20 || s.Completed+s.Failed != 20 || s.Failed != 4 {
					t.Errorf("Stats() = %+v, want Submitted 20 = Completed 16 + Failed 4", s)
				}
			}
		})
	}
}

// TestShutdownFromHandler checks that Shutdown and Close called from the
// handler return at once with tame.ErrDeadlock, that the accepted items are
// still handled, and that a Close from outside returns the real result.
func TestShutdownFromHandler(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var q shutdownable
				var inner [2]error
				pushed := newGate[int]()
				var mu sync.Mutex
				handled := 0
				q = newQueue(8, func(v int) {
					if v == 0 {
						pushed.handle(v) // until the other items are in
						start := time.Now()
						ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
						defer cancel()
						inner[0] = q.shutdown(ctx)
						inner[1] = q.q.Close()
						if time.Since(start) != 0 {
							t.Errorf("Shutdown and Close from the handler took %v, want them to return at once", time.Since(start))
						}
					}
					mu.Lock()
					handled++
					mu.Unlock()
				})
				for i := range 4 {
					q.push(context.Background(), i)
				}
				pushed.open()
				if err := q.q.Close(); err != nil {
					t.Errorf("Close() from outside = %v, want nil", err)
				}
				for i, err := range inner {
					if !errors.Is(err, tame.ErrDeadlock) {
						t.Errorf("call %d from the handler = %v, want tame.ErrDeadlock", i, err)
					}
				}
				if handled != 4 {
					t.Errorf("handled %d items, want 4", handled)
				}
			})
		})
	}
}

// TestShutdownRacesProducers checks that producers racing Shutdown lose
// nothing: every Push that returned nil is handled, every other one was
// refused with tame.ErrClosed, and Stats agrees once Close has returned.
func TestShutdownRacesProducers(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			for range 20 {
				base := runtime.NumGoroutine()
				var handled atomic.Int64
				q := newQueue(4, func(int) { handled.Add(1) })
				var accepted atomic.Int64
				var wg sync.WaitGroup
				for p := range 6 {
					wg.Go(func() {
						for i := 0; ; i++ {
							err := q.push(context.Background(), p*100000+i)
							if err != nil {
								if !errors.Is(err, tame.ErrClosed) {
									t.Errorf("Push = %v, want nil or tame.ErrClosed", err)
								}
								return
							}
							accepted.Add(1)
						}
					})
				}
				runtime.Gosched()
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				q.shutdown(ctx) // stops accepting; may return before the items are handled
				wg.Wait()
				if err := q.q.Close(); err != nil {
					t.Fatalf("Close() = %v", err)
				}
				leaktest.Back(t, base)
				s := q.q.Stats()
				if handled.Load() != accepted.Load() || s.Submitted != uint64(accepted.Load()) || s.Completed != s.Submitted {
					t.Fatalf("accepted %d, handled %d, Stats() = %+v", accepted.Load(), handled.Load(), s)
				}
			}
		})
	}
}
