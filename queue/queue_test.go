package queue_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

// pushed is an item of a test: which producer pushed it, and its place in
// that producer's sequence.
type pushed struct{ producer, seq int }

// orderChecker is a handler that fails the test when two calls overlap, or
// when a producer's items arrive out of order, twice or not at all.
type orderChecker struct {
	t       *testing.T
	inside  atomic.Bool
	mu      sync.Mutex
	next    map[int]int // per producer: the seq expected next
	handled int
}

func newOrderChecker(t *testing.T) *orderChecker {
	return &orderChecker{t: t, next: make(map[int]int)}
}

func (c *orderChecker) handle(p pushed) {
	if !c.inside.CompareAndSwap(false, true) {
		c.t.Errorf("handler entered while already running (item %v)", p)
	}
	c.mu.Lock()
	if want := c.next[p.producer]; p.seq != want {
		c.t.Errorf("producer %d: handled seq %d, want %d", p.producer, p.seq, want)
	}
	c.next[p.producer] = p.seq + 1
	c.handled++
	c.mu.Unlock()
	c.inside.Store(false)
}

func TestQueueManyProducersOneLine(t *testing.T) {
	const producers, items = 16, 1000
	base := runtime.NumGoroutine()
	c := newOrderChecker(t)
	q := queue.New(64, c.handle)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), pushed{p, i}); err != nil {
					t.Errorf("Push = %v, want nil", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	leaktest.Back(t, base)
	if c.handled != producers*items {
		t.Errorf("handled %d items, want %d", c.handled, producers*items)
	}
	for p := range producers {
		if c.next[p] != items {
			t.Errorf("producer %d: handled up to %d, want %d", p, c.next[p], items)
		}
	}
	s := q.Stats()
	if handledCount(s) != producers*items || s.Waiting != 0 || s.Failed != 0 || s.MaxWaiting > 64 {
		t.Errorf("Stats() = %+v, want Handled %d, Depth 0, Panicked 0, MaxDepth <= 64", s, producers*items)
	}
}

// TestQueuePanicKeepsLine checks that a panic, a panic(nil) and a Goexit
// each skip only their item, are told to OnPanic before the next item is
// handled, and come back from Close.
func TestQueuePanicKeepsLine(t *testing.T) {
	base := runtime.NumGoroutine()
	var log []string // written by the handler and OnPanic, one at a time
	boom := errors.New("boom")
	q := queue.New(16, func(v int) {
		switch v {
		case 3:
			panic(boom)
		case 5:
			panic(nil)
		case 7:
			runtime.Goexit()
		}
		log = append(log, fmt.Sprint(v))
	}, queue.OnPanic(func(pe *tame.PanicError) {
		log = append(log, "panic")
	}))
	for i := range 10 {
		if err := q.Push(context.Background(), i); err != nil {
			t.Fatalf("Push(%d) = %v, want nil", i, err)
		}
	}
	err := q.Close()
	leaktest.Back(t, base)
	if got, want := strings.Join(log, ","), "0,1,2,panic,4,panic,6,panic,8,9"; got != want {
		t.Errorf("handled %q, want %q", got, want)
	}
	if !errors.Is(err, boom) || !errors.Is(err, tame.ErrGoexit) {
		t.Errorf("Close() = %v, want errors that are boom and tame.ErrGoexit", err)
	}
	var pnil *runtime.PanicNilError
	if !errors.As(err, &pnil) {
		t.Errorf("Close() = %v, want a *runtime.PanicNilError in it", err)
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 3 {
		t.Errorf("Close() joins %d errors, want 3", n)
	}
	if err2 := q.Close(); err2 != err {
		t.Errorf("second Close() = %v, want the same error as the first", err2)
	}
	if s := q.Stats(); s.Failed != 3 || handledCount(s) != 10 {
		t.Errorf("Stats() = %+v, want Panicked 3, Handled 10", s)
	}
}

// TestQueueOnPanicFails checks that a panic and a Goexit in OnPanic itself
// are returned by Close and do not stop the line.
func TestQueueOnPanicFails(t *testing.T) {
	base := runtime.NumGoroutine()
	var handled []int
	calls := 0
	q := queue.New(8, func(v int) {
		if v%2 == 1 {
			panic(v)
		}
		handled = append(handled, v)
	}, queue.OnPanic(func(*tame.PanicError) {
		calls++
		if calls == 1 {
			panic("in OnPanic")
		}
		runtime.Goexit()
	}))
	for i := range 5 {
		if err := q.Push(context.Background(), i); err != nil {
			t.Fatalf("Push(%d) = %v, want nil", i, err)
		}
	}
	err := q.Close()
	leaktest.Back(t, base)
	if fmt.Sprint(handled) != "[0 2 4]" {
		t.Errorf("handled %v, want [0 2 4]", handled)
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 4 {
		t.Errorf("Close() joins %d errors, want 4 (2 handler panics, a panic and a Goexit in OnPanic): %v", n, err)
	}
	if !errors.Is(err, tame.ErrGoexit) || !strings.Contains(err.Error(), "in OnPanic") {
		t.Errorf("Close() = %v, want the OnPanic panic and Goexit in it", err)
	}
}

// TestQueueBackpressure checks that Push waits while capacity items wait,
// that the item being handled is not counted, that a waiting Push returns
// ctx.Err() when its context ends, and that a waiting Push is let in once
// the consumer makes room.
func TestQueueBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		started := make(chan int, 16)
		var handled []int
		q := queue.New(2, func(v int) {
			started <- v
			if v == 0 {
				<-gate
			}
			handled = append(handled, v)
		})
		ctx := context.Background()
		q.Push(ctx, 0)
		<-started // 0 is being handled: it does not count
		for i := 1; i <= 2; i++ {
			if err := q.Push(ctx, i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		if n := q.Len(); n != 2 {
			t.Errorf("Len() = %d, want 2", n)
		}
		if q.TryPush(99) {
			t.Error("TryPush on a full queue = true, want false")
		}
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if err := q.Push(tctx, 99); err != context.DeadlineExceeded {
			t.Errorf("Push with a 1s timeout on a full queue = %v, want context.DeadlineExceeded", err)
		}
		done := make(chan error)
		go func() { done <- q.Push(ctx, 3) }()
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Push on a full queue returned %v, want it to wait", err)
		default:
		}
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("waiting Push = %v, want nil once there is room", err)
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if fmt.Sprint(handled) != "[0 1 2 3]" {
			t.Errorf("handled %v, want [0 1 2 3]", handled)
		}
		if s, want := q.Stats(), (queue.Stats{Submitted: 4, Refused: 2, MaxWaiting: 2, Completed: 4}); s != want {
			t.Errorf("Stats() = %+v, want %+v", s, want)
		}
	})
}

// TestQueueWaitBehindUnpublishedPosition checks the consumer's lazy
// publication of its position: while the handler is stuck on an item in the
// middle of a run, Len stays within the capacity and counts at least the
// items truly waiting, Pushes that find the queue full (perhaps a little
// early) are let in once the handler returns, and nothing is lost or
// reordered.
func TestQueueWaitBehindUnpublishedPosition(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 64
		gates := map[int]chan struct{}{0: make(chan struct{}), 5: make(chan struct{})}
		started := make(chan int, 128)
		var handled []int
		q := queue.New(capacity, func(v int) {
			started <- v
			if g := gates[v]; g != nil {
				<-g
			}
			handled = append(handled, v)
		})
		ctx := context.Background()
		q.Push(ctx, 0)
		<-started // 0 is being handled, alone in its run
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		close(gates[0]) // the next run is items 1..64; it stops in item 5
		for v := range started {
			if v == 5 {
				break
			}
		}
		const waiting = capacity - 5 // items 6..64
		if n := q.Len(); n < waiting || n > capacity {
			t.Errorf("Len() = %d with item 5 in the handler, want %d..%d", n, waiting, capacity)
		}
		done := make(chan error)
		go func() {
			for i := capacity + 1; i <= capacity+4; i++ { // fit: 5 slots are free
				if err := q.Push(ctx, i); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		synctest.Wait() // accepted, or waiting for the position
		if n := q.Len(); n > capacity {
			t.Errorf("Len() = %d, want at most %d", n, capacity)
		}
		close(gates[5])
		if err := <-done; err != nil {
			t.Errorf("Push after item 5 returned = %v, want nil", err)
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		checkHandled(t, handled, q.Stats(), capacity+5, capacity)
	})
}

func TestQueuePushDoneContext(t *testing.T) {
	base := runtime.NumGoroutine()
	q := queue.New(4, func(int) { t.Error("handled an item pushed with a cancelled context") })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.Push(ctx, 1); err != context.Canceled {
		t.Errorf("Push with a cancelled context = %v, want context.Canceled", err)
	}
	if err := q.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	leaktest.Back(t, base)
}

// TestQueueLenBounded checks that Len and MaxDepth never exceed the capacity
// while producers outpace a slow consumer.
func TestQueueLenBounded(t *testing.T) {
	const capacity = 8
	base := runtime.NumGoroutine()
	q := queue.New(capacity, func(int) { runtime.Gosched() })
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 2000 {
				q.Push(context.Background(), i)
			}
		})
	}
	wg.Go(func() {
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
			// Yield: with GOMAXPROCS=1 a poller that never yields holds
			// the only P for a whole time slice at every handler's Gosched.
			runtime.Gosched()
		}
	})
	for handledCount(q.Stats()) < 8000 {
		runtime.Gosched()
	}
	close(stop)
	wg.Wait()
	q.Close()
	leaktest.Back(t, base)
	if s := q.Stats(); s.MaxWaiting > capacity || s.MaxWaiting < 1 {
		t.Errorf("Stats().MaxWaiting = %d, want 1..%d", s.MaxWaiting, capacity)
	}
}

