package lock

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame/internal/sched"
)

// A Guarded holds a value of type T that can be reached only by a function
// that runs under its lock. It is safe for concurrent use; the zero value
// holds the zero T; it must not be copied after first use.
//
// [Guarded.Do] and [With] wait for the lock as long as it takes;
// [Guarded.DoContext] gives up when its context is done; [Guarded.TryDo]
// never waits.
type Guarded[T any] struct {
	mu sync.Mutex
	// waiters is len(waiting), the DoContext calls waiting for mu, read
	// without taking line: every unlock that sees it non-zero wakes the
	// first of them, which then tries again.
	waiters atomic.Int32
	line    sync.Mutex // guards waiting
	waiting []*waiter
	// id orders Guarded values for Both; 0 until first needed.
	id    atomic.Uint64
	check checked
	// v comes last, so that the lock's words share a cache line whatever
	// the size of T.
	v T
}

// New returns a Guarded that holds v.
func New[T any](v T) *Guarded[T] {
	g := &Guarded[T]{v: v}
	g.check.created("", 1)
	return g
}

// NewNamed is [New] with the lock class name instead of the calling line:
// values made with one name are one class.
func NewNamed[T any](name string, v T) *Guarded[T] {
	g := &Guarded[T]{v: v}
	g.check.created(name, 1)
	return g
}

// Do locks g, calls fn with a pointer to the value, and unlocks g. The
// pointer must not be used after fn returns.
func (g *Guarded[T]) Do(fn func(v *T)) {
	if fn == nil {
		panic("lock: Guarded.Do called with a nil fn")
	}
	h := g.check.acquire()
	sched.Lock(&g.mu)
	done := false
	defer func() {
		if !done {
			g.unlock(h) // fn panicked or called runtime.Goexit
		}
	}()
	fn(&g.v)
	done = true
	// Unlocking here, inline, rather than in the deferred call keeps the
	// critical section short and saves a call (see BenchmarkInc).
	g.check.release(h)
	sched.Unlock(&g.mu)
	if g.waiters.Load() != 0 {
		g.signal()
	}
}

// With is [Guarded.Do] for a function that returns a result, which With
// returns.
func With[T, R any](g *Guarded[T], fn func(v *T) R) R {
	if fn == nil {
		panic("lock: With called with a nil fn")
	}
	h := g.check.acquire()
	sched.Lock(&g.mu)
	done := false
	defer func() {
		if !done {
			g.unlock(h) // fn panicked or called runtime.Goexit
		}
	}()
	r := fn(&g.v)
	done = true
	// As in Do: unlock inline, the deferred call is for panics only.
	g.check.release(h)
	sched.Unlock(&g.mu)
	if g.waiters.Load() != 0 {
		g.signal()
	}
	return r
}

// TryDo is [Guarded.Do] that never waits: it runs fn only if g is not locked
// at that moment, and reports whether it did. Like [sync.Mutex.TryLock],
// needing it is often a sign of a deeper problem. The lock-order checker
// records g as held while fn runs but does not check TryDo's order.
func (g *Guarded[T]) TryDo(fn func(v *T)) bool {
	if fn == nil {
		panic("lock: Guarded.TryDo called with a nil fn")
	}
	sched.Point(sched.Acquire)
	if !g.mu.TryLock() {
		return false
	}
	defer g.unlock(g.check.tryAcquired())
	fn(&g.v)
	return true
}

