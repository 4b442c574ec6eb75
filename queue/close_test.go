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
		if waited > 10*time.Millisecond {
			t.Errorf("Push in the handler on its full queue waited %v, want about 1ms", waited)
		}
		if fmt.Sprint(handled) != "[0 1]" {
			t.Errorf("handled %v, want [0 1]", handled)
		}
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
