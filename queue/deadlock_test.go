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
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

func TestKeyedPushToOwnFullQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q *queue.Keyed[int, int]
		var errs []error
		pushed := make(chan struct{})
		q = queue.NewKeyed(2, 1, func(k, v int) {
			if v == 0 {
				errs = append(errs, q.Push(context.Background(), k, 1)) // room: 0 is being handled
				errs = append(errs, q.Push(context.Background(), k, 2)) // full
				close(pushed)
			}
		})
		q.Push(context.Background(), 7, 0)
		<-pushed
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if len(errs) != 2 || errs[0] != nil || !errors.Is(errs[1], tame.ErrDeadlock) {
			t.Errorf("Push in the handler = %v, want [nil, ErrDeadlock]", errs)
		}
		if s := q.Stats(); handledCount(s) != 2 {
			t.Errorf("Stats().Handled = %d, want 2", handledCount(s))
		}
	})
}

// TestQueuePushToOwnFullQueue checks that the handler pushing to its own
// full queue gets ErrDeadlock instead of waiting forever, and that what it
// pushed while there was room is handled.
func TestQueuePushToOwnFullQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var handled []int
		var errs []error
		var waited time.Duration
		pushed := make(chan struct{})
		var q *queue.Queue[int]
		q = queue.New(1, func(v int) {
			handled = append(handled, v)
			if v == 0 {
				errs = append(errs, q.Push(context.Background(), 1)) // room: 0 is being handled
				start := time.Now()
				errs = append(errs, q.Push(context.Background(), 2)) // full
				waited = time.Since(start)
				if q.TryPush(3) {
					t.Error("TryPush on the full queue = true, want false")
				}
				close(pushed)
			}
		})
		if err := q.Push(context.Background(), 0); err != nil {
			t.Fatalf("Push = %v", err)
		}
		<-pushed
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if len(errs) != 2 || errs[0] != nil || !errors.Is(errs[1], tame.ErrDeadlock) {
			t.Errorf("Push in the handler = %v, want [nil, ErrDeadlock]", errs)
		}
		if waited != 0 {
			t.Errorf("Push in the handler on its full queue waited %v, want it to return at once", waited)
		}
		if fmt.Sprint(handled) != "[0 1]" {
			t.Errorf("handled %v, want [0 1]", handled)
		}
	})
}

// TestQueuePushToOwnQueueWithRoom checks that the handler's Push to its own
// queue is accepted while there is room, also when the consumer has not
// published its position since it took the items before the current one:
// the producers then count those items as waiting and find the queue full,
// but the handler must not get ErrDeadlock for room that is there.
func TestQueuePushToOwnQueueWithRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 32
		gate, pushed := make(chan struct{}), make(chan struct{})
		var (
			q       *queue.Queue[int]
			handled []int
			selfErr = errors.New("not pushed")
		)
		q = queue.New(capacity, func(v int) {
			handled = append(handled, v)
			switch v {
			case 0:
				<-gate
			case 10:
				// 10 items were taken since the position was published
				// (at item 0): capacity-21 wait, 10 slots are free.
				selfErr = q.Push(context.Background(), 1000)
				close(pushed)
			}
		})
		ctx := context.Background()
		q.Push(ctx, 0)
		synctest.Wait() // 0 is in the handler
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		close(gate)
		<-pushed
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if selfErr != nil {
			t.Errorf("Push by the handler with %d items waiting = %v, want nil", capacity-10, selfErr)
		}
		if n := len(handled); n != capacity+2 || handled[n-1] != 1000 {
			t.Errorf("handled %v, want 0..%d then 1000", handled, capacity)
		}
	})
}