// DoContext is [Guarded.Do] that gives up waiting when ctx is done: it
// returns nil after running fn, or ctx.Err() without running fn. A context
// already done never runs fn, even when g is free. Callers that wait are
// woken in the order they began to wait; callers of Do, and of a DoContext
// that finds g free, can overtake them.
//
// Inside a testing/synctest bubble, a DoContext that waits with a context of
// that bubble is durably blocked; the lock must then be released by a
// goroutine of the same bubble (releasing it from outside is a fatal runtime
// error).
func (g *Guarded[T]) DoContext(ctx context.Context, fn func(v *T)) error {
	if ctx == nil {
		panic("lock: Guarded.DoContext called with a nil ctx")
	}
	if fn == nil {
		panic("lock: Guarded.DoContext called with a nil fn")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	h := g.check.acquire()
	sched.Point(sched.Acquire)
	if !g.mu.TryLock() {
		if err := g.lockContext(ctx); err != nil {
			g.check.release(h)
			return err
		}
	}
	done := false
	defer func() {
		if !done {
			g.unlock(h) // fn panicked or called runtime.Goexit
		}
	}()
	fn(&g.v)
	done = true
	// As in Do: unlock inline, the deferred call is for panics only.
	g.check.release(h)
	sched.Unlock(&g.mu)
	if g.waiters.Load() != 0 {
		g.signal()
	}
	return nil
}

// lockContext waits for g.mu and locks it, or returns ctx.Err() once ctx is
// done first. The caller has just failed to take the lock with TryLock.
//
// The waiter's channel is made here, for this call only: inside a
// testing/synctest bubble it belongs to the caller's bubble, so the select
// below blocks durably there, and no channel of one bubble is kept in g for a
// later caller outside it.
func (g *Guarded[T]) lockContext(ctx context.Context) error {
	w := &waiter{wake: make(chan struct{}, 1)}
	woken := false
	for {
		// Registering before TryLock closes the race with unlock:
		// either TryLock sees the lock free, or the unlocker (which
		// releases the lock, then reads waiters; both atomic, so in one
		// total order) sees us and wakes a waiter. A waiter woken and
		// overtaken goes back to the head of the line, where it was.
		g.enqueue(w, woken)
		if g.mu.TryLock() {
			g.dequeue(w) // if an unlocker took w out already, its wake is spent on us
			if err := ctx.Err(); err != nil {
				// The context ended while we won the lock: give it
				// back, and wake the next waiter in our place.
				sched.Unlock(&g.mu)
				g.signal()
				return err
			}
			return nil
		}
		select {
		case <-w.wake:
			// An unlocker took w out of the line and woke it: the
			// lock was released after we registered. It may be taken
			// again already; then we register again, before trying,
			// and its next release wakes one of us.
			woken = true
		case <-ctx.Done():
			if !g.dequeue(w) {
				// An unlocker took w out to wake it: pass the wake
				// on, or the next waiter could sleep through a
				// release.
				g.signal()
			}
			return ctx.Err()
		}
	}
}

// A waiter is a DoContext call waiting for the lock. An unlocker takes it out
// of the line before it sends on wake, so each registration gets at most one
// wake and the send never blocks.
type waiter struct {
	wake chan struct{}
}

// enqueue puts w at the end of g's line of waiters, or at its head.
func (g *Guarded[T]) enqueue(w *waiter, head bool) {
	g.line.Lock()
	if head {
		g.waiting = slices.Insert(g.waiting, 0, w)
	} else {
		g.waiting = append(g.waiting, w)
	}
	g.waiters.Add(1)
	g.line.Unlock()
}

// dequeue takes w out of g's line and reports whether it was still there
// (false: an unlocker took it out to wake it).
func (g *Guarded[T]) dequeue(w *waiter) bool {
	g.line.Lock()
	defer g.line.Unlock()
	i := slices.Index(g.waiting, w)
	if i < 0 {
		return false
	}
	g.waiting = slices.Delete(g.waiting, i, i+1)
	g.waiters.Add(-1)
	return true
}

// unlock releases g and wakes a DoContext waiter, if any.
func (g *Guarded[T]) unlock(h holder) {
	g.check.release(h)
	sched.Unlock(&g.mu)
	if g.waiters.Load() != 0 {
		g.signal()
	}
}

// signal wakes the first waiter in line, if any: one is enough, since it
// either gets the lock (and signals again when it releases it) or finds it
// held by someone who will. It is kept out of line so that unlock, on every
// Do's path, stays small enough to inline.
//
//go:noinline
func (g *Guarded[T]) signal() {
	g.line.Lock()
	if len(g.waiting) == 0 {
		g.line.Unlock()
		return
	}
	w := g.waiting[0]
	g.waiting = slices.Delete(g.waiting, 0, 1)
	g.waiters.Add(-1)
	g.line.Unlock()
	w.wake <- struct{}{} // buffered, and w gets one wake per registration
}
