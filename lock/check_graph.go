//go:build lockcheck

package lock

import (
	"fmt"
	"runtime"
	"strings"
)

// The checker's tests of a new acquisition against the orders seen before,
// its reports, and the stacks they show. See check_on.go.

// checkHeld panics when the goroutine already holds the lock id.
func checkHeld(held []heldLock, id uint64, cl *class, stack []uintptr) {
	for _, h := range held {
		if h.id == id {
			panic(fmt.Sprintf("lock: acquiring a lock this goroutine already holds (it would deadlock: locks are not re-entrant)\n"+
				"lock: %s\n\nfirst acquired at:\n%s\nacquired again at:\n%s",
				cl.key, formatStack(h.stack), formatStack(stack)))
		}
	}
}

// checkOrdered panics when acquiring a lock of class to while holding h
// contradicts an order seen before: when a path of earlier edges leads from
// to back to h's class (or when both are one class).
func checkOrdered(h heldLock, to *class, stack []uintptr) {
	var path []*edge
	if h.class != to {
		path = findPath(to, h.class, false)
		if path == nil {
			return
		}
	}
	var b strings.Builder
	if h.class == to {
		fmt.Fprintf(&b, "lock: lock order inversion: acquiring a second lock of one class while holding one "+
			"(another goroutine taking the same two in the other order would deadlock; "+
			"lock them together with Both, or give each level its own class with NewNamed)\n"+
			"lock: class %s\n", to.key)
	} else {
		fmt.Fprintf(&b, "lock: lock order inversion (a potential deadlock, even if none happened yet): "+
			"acquiring\n\t%s\nwhile holding\n\t%s\nbut earlier the opposite order was seen\n", to.key, h.class.key)
	}
	fmt.Fprintf(&b, "\nthis goroutine acquired\n\t%s\nat:\n%s\nand is acquiring\n\t%s\nat:\n%s",
		h.class.key, formatStack(h.stack), to.key, formatStack(stack))
	writePath(&b, path)
	panic(b.String())
}

// checkPair panics when Both locking classes a and b together closes a
// cycle with an ordered edge: an earlier path from one to the other that
// Both, taking them in either order, could run against.
func checkPair(a, b *class, stack []uintptr) {
	path := findPath(a, b, true)
	if path == nil {
		path = findPath(b, a, true)
	}
	if path == nil {
		return
	}
	var b2 strings.Builder
	fmt.Fprintf(&b2, "lock: lock order inversion (a potential deadlock, even if none happened yet): "+
		"Both locks\n\t%s\nand\n\t%s\nin either order (by rank), but earlier a fixed order between them was seen\n"+
		"\nBoth called at:\n%s", a.key, b.key, formatStack(stack))
	writePath(&b2, path)
	panic(b2.String())
}

// writePath writes the earlier acquisitions that make up path.
func writePath(b *strings.Builder, path []*edge) {
	for _, e := range path {
		if e.both {
			fmt.Fprintf(b, "\nearlier, Both locked\n\t%s\nand\n\t%s\ntogether at:\n%s", e.from.key, e.to.key, formatStack(e.fromStack))
			continue
		}
		fmt.Fprintf(b, "\nearlier, a goroutine acquired\n\t%s\nat:\n%s\nthen, holding it, acquired\n\t%s\nat:\n%s",
			e.from.key, formatStack(e.fromStack), e.to.key, formatStack(e.toStack))
	}
}

// findPath returns the edges of a shortest path from one class to another,
// following ordered edges forward and Both pairs either way, or nil when
// there is none. With needOrdered, only a path with at least one ordered
// edge counts.
func findPath(from, to *class, needOrdered bool) []*edge {
	type state struct {
		c       *class
		ordered bool
	}
	type step struct {
		prev state
		e    *edge
	}
	start := state{from, false}
	seen := map[state]step{start: {}}
	queue := []state{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if s.c == to && (s.ordered || !needOrdered) && s != start {
			var path []*edge
			for s != start {
				st := seen[s]
				path = append([]*edge{st.e}, path...)
				s = st.prev
			}
			return path
		}
		visit := func(e *edge, next *class) {
			n := state{next, s.ordered || !e.both}
			if _, ok := seen[n]; !ok {
				seen[n] = step{s, e}
				queue = append(queue, n)
			}
		}
		for _, e := range s.c.out {
			visit(e, e.to)
		}
		for _, e := range s.c.pairs {
			visit(e, e.other(s.c))
		}
	}
	return nil
}

// addOrdered records the edge from h's class to class to, the first time.
func addOrdered(h heldLock, to *class, stack []uintptr) {
	key := [2]*class{h.class, to}
	if checker.ordered[key] != nil {
		return
	}
	e := &edge{from: h.class, to: to, fromStack: h.stack, toStack: stack}
	checker.ordered[key] = e
	h.class.out = append(h.class.out, e)
}

// callers returns the stack of the goroutine that called Do, With, Both...
// (the frames of the checker itself left out).
func callers() []uintptr {
	pcs := make([]uintptr, 32)
	// 0 is runtime.Callers, 1 callers, 2 acquire, 3 the lock method.
	return pcs[:runtime.Callers(3, pcs)]
}

func formatStack(pcs []uintptr) string {
	var b strings.Builder
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		// The frames of runtime and of this package (Do, Both...) add
		// nothing: the caller's frames say which call it was.
		if f.Function != "" && !strings.HasPrefix(f.Function, "runtime.") &&
			!strings.HasPrefix(f.Function, "github.com/tamego/tame/lock.") {
			fmt.Fprintf(&b, "\t%s\n\t\t%s:%d\n", f.Function, f.File, f.Line)
		}
		if !more {
			return b.String()
		}
	}
}