// TestQueueHandlerPushesAndClosesUnderLoad races the handler's own Pushes
// (accepted from the consumer's true position, or refused with
// ErrDeadlock) and its Close against producers that claim positions and
// wait for room on a small queue: every item accepted is handled exactly
// once, none refused is handled, the producers all end with ErrClosed, and
// a Close from outside returns once everything accepted was handled.
func TestQueueHandlerPushesAndClosesUnderLoad(t *testing.T) {
	const producers, closeAt = 6, 1500
	base := runtime.NumGoroutine()
	var (
		q                  *queue.Queue[pushed]
		handled, refused   sync.Map
		count, accepted    atomic.Int64
		selfPushes, closes int
	)
	q = queue.New(3, func(p pushed) {
		if _, dup := handled.LoadOrStore(p, true); dup {
			t.Errorf("%v handled twice", p)
		}
		n := count.Add(1)
		if p.producer == 0 && p.seq%4 == 0 {
			own := pushed{-1, selfPushes}
			selfPushes++
			switch err := q.Push(context.Background(), own); {
			case err == nil:
				accepted.Add(1)
			case errors.Is(err, tame.ErrDeadlock), errors.Is(err, tame.ErrClosed):
				refused.Store(own, true)
			default:
				t.Errorf("Push by the handler = %v, want nil, ErrDeadlock or ErrClosed", err)
			}
		}
		if n == closeAt {
			closes++
			if err := q.Close(); !errors.Is(err, tame.ErrDeadlock) {
				t.Errorf("Close() by the handler = %v, want tame.ErrDeadlock", err)
			}
		}
	})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := 0; ; i++ {
					var err error
					if i%3 == 0 && q.TryPush(pushed{p, i}) {
						accepted.Add(1)
						continue
					}
					if err = q.Push(context.Background(), pushed{p, i}); err == nil {
						accepted.Add(1)
						continue
					}
					if !errors.Is(err, tame.ErrClosed) {
						t.Errorf("Push = %v, want nil or tame.ErrClosed", err)
					}
					return
				}
			})
		}
		wg.Wait()
	}()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("producers still pushing 30s after the handler was to close the queue")
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	n := count.Load() // nothing runs after Close returned
	leaktest.Back(t, base)
	if closes != 1 {
		t.Errorf("the handler closed the queue %d times, want 1", closes)
	}
	if n != accepted.Load() {
		t.Errorf("handled %d items, %d were accepted", n, accepted.Load())
	}
	refused.Range(func(k, _ any) bool {
		if _, ok := handled.Load(k); ok {
			t.Errorf("%v was refused and handled", k)
		}
		return true
	})
}

// TestKeyedWindowPushToOwnQueue checks that the handler's Push to its own
// queue in the middle of a window is accepted while there is room: the
// window's items it was already given still count as waiting, so the queue
// looks full, but the handler must not get ErrDeadlock for room that is
// there.
func TestKeyedWindowPushToOwnQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 32
		gates := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
		pushed := make(chan struct{})
		var (
			q       *queue.Keyed[string, int]
			handled []int
			selfErr = errors.New("not pushed")
		)
		q = queue.NewKeyed(1, capacity, func(_ string, v int) {
			handled = append(handled, v)
			switch v {
			case 0, 1:
				<-gates[v]
			case 10:
				// In the window 1..16: 9 items were given after the first,
				// so capacity-9 wait.
				selfErr = q.Push(context.Background(), "k", 1000)
				close(pushed)
			}
		})
		ctx := context.Background()
		q.Push(ctx, "k", 0)
		synctest.Wait() // 0 is in the handler
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, "k", i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		close(gates[0])
		synctest.Wait() // 1 is in the handler, the first of a window
		if err := q.Push(ctx, "k", capacity+1); err != nil {
			t.Fatalf("Push(%d) = %v, want nil", capacity+1, err)
		}
		close(gates[1])
		<-pushed
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if selfErr != nil {
			t.Errorf("Push by the handler with %d items waiting = %v, want nil", capacity-9, selfErr)
		}
		if n := len(handled); n != capacity+3 || handled[n-1] != 1000 {
			t.Errorf("handled %v, want 0..%d then 1000", handled, capacity+1)
		}
	})
}

