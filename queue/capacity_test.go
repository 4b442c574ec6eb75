package queue_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

// TestQueueWaitBehindHeldHandler checks that while the handler is stuck
// on an item in the middle of a run, Len stays within the capacity and
// counts the items waiting, Pushes that find the queue full are let in as
// the handler returns, and nothing is lost or reordered.
func TestQueueWaitBehindHeldHandler(t *testing.T) {
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

// TestQueueLenBounded checks that Len and MaxWaiting never exceed the capacity
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
		t.Errorf("handled %d, Stats() = %+v; want %d handled, MaxWaiting <= %d", len(handled), s, want, capacity)
	}
}

// TestKeyedWaitersLetInInOrder checks the admission of waiting Pushes:
// with capacity 64 and the only worker stuck a few items after the queue
// filled, Len stays within the capacity and TryPush fails while Pushes
// wait; once the worker goes on, every waiting Push is let in, and every
// item is handled once, in push order.
func TestKeyedWaitersLetInInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 64
		gates := map[int]chan struct{}{0: make(chan struct{}), 3: make(chan struct{})}
		started := make(chan int, 128)
		var handled []int
		q := queue.NewKeyed(1, capacity, func(_ string, v int) {
			started <- v
			if g := gates[v]; g != nil {
				<-g
			}
			handled = append(handled, v)
		})
		ctx := context.Background()
		q.Push(ctx, "k", 0)
		<-started // 0 is being handled: it does not count
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, "k", i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		done := make(chan error)
		for p := range 3 {
			go func() { done <- q.Push(ctx, "k", capacity+1+p) }()
			synctest.Wait() // in order: producer p waits before p+1 pushes
		}
		close(gates[0]) // the worker handles 1, 2 and stops in 3
		for v := range started {
			if v == 3 {
				break
			}
		}
		synctest.Wait()
		if n := q.Len(); n > capacity || n < capacity-3 {
			t.Errorf("Len() = %d with item 3 in the handler, want %d..%d", n, capacity-3, capacity)
		}
		if q.TryPush("other", 1) {
			t.Error("TryPush while Pushes wait = true, want false")
		}
		close(gates[3])
		for range 3 {
			if err := <-done; err != nil {
				t.Errorf("waiting Push = %v, want nil", err)
			}
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		checkHandled(t, handled, q.Stats(), capacity+4, capacity)
	})
}

// TestQueueOddCapacities checks, for capacities that are not a power of two
// (the ring is), that Len and MaxWaiting never exceed the capacity while
// producers that Push and TryPush outpace the consumer, and that every item
// accepted is handled once, in each producer's order.
func TestQueueOddCapacities(t *testing.T) {
	for _, capacity := range []int{1, 3, 5, 100} {
		base := runtime.NumGoroutine()
		var (
			mu       sync.Mutex
			next     = make(map[int]int) // per producer: the least seq that may come next
			handled  int
			accepted atomic.Int64
		)
		q := queue.New(capacity, func(p pushed) {
			mu.Lock()
			if p.seq < next[p.producer] {
				t.Errorf("capacity %d: producer %d: seq %d after %d", capacity, p.producer, p.seq, next[p.producer]-1)
			}
			next[p.producer] = p.seq + 1
			handled++
			mu.Unlock()
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
					t.Errorf("capacity %d: Len() = %d, want 0..%d", capacity, n, capacity)
					return
				}
				runtime.Gosched()
			}
		})
		var wg sync.WaitGroup
		for p := range 6 {
			wg.Go(func() {
				for i := range 3000 {
					it := pushed{p, i}
					if p%2 == 0 {
						if q.TryPush(it) {
							accepted.Add(1)
						}
						continue
					}
					if err := q.Push(context.Background(), it); err != nil {
						t.Errorf("Push = %v, want nil", err)
						return
					}
					accepted.Add(1)
				}
			})
		}
		wg.Wait()
		close(stop)
		poller.Wait()
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		leaktest.Back(t, base)
		if int64(handled) != accepted.Load() {
			t.Errorf("capacity %d: handled %d, accepted %d", capacity, handled, accepted.Load())
		}
		if s := q.Stats(); s.MaxWaiting > capacity || s.MaxWaiting < 1 || handledCount(s) != accepted.Load() || s.Waiting != 0 {
			t.Errorf("capacity %d: Stats() = %+v, want MaxDepth 1..%d, Handled %d, Depth 0", capacity, s, capacity, accepted.Load())
		}
	}
}

