//go:build tametest

package sched

import (
	"sync"
	"sync/atomic"
)

// Enabled reports whether the hooks were built in (the tag tametest).
const Enabled = true

// A Hook decides the order in which goroutines pass synchronization points.
// Point is called at a point; it returns false at once when the calling
// goroutine is not one the hook manages (then the caller goes on as if no
// hook were installed), and otherwise returns when it is the caller's turn.
// spinning is true when the caller has just failed to take a lock: it need
// not run again until some lock is released. Progress is called after a
// lock is released.
type Hook interface {
	Point(k Kind, spinning bool) bool
	Progress()
}

type box struct{ h Hook }

var hook atomic.Pointer[box]

// Install makes h the hook every point consults, until uninstall is called.
// One hook at a time: installing a second one before the first is
// uninstalled panics.
func Install(h Hook) (uninstall func()) {
	b := &box{h}
	if !hook.CompareAndSwap(nil, b) {
		panic("sched: a hook is installed already")
	}
	return func() { hook.CompareAndSwap(b, nil) }
}

// Point marks a synchronization point of kind k: with a hook installed, the
// calling goroutine may wait here for its turn.
func Point[K Kind](k K) {
	if b := hook.Load(); b != nil {
		b.h.Point(Kind(k), false)
	}
}

// Lock locks m. With a hook installed, it is a point, and a goroutine that
// finds m locked waits for its turn at points instead of in m.Lock, where
// the explorer could not tell it from a running one.
func Lock(m *sync.Mutex) { acquire(m.Lock, m.TryLock) }

// Unlock unlocks m and tells the hook, if any, that a lock was released.
func Unlock(m *sync.Mutex) {
	m.Unlock()
	released()
}

// RLock read-locks m, as [Lock] locks.
func RLock(m *sync.RWMutex) { acquire(m.RLock, m.TryRLock) }

// RUnlock read-unlocks m, as [Unlock] unlocks.
func RUnlock(m *sync.RWMutex) {
	m.RUnlock()
	released()
}

// WLock write-locks m, as [Lock] locks.
func WLock(m *sync.RWMutex) { acquire(m.Lock, m.TryLock) }

// WUnlock write-unlocks m, as [Unlock] unlocks.
func WUnlock(m *sync.RWMutex) {
	m.Unlock()
	released()
}

// acquire takes a lock with lock, or, with a hook installed, tries it with
// try at every point until it gets it.
func acquire(lock func(), try func() bool) {
	b := hook.Load()
	if b == nil || !b.h.Point(Acquire, false) {
		lock()
		return
	}
	for !try() {
		b.h.Point(Acquire, true)
	}
}

// released tells the hook, if any, that a lock was released.
func released() {
	if b := hook.Load(); b != nil {
		b.h.Progress()
	}
}
