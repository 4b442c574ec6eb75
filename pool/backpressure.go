package pool

import (
	"runtime"
	"strings"
)

// This file is the waiting side of a core: submitters that find no room,
// how they are woken, and how a task that submits to its own full group or
// pool is kept from waiting forever.

// room reports whether a blocked submitter could be admitted now. It is
// called with c.mu held.
func (c *core[T]) room() bool { return c.workers < c.limit || c.n < c.backlog }

// signal wakes one blocked submitter, if none is already being woken. It is
// called with c.mu held, when c.waiters > 0. The woken one passes the token
// on when there is still room (see passOn), so every waiter is reached.
func (c *core[T]) signal() {
	select {
	case c.space <- struct{}{}:
	default: // a token is already pending
	}
}

// passOn wakes the next blocked submitter when there is room for it. A
// submitter calls it, with c.mu held, when it leaves the waiting state, so
// that a token it consumed is never lost.
func (c *core[T]) passOn() {
	if c.waiters > 0 && c.room() {
		c.signal()
	}
}

// overflow queues t past the backlog bound when the caller is a task and
// every running task may be waiting to submit, as the caller is about to:
// then no task would ever finish to make room. It reports whether it did.
// It is called with c.mu held.
func (c *core[T]) overflow(t T, inTask bool) bool {
	if !inTask || c.tasks+1 < c.busy {
		return false
	}
	c.put(t)
	return true
}

// wait blocks a submitter until there may be room, done is closed or
// closed is closed. It is called with c.mu held and returns with it held;
// the caller loops and checks again.
func (c *core[T]) wait(inTask bool, done, closed <-chan struct{}) {
	c.waiters++
	if inTask {
		c.tasks++
	}
	c.mu.Unlock()
	select {
	case <-c.space:
	case <-done:
	case <-closed:
	}
	c.mu.Lock()
	c.waiters--
	if inTask {
		c.tasks--
	}
	// Whatever woke us, the token may have been ours: hand it on when the
	// others could use it. The caller may take the room first, in which
	// case the next one wakes, finds none, and waits again.
	c.passOn()
}

// Go, Submit and Close cannot be told whether their caller is one of the
// tasks they would wait for: Go has no context parameter, and a goroutine
// has no identity a library can read cheaply. When they are about to wait,
// and only then, they look at the caller's stack: a goroutine that is running
// a task of a Group (or of a Pool) has that type's runTask method on its
// stack, and one that runs a Pool's OnPanic handler has taskPanicked. This
// costs a few hundred nanoseconds, paid on the slow path only. The stack
// shows the method, not the receiver, so a task of another Group (or Pool)
// counts too; the callers' docs say what that changes.

const pkgPath = "github.com/tamego/tame/pool."

var (
	groupTaskFuncs = []string{pkgPath + "(*Group).runTask"}
	poolTaskFuncs  = []string{pkgPath + "(*Pool).runTask", pkgPath + "(*Pool).taskPanicked"}
)

// calledFromTask reports whether the calling goroutine is running one of
// the functions named in fns (or a method value of one).
func calledFromTask(fns []string) bool {
	pcs := make([]uintptr, 64)
	for {
		n := runtime.Callers(2, pcs)
		if n < len(pcs) {
			pcs = pcs[:n]
			break
		}
		pcs = make([]uintptr, 2*len(pcs))
	}
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		// A method value shows as fn + "-fm"; the method may also be
		// inlined into it, which CallersFrames reports as a frame of its own.
		for _, fn := range fns {
			if strings.HasPrefix(f.Function, fn) {
				return true
			}
		}
		if !more {
			return false
		}
	}
}