// TestWaitersRaceContexts checks Pushes that wait for room on a full
// queue while their contexts end: each returns nil and its item is handled
// exactly once, in its producer's order, or returns ctx.Err() and its item
// is never handled, while other producers claim room beside the ones let
// in. For Keyed, each producer pushes to a key of its own.
func TestWaitersRaceContexts(t *testing.T) {
	makers := map[string]func(handle func(pushed)) (func(context.Context, pushed) error, closer){
		"Queue": func(handle func(pushed)) (func(context.Context, pushed) error, closer) {
			q := queue.New(4, handle)
			return q.Push, q
		},
		"Keyed": func(handle func(pushed)) (func(context.Context, pushed) error, closer) {
			q := queue.NewKeyed(3, 4, func(_ int, p pushed) { handle(p) })
			return func(ctx context.Context, p pushed) error { return q.Push(ctx, p.producer, p) }, q
		},
	}
	for name, newQueue := range makers {
		t.Run(name, func(t *testing.T) {
			const producers, each = 12, 600
			base := runtime.NumGoroutine()
			var handled sync.Map
			var count atomic.Int64
			var last [producers]atomic.Int64
			push, q := newQueue(func(p pushed) {
				if _, dup := handled.LoadOrStore(p, true); dup {
					t.Errorf("%v handled twice", p)
				}
				if prev := last[p.producer].Swap(int64(p.seq) + 1); prev > int64(p.seq) {
					t.Errorf("producer %d: %d handled after %d", p.producer, p.seq, prev-1)
				}
				count.Add(1)
				if p.seq%64 == 0 {
					for range 20 {
						runtime.Gosched() // let the queue fill up now and then
					}
				}
			})
			var accepted atomic.Int64
			var refused sync.Map
			var wg sync.WaitGroup
			for p := range producers {
				wg.Go(func() {
					for i := range each {
						ctx := context.Background()
						var cancel context.CancelFunc = func() {}
						if p%3 == 0 {
							ctx, cancel = context.WithTimeout(ctx, time.Duration(i%7)*time.Microsecond)
						}
						err := push(ctx, pushed{p, i})
						cancel()
						switch {
						case err == nil:
							accepted.Add(1)
						case errors.Is(err, context.DeadlineExceeded):
							refused.Store(pushed{p, i}, true)
						default:
							t.Errorf("Push = %v, want nil or context.DeadlineExceeded", err)
							return
						}
					}
				})
			}
			wg.Wait()
			if err := q.Close(); err != nil {
				t.Fatalf("Close() = %v", err)
			}
			leaktest.Back(t, base)
			if count.Load() != accepted.Load() {
				t.Errorf("handled %d items, %d were accepted", count.Load(), accepted.Load())
			}
			refused.Range(func(k, _ any) bool {
				if _, ok := handled.Load(k); ok {
					t.Errorf("%v was refused (its context ended) and handled", k)
				}
				return true
			})
			if s := q.Stats(); s.Submitted != uint64(accepted.Load()) || s.Completed != s.Submitted || s.Submitted+s.Refused != producers*each {
				t.Errorf("Stats() = %+v, want Submitted = Completed = %d, Submitted + Refused = %d", s, accepted.Load(), producers*each)
			}
		})
	}
}

