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
// them. It takes the two locks in one global order (each Guarded gets a
// unique rank the first time it is used with Both), whatever the order of
// the arguments, so two goroutines that call Both(a, b, ...) and
// Both(b, a, ...) at once can never deadlock each other. As with
// [Guarded.Do], the pointers must not be used after fn returns, and a panic
// in fn unlocks both and propagates to the caller.
//
// Both waits for the locks as long as it takes. It panics when a and b are
// the same Guarded (locking one lock twice would deadlock), and when a, b or
// fn is nil.
//
// Both does not protect against other orders: a goroutine that holds b in
// Do and then calls Do on a can still deadlock with Both(a, b). The
// lock-order checker (build tag lockcheck) reports such mixes.
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
