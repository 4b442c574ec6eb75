package queue

import (
	"context"
	"sync"

	"github.com/tamego/tame"
)

// A waiter is a Push waiting for room. Whoever makes room accepts its item
// or refuses it (Close), under the queue's lock, and signals it.
type waiter[T any] struct {
	v    T
	err  error
	done bool
	// ready is the waiter's own wake channel, from the list's stock; nil
	// while the waiter waits on the list's shared channel.
	ready chan struct{}
}

// A waitList is the FIFO of the Pushes waiting for room in one queue. It is
// guarded by the queue's lock.
//
// Its channels are made only when the queue is made and by the queue's own
// goroutines (the consumer, the workers), never by a caller of Push: a
// channel belongs to the synctest bubble of the goroutine that makes it, so
// a queue made outside a bubble must not come to hold a channel made inside
// one, nor the reverse. A Push that waits takes a channel from the stock, or
// waits on the shared channel when the stock is empty; the queue's
// goroutine gives it a channel of its own (and closes the shared one to
// tell it) before it lets any waiter in.
type waitList[T any] struct {
	q      []*waiter[T] // q[head:] wait, oldest first
	head   int
	bare   int             // waiters without a channel of their own
	stock  []chan struct{} // channels for waiters, 1-buffered, empty
	free   []*waiter[T]    // waiters for reuse
	shared chan struct{}   // closed to wake the bare waiters
	closed bool            // refused everyone: shared is closed for good
}

func newWaitList[T any]() waitList[T] {
	return waitList[T]{shared: make(chan struct{})}
}

func (l *waitList[T]) len() int { return len(l.q) - l.head }

// add queues a waiter for v.
func (l *waitList[T]) add(v T) *waiter[T] {
	var w *waiter[T]
	if n := len(l.free); n > 0 {
		w, l.free = l.free[n-1], l.free[:n-1]
		w.v = v
	} else {
		w = &waiter[T]{v: v}
	}
	if n := len(l.stock); n > 0 {
		w.ready, l.stock = l.stock[n-1], l.stock[:n-1]
	} else {
		l.bare++
	}
	l.q = append(l.q, w)
	return w
}

// first reports whether w is the oldest waiter.
func (l *waitList[T]) first(w *waiter[T]) bool { return l.q[l.head] == w }

// equip gives every bare waiter a channel of its own and wakes them, so
// that each can be signalled alone. Only the queue's goroutines call it.
func (l *waitList[T]) equip() {
	if l.bare == 0 || l.closed {
		return
	}
	for _, w := range l.q[l.head:] {
		if w.ready == nil {
			if n := len(l.stock); n > 0 {
				w.ready, l.stock = l.stock[n-1], l.stock[:n-1]
			} else {
				w.ready = make(chan struct{}, 1)
			}
		}
	}
	l.bare = 0
	close(l.shared)
	l.shared = make(chan struct{})
}

// pop takes the oldest waiter out and returns its item; the caller then
// finishes it. Only the queue's goroutines call it, after equip.
func (l *waitList[T]) pop() (*waiter[T], T) {
	w := l.q[l.head]
	l.q[l.head] = nil
	l.head++
	if l.head == len(l.q) {
		l.q, l.head = l.q[:0], 0
	}
	v := w.v
	var zero T
	w.v = zero
	return w, v
}

// finish tells w its result: nil when its item was accepted.
func finish[T any](w *waiter[T], err error) {
	w.done, w.err = true, err
	w.ready <- struct{}{} // never blocks: ready has room for this one signal
}

// remove takes w out of the list: it gives up before it was done.
func (l *waitList[T]) remove(w *waiter[T]) {
	for i := l.head; i < len(l.q); i++ {
		if l.q[i] == w {
			copy(l.q[i:], l.q[i+1:])
			l.q[len(l.q)-1] = nil
			l.q = l.q[:len(l.q)-1]
			break
		}
	}
	if l.head == len(l.q) {
		l.q, l.head = l.q[:0], 0
	}
	if w.ready == nil {
		l.bare--
	}
}

// closeAll refuses every waiter with tame.ErrClosed. Any goroutine may call
// it: it makes no channel.
func (l *waitList[T]) closeAll() {
	for l.len() > 0 {
		w := l.q[l.head]
		l.q[l.head] = nil
		l.head++
		var zero T
		w.v, w.done, w.err = zero, true, tame.ErrClosed
		if w.ready != nil {
			w.ready <- struct{}{}
		}
	}
	l.q, l.head, l.bare = l.q[:0], 0, 0
	if !l.closed {
		l.closed = true
		close(l.shared)
	}
}

// await waits until w is done or ctx is done; mu is held on entry and on
// return. It returns w's result, or ctx.Err() when ctx ended first (w is
// then taken out of the list: its item is never accepted later). An
// accepted item is never taken back, also when ctx ends at the same time.
func (l *waitList[T]) await(ctx context.Context, mu *sync.Mutex, w *waiter[T]) error {
	for !w.done {
		ch := w.ready
		if ch == nil {
			ch = l.shared
		}
		mu.Unlock()
		select {
		case <-ch:
			// Signalled (done), or the shared channel was closed: w may
			// have a channel of its own now.
			mu.Lock()
		case <-ctx.Done():
			mu.Lock()
			if !w.done {
				l.remove(w)
				l.release(w)
				return ctx.Err()
			}
		}
	}
	err := w.err
	l.release(w)
	return err
}

// release puts w and its channel back for reuse once w is out of the list,
// taking a signal that may be left in the channel.
func (l *waitList[T]) release(w *waiter[T]) {
	if ch := w.ready; ch != nil {
		select {
		case <-ch:
		default:
		}
		if len(l.stock) < 64 {
			l.stock = append(l.stock, ch)
		}
	}
	if len(l.free) < 64 {
		*w = waiter[T]{}
		l.free = append(l.free, w)
	}
}