// TestQueueWaitersLetInInOrder checks the admission of waiting Pushes:
// with capacity 64 and the handler stuck a few items after the queue
// filled, Len stays within the capacity and TryPush fails while Pushes
// wait; once the handler goes on, every waiting Push is let in, and every
// item is handled once, in push order.
func TestQueueWaitersLetInInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 64
		gates := map[int]chan struct{}{0: make(chan struct{}), 3: make(chan struct{})}
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
		<-started // 0 is being handled: it does not count
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		done := make(chan error)
		for p := range 3 {
			go func() { done <- q.Push(ctx, capacity+1+p) }()
			synctest.Wait() // in order: producer p waits before p+1 pushes
		}
		close(gates[0]) // the handler takes 1, 2 and stops in 3
		for v := range started {
			if v == 3 {
				break
			}
		}
		synctest.Wait()
		if n := q.Len(); n > capacity || n < capacity-3 {
			t.Errorf("Len() = %d with item 3 in the handler, want %d..%d", n, capacity-3, capacity)
		}
		if q.TryPush(1000) {
			t.Error("TryPush while Pushes wait = true, want false")
		}
		close(gates[3])
		for range 3 {
			if err := <-done; err != nil {
				t.Errorf("waiting Push = %v, want nil", err)
			}
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		checkHandled(t, handled, q.Stats(), capacity+4, capacity)
	})
}

// TestQueueTryPushNeverRefusesRoom checks that TryPush accepts every item
// on a queue that cannot fill (its capacity is more than all the items
// pushed), while a fast consumer moves its published position on between a
// producer's reads of the positions: a producer that reads tail, then head
// after both moved past it, must not take the negative difference for a
// full queue.
func TestQueueTryPushNeverRefusesRoom(t *testing.T) {
	const producers, items = 4, 20000
	base := runtime.NumGoroutine()
	var handled atomic.Int64
	q := queue.New(producers*items, func(int) { handled.Add(1) })
	var refused atomic.Int64
	var wg sync.WaitGroup
	for range producers {
		wg.Go(func() {
			for i := range items {
				if !q.TryPush(i) {
					refused.Add(1)
				}
				if i%8 == 0 {
					runtime.Gosched() // let the consumer catch up, so head passes tails just read
				}
			}
		})
	}
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	leaktest.Back(t, base)
	if n := refused.Load(); n != 0 {
		t.Errorf("TryPush refused %d of %d items on a queue with room for all, want 0", n, producers*items)
	}
	if got, want := handled.Load(), int64(producers*items)-refused.Load(); got != want {
		t.Errorf("handled %d items, want %d", got, want)
	}
}

// TestKeyedWindowLen checks that the items of a window that the handler has
// not reached yet still count as waiting, and that once the worker is done
// with the window the counts are exact.
func TestKeyedWindowLen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := map[int]chan struct{}{0: make(chan struct{}), 3: make(chan struct{})}
		started := make(chan int, 64)
		q := queue.NewKeyed(1, 100, func(_ string, v int) {
			started <- v
			if g := gates[v]; g != nil {
				<-g
			}
		})
		ctx := context.Background()
		q.Push(ctx, "k", 0)
		<-started
		for i := 1; i <= 30; i++ {
			q.Push(ctx, "k", i)
		}
		close(gates[0])
		for v := range started {
			if v == 3 {
				break
			}
		}
		// 1 and 2 were handled and 3 is in the handler, all in the window
		// 1..16: Len may count them (at most the 30 pushed), never fewer
		// than the 27 truly waiting.
		if n := q.Len(); n < 27 || n > 30 {
			t.Errorf("Len() = %d with item 3 in the handler, want 27..30", n)
		}
		close(gates[3])
		synctest.Wait()
		if s := q.Stats(); s.Waiting != 0 || handledCount(s) != 31 || s.Keys != 0 || s.MaxWaiting != 30 {
			t.Errorf("Stats() = %+v once idle, want Depth 0, Handled 31, Keys 0, MaxDepth 30", s)
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	})
}

// TestPushDoneContextRefuses checks that a Push with a context that is
// already done accepts nothing, even with room, and is counted as refused.
func TestPushDoneContextRefuses(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			q := newQueue(4, func(int) { t.Error("handler called") })
			if err := q.push(ctx, 1); !errors.Is(err, context.Canceled) {
				t.Errorf("Push(done ctx) = %v, want context.Canceled", err)
			}
			if err := q.q.Close(); err != nil {
				t.Fatalf("Close() = %v", err)
			}
			if s, want := q.q.Stats(), (queue.Stats{Refused: 1}); s != want {
				t.Errorf("Stats() = %+v, want %+v", s, want)
			}
		})
	}
}

