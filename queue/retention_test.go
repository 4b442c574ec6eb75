package queue_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

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

// big is an item that points to memory, so the collector can tell whether
// anything still reaches it.
type big struct {
	i int
	_ [1 << 10]byte
}

// checkHandledUnreachable pushes items 0..n-1 with push to a queue whose
// handler (given by the test with handle) is held in its call on item 0
// and on item stop, lets it go through the items before stop, and then,
// with the handler held in its call on item stop, checks that every item
// before stop is unreachable: the queue keeps nothing alive once the
// handler's call on it has returned.
func checkHandledUnreachable(t *testing.T, n, stop int, push func(*big), in <-chan int, next chan<- struct{}) {
	t.Helper()
	ptrs := make([]weak.Pointer[big], n)
	for i := range n {
		v := &big{i: i}
		ptrs[i] = weak.Make(v)
		push(v)
		if i == 0 {
			if got := <-in; got != 0 {
				t.Fatalf("handler started with item %d, want 0", got)
			}
		}
	}
	for i := 0; i < stop; i++ {
		next <- struct{}{}
		if got := <-in; got != i+1 {
			t.Fatalf("handler got item %d, want %d", got, i+1)
		}
	}
	runtime.GC()
	runtime.GC()
	for i := range stop {
		if ptrs[i].Value() != nil {
			t.Errorf("item %d is still reachable while the handler is in its call on item %d", i, stop)
		}
	}
	close(next)
}

// heldHandler returns a handler that tells in the index of every item it
// starts and returns once it receives from next (or next is closed).
func heldHandler() (handle func(*big), in chan int, next chan struct{}) {
	in, next = make(chan int, 64), make(chan struct{})
	return func(v *big) {
		in <- v.i
		<-next
	}, in, next
}

// TestKeyedKeepsHandledItemsUnreachable checks a Keyed queue whose only
// worker hands several items of one key in a row: each must be unreachable
// from the queue once its call has returned, not only when the row ends.
func TestKeyedKeepsHandledItemsUnreachable(t *testing.T) {
	for _, stop := range []int{1, 8, 15, 16, 20} {
		handle, in, next := heldHandler()
		q := queue.NewKeyed(1, 64, func(_ string, v *big) { handle(v) })
		checkHandledUnreachable(t, 40, stop, func(v *big) {
			if err := q.Push(context.Background(), "k", v); err != nil {
				t.Fatalf("Push = %v", err)
			}
		}, in, next)
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	}
}

// TestQueueKeepsHandledItemsUnreachable checks the same for a Queue.
func TestQueueKeepsHandledItemsUnreachable(t *testing.T) {
	for _, stop := range []int{1, 8, 15, 16, 20} {
		handle, in, next := heldHandler()
		q := queue.New(64, handle)
		checkHandledUnreachable(t, 40, stop, func(v *big) {
			if err := q.Push(context.Background(), v); err != nil {
				t.Fatalf("Push = %v", err)
			}
		}, in, next)
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	}
}

// TestKeyedRefillAllocatesNothing checks that the memory a Keyed queue's
// lines give back as they drain is reused when keys fill again: once a
// first round has run, rounds that fill and drain every key, with the
// producer waiting for room, allocate nothing.
func TestKeyedRefillAllocatesNothing(t *testing.T) {
	base := runtime.NumGoroutine()
	const keys, per = 8, 200 // more than the capacity in all, less per key
	var handled sync.WaitGroup
	q := queue.NewKeyed(2, 1024, func(int, int) { handled.Done() })
	ctx := context.Background()
	round := func() {
		handled.Add(keys * per)
		for k := range keys {
			for i := range per {
				if err := q.Push(ctx, k, i); err != nil {
					t.Errorf("Push = %v", err)
				}
			}
		}
		handled.Wait()
	}
	round()
	if n := testing.AllocsPerRun(20, round); n != 0 {
		t.Errorf("a round of %d items allocates %.0f times, want 0", keys*per, n)
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	leaktest.Back(t, base)
}
