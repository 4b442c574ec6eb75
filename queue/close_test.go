package queue_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

func TestKeyedCloseRacesPushers(t *testing.T) {
	const pushers = 32
	for range 10 {
		base := runtime.NumGoroutine()
		var count atomic.Int64
		q := queue.NewKeyed(4, 8, func(int, int) { count.Add(1) })
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for p := range pushers {
			wg.Go(func() {
				for i := 0; ; i++ {
					if err := q.Push(context.Background(), p%5, i); err != nil {
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
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		n := count.Load()
		wg.Wait()
		leaktest.Back(t, base)
		if n != accepted.Load() {
			t.Errorf("handled %d items, %d were accepted", n, accepted.Load())
		}
	}
}

func TestKeyedCloseFromHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q *queue.Keyed[string, int]
		var mu sync.Mutex
		var handled []int
		var inner error = errors.New("not called")
		pushed := make(chan struct{})
		q = queue.NewKeyed(2, 8, func(_ string, v int) {
			mu.Lock()
			handled = append(handled, v)
			mu.Unlock()
			if v == 0 {
				<-pushed // the worker may start before the other Pushes
				inner = q.Close()
			}
		})
		for i := range 4 {
			if err := q.Push(context.Background(), "k", i); err != nil {
				t.Fatalf("Push(%d) = %v", i, err)
			}
		}
		close(pushed)
		if err := q.Close(); err != nil || !errors.Is(inner, tame.ErrDeadlock) {
			t.Errorf("Close() = %v, Close() in the handler = %v; want nil, tame.ErrDeadlock", err, inner)
		}
		if fmt.Sprint(handled) != "[0 1 2 3]" {
			t.Errorf("handled %v, want [0 1 2 3]", handled)
		}
	})
}

// TestQueueCloseRacesPushers checks that every Push racing Close is either
// accepted and handled exactly once, or refused with tame.ErrClosed.
func TestQueueCloseRacesPushers(t *testing.T) {
	const pushers = 32
	for range 20 {
		base := runtime.NumGoroutine()
		var handled sync.Map
		var count atomic.Int64
		q := queue.New(4, func(p pushed) {
			if _, dup := handled.LoadOrStore(p, true); dup {
				t.Errorf("%v handled twice", p)
			}
			count.Add(1)
		})
		var accepted atomic.Int64
		start := make(chan struct{})
		var wg sync.WaitGroup
		for p := range pushers {
			wg.Go(func() {
				<-start
				for i := 0; ; i++ {
					err := q.Push(context.Background(), pushed{p, i})
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
		close(start)
		runtime.Gosched()
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v, want nil", err)
		}
		n := count.Load() // nothing runs after Close returned
		wg.Wait()
		leaktest.Back(t, base)
		if n != accepted.Load() {
			t.Errorf("handled %d items, %d were accepted", n, accepted.Load())
		}
	}
}

func TestQueueCloseConcurrent(t *testing.T) {
	base := runtime.NumGoroutine()
	q := queue.New(4, func(v int) { panic(v) })
	for i := range 3 {
		if err := q.Push(context.Background(), i); err != nil {
			t.Fatalf("Push = %v", err)
		}
	}
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { errs[i] = q.Close() })
	}
	wg.Wait()
	leaktest.Back(t, base)
	for i, err := range errs {
		if err == nil || err != errs[0] {
			t.Errorf("Close() #%d = %v, want the same non-nil error as #0 (%v)", i, err, errs[0])
		}
	}
	if err := q.Push(context.Background(), 9); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Push after Close = %v, want tame.ErrClosed", err)
	}
	if q.TryPush(9) {
		t.Error("TryPush after Close = true, want false")
	}
}

// TestQueueCloseFromHandler checks that Close called by the handler returns
// at once, that the items accepted before it are still handled, and that a
// Close from outside waits for them.
func TestQueueCloseFromHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var handled []int
		var q *queue.Queue[int]
		var inner error = errors.New("not called")
		var afterClose error
		pushed := make(chan struct{})
		q = queue.New(8, func(v int) {
			handled = append(handled, v)
			if v == 1 {
				<-pushed          // the consumer may get here before the last Pushes
				inner = q.Close() // must not wait for itself
				afterClose = q.Push(context.Background(), 100)
			}
		})
		for i := range 4 {
			if err := q.Push(context.Background(), i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		close(pushed)
		if err := q.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
		if !errors.Is(inner, tame.ErrDeadlock) {
			t.Errorf("Close() in the handler = %v, want tame.ErrDeadlock", inner)
		}
		if !errors.Is(afterClose, tame.ErrClosed) {
			t.Errorf("Push in the handler after its Close = %v, want tame.ErrClosed", afterClose)
		}
		if fmt.Sprint(handled) != "[0 1 2 3]" {
			t.Errorf("handled %v, want [0 1 2 3]", handled)
		}
	})
}

// TestQueueCloseOnlyFromHandler checks that a queue closed by its handler
// alone ends its goroutine once the accepted items are handled.
func TestQueueCloseOnlyFromHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q *queue.Queue[int]
		handledAll := make(chan struct{})
		pushed := make(chan struct{})
		q = queue.New(8, func(v int) {
			if v == 0 {
				<-pushed // the consumer may get here before the other Pushes
				q.Close()
			}
			if v == 2 {
				close(handledAll)
			}
		})
		for i := range 3 {
			if err := q.Push(context.Background(), i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		close(pushed)
		<-handledAll
		synctest.Wait() // the consumer has ended: nothing is left in the bubble
	})
}

