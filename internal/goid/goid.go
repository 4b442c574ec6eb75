// Package goid reads the id of the calling goroutine, for the few slow paths
// that must tell whether a call comes from a goroutine the library owns (a
// consumer that would wait for itself) or, with the lockcheck tag, which
// goroutine holds which lock.
package goid

import (
	"bytes"
	"runtime"
	"slices"
	"sync"
	"unsafe"
)

// ID returns the id of the calling goroutine. Where the runtime's goroutine
// descriptor can be read (amd64 and arm64 with the gc toolchain), it is one
// load, after a probe at the first call has found where the descriptor keeps
// the id and checked it against the stack trace on three goroutines; where
// it cannot, or the probe found no single place, ID reads the first line of
// a stack trace, which costs about as much as formatting one.
func ID() uint64 {
	probe.Do(findOffset)
	if offset >= 0 {
		return *(*uint64)(unsafe.Add(getg(), offset))
	}
	return traceID()
}

var (
	probe  sync.Once
	offset = -1 // of the id in the goroutine descriptor, once probe is done; -1: not found
)

// scan is how far into the goroutine descriptor findOffset looks: the id
// sits well inside it in every runtime that has one.
const scan = 256

// findOffset sets offset to the one place of the goroutine descriptor that
// holds the goroutine's id on the calling goroutine and on two others, or
// leaves it -1.
func findOffset() {
	if !haveGetg {
		return
	}
	var candidates []int
	g, id := getg(), traceID()
	for off := 0; off+8 <= scan; off += 8 {
		if *(*uint64)(unsafe.Add(g, off)) == id {
			candidates = append(candidates, off)
		}
	}
	for range 2 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			g, id := getg(), traceID()
			candidates = slices.DeleteFunc(candidates, func(off int) bool {
				return *(*uint64)(unsafe.Add(g, off)) != id
			})
		}()
		<-done
	}
	if len(candidates) == 1 {
		offset = candidates[0]
	}
}

// traceID returns the id of the calling goroutine, read from the first line
// of its stack trace ("goroutine 18 [running]:").
func traceID() uint64 {
	var buf [64]byte
	id, _ := number(buf[:runtime.Stack(buf[:], false)], "goroutine ")
	return id
}

// Bubble returns the id of the calling goroutine, as [ID] does, and the id
// of the testing/synctest bubble it runs in, or 0 when it runs in none. It
// reads them from a stack trace: it costs about as much as formatting one.
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

// Creator returns the id of the goroutine that started the calling one,
// read from the last line of its stack trace ("created by f in goroutine
// 7"), or 0 when the trace does not say (the main goroutine, or a stack too
// deep to format whole). It costs about as much as formatting a stack
// trace.
func Creator() uint64 {
	var buf [8 << 10]byte
	n := runtime.Stack(buf[:], false)
	if n == len(buf) {
		return 0 // cut short: the last lines are not there
	}
	b := buf[:n]
	i := bytes.LastIndex(b, []byte("\ncreated by "))
	if i < 0 {
		return 0
	}
	line, _, _ := bytes.Cut(b[i+1:], []byte("\n"))
	const mark = " in goroutine "
	j := bytes.LastIndex(line, []byte(mark))
	if j < 0 {
		return 0
	}
	id, _ := number(line[j:], mark)
	return id
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
// exits; HasCaller costs one [ID], a lock and a map look-up. The zero Set is empty and ready to use; it is safe
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
