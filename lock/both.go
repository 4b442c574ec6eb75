package lock

import (
	"sync/atomic"

	"github.com/tamego/tame/internal/sched"
)

// lastID is the last id given to a Guarded. Ids are handed out on first use
// and never reused, so they order every Guarded of the process, whatever its
// type, in one global order.
var lastID atomic.Uint64

// order returns g's id, giving it one on first use. Two goroutines that race
// to give g its id both return the one that won.
func (g *Guarded[T]) order() uint64 {
	if id := g.id.Load(); id != 0 {
		return id
	}
	g.id.CompareAndSwap(0, lastID.Add(1))
	return g.id.Load()
}

// Both locks a and b, calls fn with pointers to both values, and unlocks
// them. It takes the locks in one global order, so Both(a, b, ...) and
// Both(b, a, ...) cannot deadlock each other; it does not order other calls
// (a Do on a inside a Do on b can still deadlock with it). The pointers must
// not be used after fn returns. Both waits for the locks as long as it
// takes. It panics if a and b are the same Guarded, or if a, b or fn is nil.
func Both[A, B any](a *Guarded[A], b *Guarded[B], fn func(a *A, b *B)) {
	switch {
	case a == nil:
		panic("lock: Both called with a nil a")
	case b == nil:
		panic("lock: Both called with a nil b")
	case fn == nil:
		panic("lock: Both called with a nil fn")
	}
	ida, idb := a.order(), b.order()
	if ida == idb {
		panic("lock: Both called with the same Guarded twice")
	}
	h := bothAcquire(&a.check, &b.check)
	// sync.Mutex.Lock does not panic, so once both Locks have returned
	// both locks are held, and the deferred call releases them if fn
	// panics; on the normal path they are released inline (cheaper).
	if ida < idb {
		sched.Lock(&a.mu)
		sched.Lock(&b.mu)
	} else {
		sched.Lock(&b.mu)
		sched.Lock(&a.mu)
	}
	done := false
	defer func() {
		if !done {
			b.unlock(h) // fn panicked or called runtime.Goexit
			a.unlock(h)
		}
	}()
	fn(&a.v, &b.v)
	done = true
	b.unlock(h)
	a.unlock(h)
}