// capacities are the capacities the exactness tests try: every one from 1
// to past the ring's publication interval and a window's length, and a few
// that are not a power of two.
var capacities = append(seq(1, 40), 63, 100, 257)

func seq(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

// exactCapacity drives a queue of capacity c whose handler is held by g:
// it fills the queue, then lets one call return at a time over several laps
// of the ring, and checks each time that Len counts exactly the items
// waiting, that TryPush takes exactly the room made, and that a Push that
// waits is let in as soon as a call returns, while the handler is held in
// the next call. push and try push item i (its key, for Keyed, is i%keys).
func exactCapacity(t *testing.T, c int, g *gate[int], q closer, try func(int) bool, push func(context.Context, int) error) {
	t.Helper()
	n := 0
	tryNext := func() bool {
		if try(n) {
			n++
			return true
		}
		return false
	}
	tryNext()
	synctest.Wait() // item 0 is in the handler: it does not count
	for range c {
		if !tryNext() {
			t.Fatalf("capacity %d: TryPush refused with Len() = %d", c, q.Len())
		}
	}
	if l := q.Len(); l != c || tryNext() {
		t.Fatalf("capacity %d: full queue: Len() = %d, TryPush accepted %v; want %d, false", c, l, n > c+1, c)
	}
	for round := range 2*c + 40 {
		g.step()
		if l := q.Len(); l != c-1 {
			t.Fatalf("capacity %d, round %d: Len() = %d after a call returned, want %d", c, round, l, c-1)
		}
		if !tryNext() {
			t.Fatalf("capacity %d, round %d: TryPush refused with room for one", c, round)
		}
		if tryNext() {
			t.Fatalf("capacity %d, round %d: TryPush accepted beyond the capacity", c, round)
		}
	}
	done := make(chan error, 1)
	go func() { done <- push(context.Background(), n) }()
	synctest.Wait()
	select {
	case err := <-done:
		t.Fatalf("capacity %d: Push on a full queue = %v, want it to wait", c, err)
	default:
	}
	g.step()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("capacity %d: waiting Push = %v, want nil", c, err)
		}
		n++
	default:
		t.Fatalf("capacity %d: Push still waits with room for one, Len() = %d", c, q.Len())
	}
	if l := q.Len(); l != c {
		t.Fatalf("capacity %d: Len() = %d, want %d", c, l, c)
	}
	g.open()
	if err := q.Close(); err != nil {
		t.Fatalf("capacity %d: Close() = %v", c, err)
	}
	s := q.Stats()
	if want := (queue.Stats{Submitted: uint64(n), Refused: uint64(2*c + 41), MaxWaiting: c, Completed: uint64(n), Keys: 0}); s != want {
		t.Errorf("capacity %d: Stats() = %+v, want %+v", c, s, want)
	}
}

// TestQueueCapacityIsExact checks that a Queue of every capacity accepts
// exactly capacity waiting items, no fewer and no more, with the handler
// held in a call: its position is never published late to the producers.
func TestQueueCapacityIsExact(t *testing.T) {
	for _, c := range capacities {
		synctest.Test(t, func(t *testing.T) {
			g := newGate[int]()
			q := queue.New(c, g.handle)
			defer q.Close()
			defer g.open()
			exactCapacity(t, c, g, q, q.TryPush, q.Push)
			if h := g.items(); !slices.Equal(h, seq(0, len(h)-1)) {
				t.Errorf("capacity %d: handled %v, want them in push order", c, h)
			}
		})
	}
}