// TestKeyedWindowSelfPushesUnderLoad races the handler's own Pushes (in the
// middle of windows, whose given items they take out of the counts) and
// panics and Goexits of the handler against producers on a small queue:
// every item accepted is handled exactly once, in each key's order for the
// producers' items, Len stays within the capacity, and the counts add up.
func TestKeyedWindowSelfPushesUnderLoad(t *testing.T) {
	const keys, items, capacity = 3, 600, 24
	base := runtime.NumGoroutine()
	var (
		q               *queue.Keyed[int, int]
		mu              sync.Mutex
		next            = make([]int, keys) // per key: the next producer item
		handled         = make(map[int]bool)
		count, accepted atomic.Int64
		failed          atomic.Int64
		selfRefused     atomic.Int64
	)
	for k := range next {
		next[k] = k // key k gets k, k+keys, k+2*keys...
	}
	q = queue.NewKeyed(2, capacity, func(k, v int) {
		count.Add(1)
		mu.Lock()
		if handled[v] {
			t.Errorf("key %d: %d handled twice", k, v)
		}
		handled[v] = true
		if v < keys*items {
			if v != next[k] {
				t.Errorf("key %d: handled %d, want %d", k, v, next[k])
			}
			next[k] = v + keys
		}
		mu.Unlock()
		if v >= keys*items || v%7 != 0 {
			return
		}
		// Push an item of its own, to a key no producer uses: the
		// producers' keys keep their order.
		switch err := q.Push(context.Background(), (k+1)%keys+keys, keys*items+v); {
		case err == nil:
			accepted.Add(1)
		case errors.Is(err, tame.ErrDeadlock), errors.Is(err, tame.ErrClosed): // (Close is called as the producers end)
			selfRefused.Add(1)
		default:
			t.Errorf("Push by the handler = %v, want nil, ErrDeadlock or ErrClosed", err)
		}
		switch v % 5 {
		case 1:
			failed.Add(1)
			panic(v)
		case 2:
			failed.Add(1)
			runtime.Goexit()
		}
	})
	stop := make(chan struct{})
	var poller sync.WaitGroup
	poller.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n := q.Len(); n > capacity || n < 0 {
				t.Errorf("Len() = %d, want 0..%d", n, capacity)
				return
			}
			runtime.Gosched()
		}
	})
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), k, i*keys+k); err != nil {
					t.Errorf("Push = %v", err)
					return
				}
				accepted.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	poller.Wait()
	err := q.Close()
	leaktest.Back(t, base)
	if (err == nil) != (failed.Load() == 0) {
		t.Errorf("Close() = %v with %d panics and Goexits", err, failed.Load())
	}
	if count.Load() != accepted.Load() {
		t.Errorf("handled %d items, %d were accepted (%d refused to the handler)", count.Load(), accepted.Load(), selfRefused.Load())
	}
	if s := q.Stats(); handledCount(s) != accepted.Load() || s.Waiting != 0 || s.Keys != 0 || s.MaxWaiting > capacity || s.Failed != uint64(failed.Load()) {
		t.Errorf("Stats() = %+v, want Handled %d, Depth 0, Keys 0, MaxDepth <= %d, Panicked %d", s, accepted.Load(), capacity, failed.Load())
	}
}

