package lock

import (
	"sync"
	"sync/atomic"

	"github.com/tamego/tame/internal/pad"
	"github.com/tamego/tame/internal/sched"
)

// A Snapshot shares a value that never changes: readers load the current
// version without locking, and writers publish a new version instead of
// changing the old one, so a version a reader holds stays as it was.
//
// A Snapshot is safe for concurrent use by multiple goroutines. The zero
// value is ready to use and holds the zero T; [NewSnapshot] makes one that
// holds a given value. It must not be copied after first use (go vet reports
// copies).
//
// T must be treated as immutable once published: [Snapshot.Load] returns
// the version by value, but a slice, map or pointer inside it is shared by
// every reader of that version, so a writer that changes one must copy it
// first (slices.Clone, maps.Clone) and change the copy, never the original.
// Writing into a loaded version's slice or map is a data race.
//
// Blocking: Load never blocks. Update waits for the previous Update to
// finish (writers are serialized) and cannot be cancelled. Panics: a panic
// in the function given to Update publishes nothing, releases the writers'
// lock and propagates unchanged. There are no errors and no goroutines.
type Snapshot[T any] struct {
	check checked    // first: it is empty without the tag lockcheck
	mu    sync.Mutex // serializes Update
	// p, which every Load reads, has cache lines of its own: a writer's
	// Lock and Unlock of mu, and whatever the allocator puts next to the
	// Snapshot, do not take the line away from the readers
	// (BenchmarkReadMostly, impl=snapshot against impl=atomic-pointer).
	_ pad.Line
	p atomic.Pointer[T]
	_ pad.Line
}

// NewSnapshot returns a Snapshot whose first version is v. Built with the
// tag lockcheck, the writers' lock belongs to the lock class of the line
// that called NewSnapshot.
func NewSnapshot[T any](v T) *Snapshot[T] {
	s := &Snapshot[T]{}
	s.p.Store(&v)
	s.check.created("", 1)
	return s
}

// Load returns the current version: the one published by the latest Update
// that has returned, or one published by an Update running at the same
// time. It never blocks and does not allocate. The result is a copy of the
// version's top level; what it points to is shared (see [Snapshot]). It is
// one atomic load and a copy of T: a large T is copied on every Load
// (BenchmarkLoad), so share a pointer to it instead.
func (s *Snapshot[T]) Load() T {
	sched.Point(sched.Call)
	if p := s.p.Load(); p != nil {
		return *p
	}
	var zero T
	return zero
}

// Update calls fn with the current version and publishes what fn returns as
// the new version, which it also returns. Writers are serialized: fn runs
// exactly once per call, never concurrently with another Update's fn, and
// sees the version published by the Update before it, so no update is lost.
// Loads that run meanwhile see the old version until the new one is
// published. fn must not change anything old points to (copy it first); it
// must not call Update on the same Snapshot (that deadlocks). A panic in fn
// publishes nothing and propagates. A nil fn panics.
func (s *Snapshot[T]) Update(fn func(old T) T) T {
	if fn == nil {
		panic("lock: Snapshot.Update called with a nil fn")
	}
	h := s.check.acquire()
	sched.Lock(&s.mu)
	defer s.unlock(h)
	v := fn(s.Load())
	s.p.Store(&v)
	return v
}

func (s *Snapshot[T]) unlock(h holder) {
	s.check.release(h)
	sched.Unlock(&s.mu)
}
