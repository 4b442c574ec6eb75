package queue_test

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/tamego/tame/queue"
)

// big is an item that points to memory, so the collector can tell whether
// anything still reaches it.
type big struct {
	i   int
	buf [1 << 10]byte
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
