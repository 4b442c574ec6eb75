package lock

import (
	"sync"
	"sync/atomic"

	"github.com/tamego/tame/internal/pad"
	"github.com/tamego/tame/internal/sched"
)

// A Snapshot shares a value that readers load without locking and writers
// replace with a new version, so a version a reader holds never changes. It
// is safe for concurrent use; the zero value holds the zero T; it must not
// be copied after first use.
//
// A published version must be treated as immutable: a slice, map or pointer
// inside it is shared by every reader, so copy it ([slices.Clone],
// [maps.Clone]) and change the copy. Writing into a loaded version is a data
// race.
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

// NewSnapshot returns a Snapshot whose first version is v.
func NewSnapshot[T any](v T) *Snapshot[T] {
	s := &Snapshot[T]{}
	s.p.Store(&v)
	s.check.created("", 1)
	return s
}

// Load returns the current version: the one published by the latest Update
// that has returned, or by one running at the same time. It never blocks and
// does not allocate. A large T is copied on every Load: share a pointer to
// it instead.
func (s *Snapshot[T]) Load() T {
	sched.Point(sched.Call)
	if p := s.p.Load(); p != nil {
		return *p
	}
	var zero T
	return zero
}

// Update calls fn with the current version, publishes what fn returns as the
// new version, and returns it. Updates are serialized: fn runs once per
// call, never concurrently with another Update's fn, and sees the version
// the previous Update published, so no update is lost. Update waits for the
// previous one and cannot be cancelled. fn must not change what old points
// to, nor call Update on the same Snapshot (that deadlocks). If fn panics,
// nothing is published.
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