// TestKeyedCapacityIsExact checks the same for Keyed, with one key (a
// worker hands several items of its line in a row) and with three keys
// (the lines take turns), over all keys.
func TestKeyedCapacityIsExact(t *testing.T) {
	for _, keys := range []int{1, 3} {
		for _, c := range capacities {
			t.Run(fmt.Sprintf("keys=%d/capacity=%d", keys, c), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					g := newGate[int]()
					q := queue.NewKeyed(1, c, keyed[int](g))
					defer q.Close()
					defer g.open()
					exactCapacity(t, c, g, q,
						func(i int) bool { return q.TryPush(i%keys, i) },
						func(ctx context.Context, i int) error { return q.Push(ctx, i%keys, i) })
				})
			})
		}
	}
}

// TestKeyedCapacityIsExactWithWorkers checks Len, TryPush and a waiting
// Push while several workers are held in calls of different keys: only
// the items not given to the handler count.
func TestKeyedCapacityIsExactWithWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, c = 3, 5
		g := newGate[int]()
		q := queue.NewKeyed(workers, c, keyed[int](g))
		defer q.Close()
		defer g.open()
		for i := range workers {
			if !q.TryPush(i, i) {
				t.Fatalf("TryPush(%d) refused on an empty queue", i)
			}
		}
		synctest.Wait() // three calls run, nothing waits
		if s := q.Stats(); s.Running != workers || s.Waiting != 0 || q.Len() != 0 {
			t.Fatalf("Stats() = %+v, Len() = %d; want Running %d, Waiting 0, Len 0", s, q.Len(), workers)
		}
		for i := range c {
			if !q.TryPush(i%workers, 10+i) {
				t.Fatalf("TryPush refused with Len() = %d < %d", q.Len(), c)
			}
		}
		if q.TryPush(0, 99) || q.Len() != c {
			t.Fatalf("full queue: Len() = %d, want %d and TryPush refused", q.Len(), c)
		}
		done := make(chan error, 1)
		go func() { done <- q.Push(context.Background(), 1, 20) }()
		synctest.Wait()
		g.step() // one call returns; its worker takes the next item of that key
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("waiting Push = %v, want nil", err)
			}
		default:
			t.Fatalf("Push still waits with room for one, Len() = %d", q.Len())
		}
		if s := q.Stats(); s.Running != workers || s.Waiting != c || s.Blocked != 0 {
			t.Fatalf("Stats() = %+v, want Running %d, Waiting %d, Blocked 0", s, workers, c)
		}
	})
}

// TestBackpressure checks, for a Queue and a Keyed queue of capacity 2,
// that Push waits while two items wait (the one being handled does not
// count), that a waiting Push returns ctx.Err() when its context ends and
// is let in once a call returns, and what Stats counts.
func TestBackpressure(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newGate[int]()
				q := newQueue(2, g.handle)
				ctx := context.Background()
				// Multiples of 3: one key for Keyed, whose handler calls
				// then run one at a time.
				for i := 0; i < 9; i += 3 {
					if err := q.push(ctx, i); err != nil {
						t.Fatalf("Push(%d) = %v, want nil", i, err)
					}
					synctest.Wait()
				}
				if n := q.q.Len(); n != 2 {
					t.Errorf("Len() = %d, want 2", n)
				}
				tctx, cancel := context.WithTimeout(ctx, time.Second)
				defer cancel()
				if err := q.push(tctx, 99); err != context.DeadlineExceeded {
					t.Errorf("Push with a 1s timeout on a full queue = %v, want context.DeadlineExceeded", err)
				}
				done := make(chan error)
				go func() { done <- q.push(ctx, 9) }()
				synctest.Wait()
				select {
				case err := <-done:
					t.Fatalf("Push on a full queue returned %v, want it to wait", err)
				default:
				}
				g.step()
				if err := <-done; err != nil {
					t.Errorf("waiting Push = %v, want nil once there is room", err)
				}
				g.open()
				if err := q.q.Close(); err != nil {
					t.Fatalf("Close() = %v", err)
				}
				if fmt.Sprint(g.items()) != "[0 3 6 9]" {
					t.Errorf("handled %v, want [0 3 6 9]", g.items())
				}
				if s, want := q.q.Stats(), (queue.Stats{Submitted: 4, Refused: 1, MaxWaiting: 2, Completed: 4}); s != want {
					t.Errorf("Stats() = %+v, want %+v", s, want)
				}
			})
		})
	}
}

