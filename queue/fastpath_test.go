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

// The tests in this file aim at the producers' lock-free path: positions
// claimed with a compare-and-swap, items written after the claim, the
// consumer parking between the two, and Pushes that wait being let in by the
// consumer while others claim beside them.

// TestQueueOddCapacities checks, for capacities that are not a power of two
// (the ring is), that Len and MaxDepth never exceed the capacity while
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

// TestQueueWaitersRaceContexts checks Pushes that wait for room on a full
// queue while their contexts end: each returns nil and its item is handled
// exactly once, or returns ctx.Err() and its item is never handled, while
// other producers claim positions beside the ones the consumer lets in.
func TestQueueWaitersRaceContexts(t *testing.T) {
	base := runtime.NumGoroutine()
	var handled sync.Map
	var count atomic.Int64
	q := queue.New(4, func(p pushed) {
		if _, dup := handled.LoadOrStore(p, true); dup {
			t.Errorf("%v handled twice", p)
		}
		count.Add(1)
		if p.seq%64 == 0 {
			for range 20 {
				runtime.Gosched() // let the queue fill up now and then
			}
		}
	})
	var accepted, expired atomic.Int64
	var refused sync.Map
	var wg sync.WaitGroup
	for p := range 12 {
		wg.Go(func() {
			for i := range 800 {
				ctx := context.Background()
				var cancel context.CancelFunc = func() {}
				if p%3 == 0 {
					ctx, cancel = context.WithTimeout(ctx, time.Duration(i%7)*time.Microsecond)
				}
				err := q.Push(ctx, pushed{p, i})
				cancel()
				switch {
				case err == nil:
					accepted.Add(1)
				case errors.Is(err, context.DeadlineExceeded):
					expired.Add(1)
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
		t.Errorf("handled %d items, %d were accepted (%d expired)", count.Load(), accepted.Load(), expired.Load())
	}
	refused.Range(func(k, _ any) bool {
		if _, ok := handled.Load(k); ok {
			t.Errorf("%v was refused (its context ended) and handled", k)
		}
		return true
	})
}

// TestQueueParkRaces checks that the consumer never sleeps on an item that
// was written: producers push one item at a time into an idle queue, each
// waiting for it to be handled, so the consumer parks between any two items
// and every Push races its park. A lost wake-up hangs; the watchdog fails
// the test instead.
func TestQueueParkRaces(t *testing.T) {
	base := runtime.NumGoroutine()
	const producers, items = 4, 2000
	handled := make([]chan struct{}, producers)
	for i := range handled {
		handled[i] = make(chan struct{}, 1)
	}
	q := queue.New(2, func(p pushed) { handled[p.producer] <- struct{}{} })
	finished := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := range items {
					if err := q.Push(context.Background(), pushed{p, i}); err != nil {
						t.Errorf("Push = %v", err)
						return
					}
					<-handled[p]
				}
			})
		}
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("items pushed to an idle queue were not handled within 30s: lost wake-up")
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	leaktest.Back(t, base)
	if s := q.Stats(); handledCount(s) != producers*items {
		t.Errorf("Stats().Handled = %d, want %d", handledCount(s), producers*items)
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

// TestQueueWaitersLetInTogether checks the batched admission of waiting
// Pushes: with capacity 64 (a batch of 8) and the handler stuck a few items
// after the queue filled, Len stays within the capacity and TryPush fails
// while Pushes wait (even when a few slots are free); once the handler goes
// on, every waiting Push is let in, and every item is handled once, in push
// order.
func TestQueueWaitersLetInTogether(t *testing.T) {
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

// TestQueueFailuresWhileFull checks that a panic and a Goexit of the
// handler while Pushes wait for room on a full queue do not strand them:
// the replacement consumer lets them in, and every item accepted is
// handled once, in each producer's order.
func TestQueueFailuresWhileFull(t *testing.T) {
	const producers, items = 6, 400
	fails := func(seq int) bool { return seq%97 == 13 || seq%89 == 7 }
	base := runtime.NumGoroutine()
	next := make([]int, producers) // per producer: the least seq that may come next
	handled := 0
	q := queue.New(2, func(p pushed) {
		if p.seq < next[p.producer] {
			t.Errorf("producer %d: seq %d after %d", p.producer, p.seq, next[p.producer]-1)
		}
		next[p.producer] = p.seq + 1
		switch {
		case p.seq%97 == 13:
			panic(p)
		case p.seq%89 == 7:
			runtime.Goexit()
		}
		handled++
	})
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), pushed{p, i}); err != nil {
					t.Errorf("Push = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	err := q.Close()
	leaktest.Back(t, base)
	failed := 0
	for i := range items {
		if fails(i) {
			failed++
		}
	}
	if err == nil || !errors.Is(err, tame.ErrGoexit) {
		t.Errorf("Close() = %v, want the panics and Goexits", err)
	}
	if want := producers * (items - failed); handled != want {
		t.Errorf("handled %d items, want %d", handled, want)
	}
	for p, n := range next {
		if n != items {
			t.Errorf("producer %d: handled up to %d, want %d", p, n, items)
		}
	}
	if s := q.Stats(); handledCount(s) != producers*items || s.Failed != uint64(producers*failed) {
		t.Errorf("Stats() = %+v, want Handled %d, Panicked %d", s, producers*items, producers*failed)
	}
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

// TestQueueKeepsNoItemAlive checks that the queue does not keep the items
// it is done with alive while it stays open: the consumer zeroes the ring
// slots it has read (pushed directly or let in from waiting Pushes), and a
// Push whose context ended while it waited leaves nothing in its waiter,
// which is kept for reuse.
func TestQueueKeepsNoItemAlive(t *testing.T) {
	base := runtime.NumGoroutine()
	gates := map[byte]chan struct{}{1: make(chan struct{}), 5: make(chan struct{})}
	started := make(chan struct{})
	handled := make(chan struct{}, 1024)
	q := queue.New(1, func(v *[64]byte) {
		if g := gates[v[0]]; g != nil {
			started <- struct{}{}
			<-g
		}
		handled <- struct{}{}
	})
	var made, collected atomic.Int64
	item := func(tag byte) *[64]byte {
		v := &[64]byte{tag}
		runtime.AddCleanup(v, func(n *atomic.Int64) { n.Add(1) }, &collected)
		made.Add(1)
		return v
	}
	ctx := context.Background()
	// Pushes that fill the queue while 1 is in the handler, and wait. (A
	// Push may wait for the handler's call even with room: the producers
	// see the consumer's position late. So none of them is waited for
	// before the gate opens.)
	q.Push(ctx, item(1))
	<-started
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := q.Push(ctx, item(2)); err != nil {
				t.Errorf("Push = %v", err)
			}
		})
	}
	close(gates[1])
	wg.Wait()
	n := 5
	// A Push whose context ends while it waits on a full queue, the last
	// to use a waiter.
	q.Push(ctx, item(5))
	<-started
	wg.Go(func() {
		if err := q.Push(ctx, item(6)); err != nil {
			t.Errorf("Push = %v", err)
		}
	})
	n += 2
	for {
		tctx, cancel := context.WithTimeout(ctx, time.Millisecond)
		err := q.Push(tctx, item(7))
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			break // 6 waits or fills the queue
		}
		if err != nil {
			t.Fatalf("Push = %v, want nil or context.DeadlineExceeded", err)
		}
		n++
	}
	close(gates[5])
	wg.Wait()
	for range n {
		<-handled
	}
	deadline := time.Now().Add(10 * time.Second)
	for collected.Load() < made.Load() && time.Now().Before(deadline) {
		runtime.GC()
		runtime.Gosched()
	}
	if c, m := collected.Load(), made.Load(); c < m {
		t.Errorf("%d of %d items collected while the queue is open: the queue keeps %d alive", c, m, m-c)
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	leaktest.Back(t, base)
}
