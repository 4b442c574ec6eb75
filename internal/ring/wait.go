package ring

import (
	"context"
	"sync"

	"github.com/tamego/tame"
)

// A Waiter is a producer waiting for room with its item. Whoever makes room
// accepts the item or refuses it (on close), under the lock that guards the
// waiter's list, and signals it.
type Waiter[T any] struct {
	v    T
	err  error
	done bool
	// ready is the waiter's own wake channel, from the list's stock; nil
	// while the waiter waits on the list's shared channel.
	ready chan struct{}
}

// Done reports whether w was accepted or refused; the list's lock is held.
func (w *Waiter[T]) Done() bool { return w.done }

// Waiters is the FIFO of the producers waiting for room in one component.
// A lock of the component guards it; every method is called with that lock
// held. Its zero value is not usable: make it with [NewWaiters].
//
// Its channels are made only when the list is made and by the component's
// own goroutines (its consumer or workers, through [Waiters.Equip]), never
// by a producer: a channel belongs to the synctest bubble of the goroutine
// that makes it, so a component made outside a bubble must not come to hold
// a channel made inside one, nor the reverse. A producer that waits takes a
// channel from the stock, or waits on the shared channel when the stock is
// empty; Equip gives it a channel of its own (and closes the shared one to
// tell it) before any waiter is let in.
type Waiters[T any] struct {
	q      []*Waiter[T] // q[head:] wait, oldest first
	head   int
	bare   int             // waiters without a channel of their own
	stock  []chan struct{} // channels for waiters, 1-buffered, empty
	free   []*Waiter[T]    // waiters for reuse
	shared chan struct{}   // closed to wake the bare waiters
	closed bool            // refused everyone: shared is closed for good
}

// NewWaiters returns an empty list.
func NewWaiters[T any]() Waiters[T] {
	return Waiters[T]{shared: make(chan struct{})}
}

// Len returns the number of waiters.
func (l *Waiters[T]) Len() int { return len(l.q) - l.head }

// Add queues a waiter for v at the end of the list.
func (l *Waiters[T]) Add(v T) *Waiter[T] {
	var w *Waiter[T]
	if n := len(l.free); n > 0 {
		w, l.free = l.free[n-1], l.free[:n-1]
		w.v = v
	} else {
		w = &Waiter[T]{v: v}
	}
	if n := len(l.stock); n > 0 {
		w.ready, l.stock = l.stock[n-1], l.stock[:n-1]
	} else {
		l.bare++
	}
	l.q = append(l.q, w)
	return w
}

// First reports whether w is the oldest waiter.
func (l *Waiters[T]) First(w *Waiter[T]) bool { return l.q[l.head] == w }

// Equip gives every bare waiter a channel of its own and wakes them, so
// that each can be signalled alone. Only the component's goroutines call
// it, before they let waiters in.
func (l *Waiters[T]) Equip() {
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

// Accept takes the oldest waiter out, tells it that its item was accepted,
// and returns the item. Only the component's goroutines call it, after
// Equip.
func (l *Waiters[T]) Accept() T {
	w := l.q[l.head]
	l.q[l.head] = nil
	l.head++
	if l.head == len(l.q) {
		l.q, l.head = l.q[:0], 0
	}
	v := w.v
	var zero T
	w.v = zero
	w.done, w.err = true, nil
	w.ready <- struct{}{} // never blocks: ready has room for this one signal
	return v
}

// Remove takes w out of the list and puts it back for reuse: it gives up
// before it was done.
func (l *Waiters[T]) Remove(w *Waiter[T]) {
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
	l.release(w)
}

// CloseAll refuses every waiter with [tame.ErrClosed], now and later (Add
// after CloseAll is a caller's mistake). Any goroutine may call it: it makes
// no channel.
func (l *Waiters[T]) CloseAll() {
	for l.Len() > 0 {
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

// Await waits until w is done or ctx is done; mu, the list's lock, is held
// on entry and on return. It returns nil when w's item was accepted,
// [tame.ErrClosed] when it was refused, or ctx.Err() when ctx ended first
// (w is then out of the list: its item is never accepted later). An
// accepted item is never taken back, also when ctx ends at the same time.
// w is put back for reuse: the caller must not use it any more.
func (l *Waiters[T]) Await(ctx context.Context, mu *sync.Mutex, w *Waiter[T]) error {
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
				l.Remove(w)
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
func (l *Waiters[T]) release(w *Waiter[T]) {
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
		*w = Waiter[T]{}
		l.free = append(l.free, w)
	}
}
