// Package goid reads the id of the calling goroutine, for the few slow paths
// that must tell whether a call comes from a goroutine the library owns (a
// consumer that would wait for itself) or, with the lockcheck tag, which
// goroutine holds which lock.
package goid

import (
	"runtime"
	"sync"
)

// ID returns the id of the calling goroutine, read from the first line of
// its stack trace ("goroutine 18 [running]:"). It formats a stack trace, so
// it costs a microsecond or more: never call it per item.
func ID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) <= len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

// Bubble returns the id of the calling goroutine, as [ID] does, and the id
// of the testing/synctest bubble it runs in, or 0 when it runs in none. It
// costs what ID costs.
func Bubble() (id, bubble uint64) {
	var buf [128]byte
	b := buf[:runtime.Stack(buf[:], false)]
	id, b = number(b, "goroutine ")
	// The header reads "goroutine 18 [running, synctest bubble 3]:".
	const mark = "synctest bubble "
	for i := 0; i+len(mark) <= len(b) && b[i] != '\n'; i++ {
		if string(b[i:i+len(mark)]) == mark {
			bubble, _ = number(b[i:], mark)
			break
		}
	}
	return id, bubble
}

// number parses the decimal number that follows prefix at the start of b,
// and returns it with what follows it.
func number(b []byte, prefix string) (uint64, []byte) {
	if len(b) <= len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0, nil
	}
	b = b[len(prefix):]
	var n uint64
	for len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		n = n*10 + uint64(b[0]-'0')
		b = b[1:]
	}
	return n, b
}

// A Set holds the ids of the goroutines a component owns (its workers), so
// that a slow path can tell exactly whether a call comes from one of them:
// "is this Close, or this Push to a full queue, made from inside the
// component?". A worker adds its id when it starts and removes it before it
// exits; Has costs one [ID] and a map look-up, so call it only on paths that
// would otherwise wait. The zero Set is empty and ready to use; it is safe
// for concurrent use.
type Set struct {
	mu  sync.Mutex
	ids map[uint64]int
}

// Add records id as owned. An id added twice must be removed twice.
func (s *Set) Add(id uint64) {
	s.mu.Lock()
	if s.ids == nil {
		s.ids = make(map[uint64]int)
	}
	s.ids[id]++
	s.mu.Unlock()
}

// Remove undoes one Add of id.
func (s *Set) Remove(id uint64) {
	s.mu.Lock()
	if s.ids[id]--; s.ids[id] <= 0 {
		delete(s.ids, id)
	}
	s.mu.Unlock()
}

// HasCaller reports whether the calling goroutine is in the set.
func (s *Set) HasCaller() bool {
	id := ID()
	s.mu.Lock()
	_, ok := s.ids[id]
	s.mu.Unlock()
	return ok
}
