package queue

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/goid"
)

// ErrDeadlock is returned by Push when the handler pushes to its own queue
// while that queue is full. Waiting would never end: the room Push waits for
// is made by the goroutine that is waiting. Push returns it once it has
// waited 1 ms (checking sooner would slow every wait). Test for it with
// errors.Is.
var ErrDeadlock = errors.New("queue: Push from the handler to its own full queue would wait forever")

// A waiter is a Push waiting for room. Whoever makes room accepts its item
// (stores it and sets accepted) or refuses it (Close sets err), under the
// queue's lock, then signals ready, which has room for that one signal.
// Waiters are reused, so a Push that waits allocates nothing in the steady
// state.
type waiter[T any] struct {
	v     T
	err   error
	done  bool
	ready chan struct{}
	timer *time.Timer // for the check of await; reused with the waiter
}

// waitList is a FIFO of waiters and a free list to reuse them. It is guarded
// by the lock of the queue that holds it.
type waitList[T any] struct {
	q    []*waiter[T] // q[head:] are waiting, oldest first
	head int
	free []*waiter[T]
}

func (l *waitList[T]) len() int { return len(l.q) - l.head }

func (l *waitList[T]) add(v T) *waiter[T] {
	var w *waiter[T]
	if n := len(l.free); n > 0 {
		w, l.free = l.free[n-1], l.free[:n-1]
	} else {
		w = &waiter[T]{ready: make(chan struct{}, 1)}
	}
	w.v, w.err, w.done = v, nil, false
	l.q = append(l.q, w)
	return w
}

// pop removes the first waiter and returns it with its item taken out.
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

// finish marks w done with err (nil: its item was accepted) and signals it.
func finish[T any](w *waiter[T], err error) {
	w.done, w.err = true, err
	w.ready <- struct{}{} // never blocks: ready has room for this one signal
}

// remove takes w out of the list: its context ended before it was done.
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
	var zero T
	w.v = zero
}

// release puts w back on the free list once its Push has read the result.
func (l *waitList[T]) release(w *waiter[T]) {
	if len(l.free) < 64 {
		l.free = append(l.free, w)
	}
}

// closeAll refuses every waiting item with tame.ErrClosed.
func (l *waitList[T]) closeAll() {
	for l.len() > 0 {
		w, _ := l.pop()
		finish(w, tame.ErrClosed)
	}
}

// selfCheckAfter is how long a Push waits for room before it checks
// whether it was called by the handler of its own queue, which would wait
// forever. Reading the caller's goroutine id costs about 15 µs here, too much
// to pay on every wait of a busy queue; a wait this long is rare for other
// callers and costs far more than the check.
const selfCheckAfter = time.Millisecond

// await waits, without mu held, until w is done or ctx ends, and returns with
// mu held: nil when w's item was accepted, tame.ErrClosed when it was
// refused, ctx.Err() when ctx ended first. After selfCheckAfter, it reads
// the caller's goroutine id and asks self (with mu held) whether the caller
// is one of the queue's own handler goroutines; if so it gives up with
// ErrDeadlock. When it gives up, w is taken out of the list, so its item is
// never accepted later. w goes back to the free list.
func await[T any](ctx context.Context, mu *sync.Mutex, l *waitList[T], w *waiter[T], self func(id uint64) bool) error {
	if w.timer == nil {
		w.timer = time.NewTimer(selfCheckAfter)
	} else {
		w.timer.Reset(selfCheckAfter)
	}
	check := w.timer.C
	for {
		var err error
		signalled := false
		select {
		case <-w.ready:
			signalled = true
			mu.Lock()
		case <-ctx.Done():
			mu.Lock()
			err = ctx.Err()
		case <-check:
			check = nil
			id := goid.ID()
			mu.Lock()
			if !self(id) {
				mu.Unlock()
				continue
			}
			err = ErrDeadlock
		}
		w.timer.Stop()
		if !w.done {
			l.remove(w)
			l.release(w)
			return err
		}
		if !signalled {
			// Done at the same moment as ctx or the check: the result
			// stands (an accepted item is never taken back). The signal
			// was sent under mu, which is held, so it is there.
			<-w.ready
		}
		err = w.err
		l.release(w)
		return err
	}
}
