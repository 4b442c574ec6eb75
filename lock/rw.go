package lock

import (
	"sync"

	"github.com/tamego/tame/internal/sched"
)

// An RWGuarded is a [Guarded] that many readers can hold at once, or one
// writer. It is safe for concurrent use; the zero value holds the zero T; it
// must not be copied after first use.
//
// Read waits while a writer holds the lock or waits for it; Write waits
// until no reader or writer holds it. Neither can be cancelled (use
// [Guarded.DoContext] for that). Read inside Read on the same value can
// deadlock once a writer waits. For short reads of read-mostly data, a
// [Snapshot] is faster (BenchmarkReadMostly).
type RWGuarded[T any] struct {
	mu    sync.RWMutex
	check checked
	v     T
}

// NewRW returns an RWGuarded that holds v.
func NewRW[T any](v T) *RWGuarded[T] {
	g := &RWGuarded[T]{v: v}
	g.check.created("", 1)
	return g
}

// NewRWNamed is [NewRW] with the lock class name, as [NewNamed] is for New.
func NewRWNamed[T any](name string, v T) *RWGuarded[T] {
	g := &RWGuarded[T]{v: v}
	g.check.created(name, 1)
	return g
}

// Read locks g for reading and calls fn with a copy of the value (guard a
// pointer if T is large). What the value points to is shared: fn must only
// read it.
func (g *RWGuarded[T]) Read(fn func(v T)) {
	if fn == nil {
		panic("lock: RWGuarded.Read called with a nil fn")
	}
	h := g.check.acquire()
	sched.RLock(&g.mu)
	done := false
	defer func() {
		if !done {
			g.runlock(h) // fn panicked or called runtime.Goexit
		}
	}()
	fn(g.v)
	done = true
	// Unlocking inline, not in the deferred call, keeps the read short
	// (see Guarded.Do). Not through runlock: that is too big to be inlined
	// (sync.RWMutex.RUnlock is inlined here, but not inside runlock).
	g.check.release(h)
	sched.RUnlock(&g.mu)
}

// Write locks g for writing, calls fn with a pointer to the value, and
// unlocks g. The pointer must not be used after fn returns.
func (g *RWGuarded[T]) Write(fn func(v *T)) {
	if fn == nil {
		panic("lock: RWGuarded.Write called with a nil fn")
	}
	h := g.check.acquire()
	sched.WLock(&g.mu)
	defer g.unlock(h)
	fn(&g.v)
}

func (g *RWGuarded[T]) runlock(h holder) {
	g.check.release(h)
	sched.RUnlock(&g.mu)
}

func (g *RWGuarded[T]) unlock(h holder) {
	g.check.release(h)
	sched.WUnlock(&g.mu)
}
