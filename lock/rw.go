package lock

import (
	"sync"

	"github.com/tamego/tame/internal/sched"
)

// An RWGuarded holds a value of type T that many readers can see at once, or
// one writer can change, and that can be reached only under its lock, as in
// a [Guarded].
//
// An RWGuarded is safe for concurrent use by multiple goroutines. The zero
// value is ready to use and holds the zero T; [NewRW] makes one that holds a
// given value. It must not be copied after first use (go vet reports copies:
// it contains a [sync.RWMutex]).
//
// Blocking: Read waits while a writer holds the lock or waits for it; Write
// waits until no reader or writer holds it. Neither can be cancelled: use a
// [Guarded] with [Guarded.DoContext], or a [Snapshot], when waiting must end
// with a context. It is not re-entrant: Read inside Read on the same value
// can deadlock once a writer waits, as with [sync.RWMutex]; the lock-order
// checker (build tag lockcheck) reports it.
//
// Panics: a panic in fn releases the lock and propagates unchanged to the
// caller. There are no errors and no goroutines: fn runs in the caller's
// goroutine.
//
// Choosing: an RWGuarded pays off only when reads hold the lock long enough
// to overlap. For short reads of read-mostly data a [Snapshot] is faster, and
// for short critical sections with writes a plain [Guarded] is usually as
// fast (BenchmarkReadMostly compares them).
type RWGuarded[T any] struct {
	mu    sync.RWMutex
	check checked
	v     T
}

// NewRW returns an RWGuarded that holds v. Built with the tag lockcheck, it
// belongs to the lock class of the line that called NewRW; see
// [NewRWNamed].
func NewRW[T any](v T) *RWGuarded[T] {
	g := &RWGuarded[T]{v: v}
	g.check.created("", 1)
	return g
}

// NewRWNamed is [NewRW] with a lock class given by name for the lock-order
// checker (build tag lockcheck), as [NewNamed] is for New. Without the tag
// the name is ignored.
func NewRWNamed[T any](name string, v T) *RWGuarded[T] {
	g := &RWGuarded[T]{v: v}
	g.check.created(name, 1)
	return g
}

// Read locks g for reading and calls fn with the value. fn gets a copy of
// the value, so it cannot change what other readers see; a large T is
// copied on every Read (guard a pointer or use a [Snapshot] then). Anything the value
// points to (a slice's elements, a map) is shared, not copied: fn must only
// read it. Many Reads run at once; a panic in fn releases the read lock and
// propagates. A nil fn panics.
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
// unlocks g. The pointer must not be used after fn returns. A panic in fn
// releases the lock and propagates. A nil fn panics.
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