// TestQueueIdleParks checks that an idle queue's consumer is durably
// blocked (parked on a channel), not spinning: synctest.Wait returns only
// when every goroutine of the bubble is durably blocked.
func TestQueueIdleParks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n int
		q := queue.New(4, func(v int) { n += v })
		synctest.Wait()
		q.Push(context.Background(), 1)
		q.Push(context.Background(), 2)
		synctest.Wait()
		if n != 3 {
			t.Errorf("sum = %d before Close, want 3", n)
		}
		q.Close()
	})
}

func TestBadArguments(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"capacity 0", func() { queue.New(0, func(int) {}) }, "queue: capacity must be at least 1, got 0"},
		{"capacity -1", func() { queue.New(-1, func(int) {}) }, "queue: capacity must be at least 1, got -1"},
		{"nil handle", func() { queue.New[int](1, nil) }, "queue: handle"},
		{"nil option", func() { queue.New(1, func(int) {}, nil) }, "queue: nil Option"},
		{"keyed workers 0", func() { queue.NewKeyed(0, 1, func(int, int) {}) }, "queue: workers must be at least 1, got 0"},
		{"keyed capacity 0", func() { queue.NewKeyed(1, 0, func(int, int) {}) }, "queue: capacity must be at least 1, got 0"},
		{"keyed nil handle", func() { queue.NewKeyed[int, int](1, 1, nil) }, "queue: handle"},
		{"unhashable key", func() { keyedTry(any([]int{1})) }, "queue: key []int is not comparable"},
		{"NaN key", func() { keyedTry(math.NaN()) }, "queue: key is not equal to itself"},
		{"NaN in a struct key", func() { keyedTry(struct{ f float64 }{math.NaN()}) }, "queue: key is not equal to itself"},
		{"NaN in an interface key", func() { keyedTry(any(math.NaN())) }, "queue: key is not equal to itself"},
		{"nil OnPanic", func() { queue.OnPanic(nil) }, "queue: OnPanic with a nil func"},
		{"capacity too large", func() { queue.New(math.MaxInt, func(int) {}) }, "queue: capacity too large: "},
		{"capacity 1<<62", func() { queue.New(1<<62, func(int) {}) }, "queue: capacity too large: "},
		{"zero Queue", func() { var q queue.Queue[int]; q.Push(context.Background(), 1) }, "queue: Queue used without New"},
		{"zero Keyed", func() { var q queue.Keyed[int, int]; q.TryPush(1, 1) }, "queue: Keyed used without NewKeyed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, tt.want) {
					t.Errorf("panic %q, want it to start with %q", msg, tt.want)
				}
			}()
			tt.fn()
		})
	}
}

// keyedTry calls TryPush and Push with key on a new Keyed queue, and closes
// it whether they panic or not.
func keyedTry[K comparable](key K) {
	q := queue.NewKeyed(1, 1, func(K, int) {})
	defer q.Close()
	q.TryPush(key, 1)
	q.Push(context.Background(), key, 1)
}

// checkHandled fails the test unless handled holds 0, 1, ... want-1 in that
// order, and s counts want items handled with a high-water mark within the
// capacity.
func checkHandled(t *testing.T, handled []int, s queue.Stats, want, capacity int) {
	t.Helper()
	for i, v := range handled {
		if v != i {
			t.Fatalf("handled[%d] = %d, want %d (handled %v)", i, v, i, handled)
		}
	}
	if len(handled) != want || handledCount(s) != int64(want) || s.MaxWaiting > capacity {
		t.Errorf("handled %d, Stats() = %+v; want %d handled, MaxDepth <= %d", len(handled), s, want, capacity)
	}
}

// handledCount is the number of handler calls that ended.
func handledCount(s queue.Stats) int64 { return int64(s.Completed + s.Failed) }