// TestKeyedCapacityIsExactManyKeysAndWorkers checks the exact capacity of
// a Keyed queue whose workers are all held in calls, with every item on a
// key of its own: a burst of TryPushes takes exactly the capacity, and each
// call that returns lets exactly one more item in (its worker takes one
// waiting line), for several workers and small and larger capacities.
func TestKeyedCapacityIsExactManyKeysAndWorkers(t *testing.T) {
	for _, workers := range []int{2, 3, 8} {
		for _, c := range append(seq(1, 8), 16, 33) {
			t.Run(fmt.Sprintf("workers=%d/capacity=%d", workers, c), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					g := newGate[int]()
					q := queue.NewKeyed(workers, c, keyed[int](g))
					defer q.Close()
					defer g.open()
					n := 0
					try := func() bool {
						if q.TryPush(n, n) {
							n++
							return true
						}
						return false
					}
					for range workers {
						if !try() {
							t.Fatalf("TryPush refused on a queue with idle workers, Len() = %d", q.Len())
						}
						synctest.Wait()
					}
					if s := q.Stats(); s.Running != workers || s.Waiting != 0 {
						t.Fatalf("Stats() = %+v, want Running %d, Waiting 0", s, workers)
					}
					for range c {
						if !try() {
							t.Fatalf("TryPush refused with Len() = %d < %d", q.Len(), c)
						}
					}
					if l := q.Len(); l != c || try() {
						t.Fatalf("full queue: Len() = %d, want %d, and TryPush refused", l, c)
					}
					refused := 1
					for round := range 2*c + 10 {
						g.step()
						if l := q.Len(); l != c-1 {
							t.Fatalf("round %d: Len() = %d after a call returned, want %d", round, l, c-1)
						}
						if !try() {
							t.Fatalf("round %d: TryPush refused with room for one", round)
						}
						if try() {
							t.Fatalf("round %d: TryPush accepted beyond the capacity", round)
						}
						refused++
					}
					done := make(chan error, 1)
					go func() { done <- q.Push(context.Background(), n, n) }()
					synctest.Wait()
					select {
					case err := <-done:
						t.Fatalf("Push on a full queue = %v, want it to wait", err)
					default:
					}
					g.step()
					select {
					case err := <-done:
						if err != nil {
							t.Fatalf("waiting Push = %v, want nil", err)
						}
						n++
					default:
						t.Fatalf("Push still waits with room for one, Len() = %d", q.Len())
					}
					g.open()
					if err := q.Close(); err != nil {
						t.Fatalf("Close() = %v", err)
					}
					want := queue.Stats{Submitted: uint64(n), Refused: uint64(refused), MaxWaiting: c, Completed: uint64(n)}
					if s := q.Stats(); s != want {
						t.Errorf("Stats() = %+v, want %+v", s, want)
					}
					if h := g.items(); len(h) != n {
						t.Errorf("handled %d items, want %d", len(h), n)
					}
				})
			})
		}
	}
}

// TestKeyedOneKeyCapacityIsExactWithIdleWorkers checks the exact capacity
// of a Keyed queue with one key and several workers, all but one idle
// (a key's items are handled one at a time).
func TestKeyedOneKeyCapacityIsExactWithIdleWorkers(t *testing.T) {
	for _, c := range append(seq(1, 8), 17, 40) {
		t.Run(fmt.Sprintf("capacity=%d", c), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newGate[int]()
				q := queue.NewKeyed(4, c, keyed[int](g))
				defer q.Close()
				defer g.open()
				exactCapacity(t, c, g, q,
					func(i int) bool { return q.TryPush(0, i) },
					func(ctx context.Context, i int) error { return q.Push(ctx, 0, i) })
				if h := g.items(); !slices.Equal(h, seq(0, len(h)-1)) {
					t.Errorf("handled %v, want them in push order", h)
				}
			})
		})
	}
}
