package pool

import (
	"runtime"
	"strings"
)

// Go and Close have no context parameter, so they cannot be told whether
// their caller is one of the tasks they would wait for. When they are about
// to wait, and only then, they look at the caller's stack: a goroutine that is
// running a task of a Group (or of a Pool) has that type's runTask method
// on its stack. This costs a few hundred nanoseconds, paid on the slow path
// only. The stack shows the method, not the receiver, so a task of another
// Group counts too; the callers say what that changes.

const (
	groupTaskFunc = "github.com/tamego/tame/pool.(*Group).runTask"
	poolTaskFunc  = "github.com/tamego/tame/pool.(*Pool).runTask"
)

// calledFromTask reports whether the calling goroutine is running a task
// whose runner is the function named fn.
func calledFromTask(fn string) bool {
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
		// A method value shows as fn + "-fm"; runTask may also be inlined
		// into it, which CallersFrames reports as a frame of its own.
		if strings.HasPrefix(f.Function, fn) {
			return true
		}
		if !more {
			return false
		}
	}
}