// TestQueueWaitingPushClosed checks that Pushes waiting for room
// get tame.ErrClosed when Close is called, and that their items are not
// handled.
func TestQueueWaitingPushClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var handled []int
		q := queue.New(1, func(v int) {
			if v == 0 {
				<-gate
			}
			handled = append(handled, v)
		})
		q.Push(context.Background(), 0)
		synctest.Wait()
		q.Push(context.Background(), 1)
		done := make(chan error)
		go func() { done <- q.Push(context.Background(), 2) }()
		synctest.Wait()
		closed := make(chan error)
		go func() { closed <- q.Close() }()
		if err := <-done; !errors.Is(err, tame.ErrClosed) {
			t.Errorf("waiting Push = %v after Close, want tame.ErrClosed", err)
		}
		close(gate)
		if err := <-closed; err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
		if fmt.Sprint(handled) != "[0 1]" {
			t.Errorf("handled %v, want [0 1]", handled)
		}
	})
}

// TestQueueTryPushRacesClose checks that a TryPush racing Close is either
// accepted and handled exactly once, or refused; and that once Close has
// returned, TryPush refuses.
func TestQueueTryPushRacesClose(t *testing.T) {
	for range 20 {
		base := runtime.NumGoroutine()
		var handled sync.Map
		var count, accepted atomic.Int64
		q := queue.New(8, func(p pushed) {
			if _, dup := handled.LoadOrStore(p, true); dup {
				t.Errorf("%v handled twice", p)
			}
			count.Add(1)
		})
		start := make(chan struct{})
		closed := make(chan struct{})
		var wg sync.WaitGroup
		for p := range 16 {
			wg.Go(func() {
				<-start
				for i := 0; ; i++ {
					if q.TryPush(pushed{p, i}) {
						accepted.Add(1)
						continue
					}
					select {
					case <-closed:
						if q.TryPush(pushed{p, -1}) {
							t.Error("TryPush after Close returned = true, want false")
						}
						return
					default:
						runtime.Gosched()
					}
				}
			})
		}
		close(start)
		runtime.Gosched()
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v, want nil", err)
		}
		n := count.Load() // nothing runs after Close returned
		close(closed)
		wg.Wait()
		leaktest.Back(t, base)
		if n != accepted.Load() {
			t.Errorf("handled %d items, %d were accepted", n, accepted.Load())
		}
	}
}

// TestQueueClosedRefusesAtOnce checks that after Close every way in is shut
// at once: Push and TryPush on the lock-free path, and a Push that finds
// the queue full.
func TestQueueClosedRefusesAtOnce(t *testing.T) {
	base := runtime.NumGoroutine()
	gate := make(chan struct{})
	q := queue.New(1, func(v int) {
		if v == 0 {
			<-gate
		}
	})
	q.Push(context.Background(), 0)
	q.TryPush(1) // fills the queue when 0 is already in the handler
	closeErr := make(chan error)
	go func() { closeErr <- q.Close() }()
	for !errors.Is(q.Push(context.Background(), 2), tame.ErrClosed) {
		runtime.Gosched() // Close has not been called yet
	}
	if q.TryPush(3) {
		t.Error("TryPush after Close = true, want false")
	}
	close(gate)
	if err := <-closeErr; err != nil {
		t.Errorf("Close() = %v", err)
	}
	leaktest.Back(t, base)
}

// TestGoroutinesBackAfterClose checks that the queue's goroutines are gone
// as soon as Close returns, also when handler calls and OnPanic called
// runtime.Goexit (each one's goroutine was replaced) and when Close races
// a Shutdown whose context is done.
func TestGoroutinesBackAfterClose(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			for round := range 10 {
				base := runtime.NumGoroutine()
				var told atomic.Int64
				q := newQueue(4, func(v int) {
					switch v % 4 {
					case 1:
						runtime.Goexit()
					case 2:
						panic(v)
					}
				}, queue.OnPanic(func(*tame.PanicError) {
					if told.Add(1)%3 == 0 {
						runtime.Goexit()
					}
				}))
				for i := range 40 {
					if err := q.push(context.Background(), i); err != nil {
						t.Fatalf("Push(%d) = %v", i, err)
					}
				}
				done, cancel := context.WithCancel(context.Background())
				cancel()
				var wg sync.WaitGroup
				wg.Go(func() { q.shutdown(done) })
				err := q.q.Close()
				leaktest.Back(t, base+1) // the Shutdown may still run
				wg.Wait()
				leaktest.Back(t, base)
				if !errors.Is(err, tame.ErrGoexit) {
					t.Fatalf("round %d: Close() = %v, want the Goexits", round, err)
				}
				if s := q.q.Stats(); s.Submitted != 40 || s.Completed != 20 || s.Failed != 20 || s.Running != 0 || s.Waiting != 0 {
					t.Fatalf("round %d: Stats() = %+v, want Submitted 40 = Completed 20 + Failed 20", round, s)
				}
			}
		})
	}
}