// TestPushToOwnFullQueueReturnsAtOnce checks that the handler's Push to its
// own full queue returns tame.ErrDeadlock without waiting, and that a
// handler's Push with room is accepted.
func TestPushToOwnFullQueueReturnsAtOnce(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var q shutdownable
				var errs []error
				var took []time.Duration
				q = newQueue(2, func(v int) {
					if v != 0 {
						return
					}
					for i := 1; i <= 3; i++ {
						start := time.Now()
						errs = append(errs, q.push(context.Background(), 30*i)) // (for Keyed: the key of 0, whose line this call holds)
						took = append(took, time.Since(start))
					}
				})
				q.push(context.Background(), 0)
				synctest.Wait() // the handler has pushed
				if err := q.q.Close(); err != nil {
					t.Fatalf("Close() = %v", err)
				}
				if len(errs) != 3 || errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], tame.ErrDeadlock) {
					t.Errorf("Pushes by the handler = %v, want nil, nil, tame.ErrDeadlock", errs)
				}
				if took[2] != 0 {
					t.Errorf("the refused Push took %v, want it to return at once", took[2])
				}
				if s := q.q.Stats(); s.Submitted != 3 || s.Refused != 1 || s.Completed != 3 {
					t.Errorf("Stats() = %+v, want Submitted 3, Refused 1, Completed 3", s)
				}
			})
		})
	}
}

// TestDeadlockFromReplacementAndOnPanic checks the exact owner check on
// every goroutine that runs user code: OnPanic, on the goroutine whose
// handler called runtime.Goexit, and the handler on the goroutine that
// replaced it. Each one's Push to its own full queue, and its Shutdown,
// return an error wrapping tame.ErrDeadlock with no time passed; the
// accepted items are still handled.
func TestDeadlockFromReplacementAndOnPanic(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var q shutdownable
				var mu sync.Mutex
				calls := map[string]error{}
				call := func(what string, f func() error) {
					start := time.Now()
					err := f()
					if d := time.Since(start); d != 0 {
						t.Errorf("%s took %v, want it to return at once", what, d)
					}
					mu.Lock()
					calls[what] = err
					mu.Unlock()
				}
				hour := func() (context.Context, context.CancelFunc) {
					return context.WithTimeout(context.Background(), time.Hour)
				}
				g := newGate[int]()
				inner := make(chan struct{})
				var handled []int
				// Multiples of 3: one key for Keyed, one call at a time.
				q = newQueue(1, func(v int) {
					switch v {
					case 0:
						g.handle(v) // until 3 waits: the queue is full
						runtime.Goexit()
					case 3:
						call("Push with room", func() error { return q.push(context.Background(), 9) })
						call("Push on the full queue after a Goexit", func() error { return q.push(context.Background(), 12) })
						call("Shutdown after a Goexit", func() error {
							ctx, cancel := hour()
							defer cancel()
							return q.shutdown(ctx)
						})
						close(inner)
					}
					mu.Lock()
					handled = append(handled, v)
					mu.Unlock()
				}, queue.OnPanic(func(*tame.PanicError) {
					call("Push from OnPanic", func() error { return q.push(context.Background(), 6) })
				}))
				if err := q.push(context.Background(), 0); err != nil {
					t.Fatalf("Push(0) = %v", err)
				}
				synctest.Wait()
				if err := q.push(context.Background(), 3); err != nil {
					t.Fatalf("Push(3) = %v", err)
				}
				g.open()
				<-inner
				err := q.q.Close()
				if !errors.Is(err, tame.ErrGoexit) {
					t.Errorf("Close() = %v, want the Goexit", err)
				}
				for what, want := range map[string]error{
					"Push from OnPanic":                     tame.ErrDeadlock,
					"Push with room":                        nil,
					"Push on the full queue after a Goexit": tame.ErrDeadlock,
					"Shutdown after a Goexit":               tame.ErrDeadlock,
				} {
					if got, ok := calls[what]; !ok || !errors.Is(got, want) || (want == nil) != (got == nil) {
						t.Errorf("%s = %v (made: %v), want %v", what, got, ok, want)
					}
				}
				if fmt.Sprint(handled) != "[3 9]" {
					t.Errorf("handled %v, want [3 9]", handled)
				}
				if s := q.q.Stats(); s.Submitted != 3 || s.Completed != 2 || s.Failed != 1 || s.Refused != 2 {
					t.Errorf("Stats() = %+v, want Submitted 3, Completed 2, Failed 1, Refused 2", s)
				}
			})
		})
	}
}
