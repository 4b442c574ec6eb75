//go:build !tametest

package sched

import "sync"

// Enabled reports whether the hooks were built in (the tag tametest).
const Enabled = false

// A Hook is what an explorer implements; see the tagged build.
type Hook interface {
	Point(k Kind, spinning bool) bool
	Progress()
}

// Install does nothing without the tag: no point consults a hook.
func Install(h Hook) (uninstall func()) { return func() {} }

// Point marks a synchronization point. It is empty without the tag. It is
// generic (K can only be Kind) so that its body is instantiated where tame's
// generic code is: the compiler does not inline a plain function of another
// package into a generic function instantiated in a third one, and an empty
// call would cost a call.
func Point[K Kind](k K) {}

// Lock locks m.
func Lock(m *sync.Mutex) { m.Lock() }

// Unlock unlocks m.
func Unlock(m *sync.Mutex) { m.Unlock() }

// RLock read-locks m.
func RLock(m *sync.RWMutex) { m.RLock() }

// RUnlock read-unlocks m.
func RUnlock(m *sync.RWMutex) { m.RUnlock() }

// WLock write-locks m.
func WLock(m *sync.RWMutex) { m.Lock() }

// WUnlock write-unlocks m.
func WUnlock(m *sync.RWMutex) { m.Unlock() }
