//go:build lockcheck

package lock

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame/internal/goid"
)

// The lock-order checker, built only with the tag lockcheck.
//
// Every lock belongs to a class: the line that created it (New, NewRW,
// NewSnapshot), a name (NewNamed, NewRWNamed), or, for a zero value that no
// constructor made, the instance alone. The checker keeps, for the whole
// process, a graph of the orders it has seen between classes: an ordered
// edge X→Y each time a goroutine acquires a Y while it holds an X, and an
// unordered pair X~Y each time Both locks an X and a Y (Both takes them in
// the order of their ranks, which can be either way for a given pair of
// classes). A new edge that closes a cycle containing at least one ordered
// edge means two goroutines could each hold a lock the other waits for: the
// checker panics before blocking, with the stacks of both acquisitions that
// form the new edge and of the earlier ones that form the path back. Cycles
// made only of Both pairs are safe: all Both calls follow one global order.

// checked is a lock's state for the checker.
type checked struct {
	id    atomic.Uint64 // unique, given on first use
	class atomic.Pointer[class]
}

// A class is a kind of lock: many instances, one place in the order.
type class struct {
	key   string
	out   []*edge // ordered edges from this class
	pairs []*edge // Both pairs that have this class at either end
}

// An edge records the first time a lock of class to was acquired while one
// of class from was held (both false), or the first time Both locked the
// two together (both true; toStack is then the same as fromStack).
type edge struct {
	from, to           *class
	both               bool
	fromStack, toStack []uintptr
}

// other returns the end of e that is not c.
func (e *edge) other(c *class) *class {
	if e.from == c {
		return e.to
	}
	return e.from
}

// holder is the id of the goroutine that acquired a lock, handed from the
// acquisition to its release so that the release need not find it again.
type holder int64

// A heldLock is a lock a goroutine holds, or waits for, right now.
type heldLock struct {
	id    uint64
	class *class
	stack []uintptr // where it was acquired
}

var checker struct {
	mu      sync.Mutex
	lastID  uint64
	classes map[string]*class
	ordered map[[2]*class]*edge
	pairs   map[[2]*class]*edge
	held    map[int64][]heldLock // by goroutine id
}

func (c *checked) created(name string, skip int) {
	key := ""
	if name != "" {
		key = fmt.Sprintf("lock named %q", name)
	} else if _, file, line, ok := runtime.Caller(skip + 1); ok {
		key = fmt.Sprintf("lock created at %s:%d", file, line)
	} else {
		return // unknown site: the instance is its own class
	}
	checker.mu.Lock()
	defer checker.mu.Unlock()
	initLocked()
	cl := checker.classes[key]
	if cl == nil {
		cl = &class{key: key}
		checker.classes[key] = cl
	}
	c.class.Store(cl)
}

// initLocked makes the checker's maps on first use. The caller holds
// checker.mu.
func initLocked() {
	if checker.classes == nil {
		checker.classes = make(map[string]*class)
		checker.ordered = make(map[[2]*class]*edge)
		checker.pairs = make(map[[2]*class]*edge)
		checker.held = make(map[int64][]heldLock)
	}
}

// identify returns c's id and class, giving them on first use. The caller
// holds checker.mu.
func (c *checked) identify() (uint64, *class) {
	initLocked()
	id := c.id.Load()
	if id == 0 {
		checker.lastID++
		id = checker.lastID
		c.id.Store(id)
	}
	cl := c.class.Load()
	if cl == nil {
		cl = &class{key: fmt.Sprintf("zero-value lock #%d (no constructor, so a class of its own)", id)}
		c.class.Store(cl)
	}
	return id, cl
}

func (c *checked) acquire() holder {
	stack := callers()
	g := int64(goid.ID())
	checker.mu.Lock()
	defer checker.mu.Unlock()
	id, cl := c.identify()
	held := checker.held[g]
	checkHeld(held, id, cl, stack)
	for _, h := range held {
		checkOrdered(h, cl, stack)
	}
	for _, h := range held {
		addOrdered(h, cl, stack)
	}
	checker.held[g] = append(held, heldLock{id, cl, stack})
	return holder(g)
}

func (c *checked) tryAcquired() holder {
	stack := callers()
	g := int64(goid.ID())
	checker.mu.Lock()
	defer checker.mu.Unlock()
	id, cl := c.identify()
	checker.held[g] = append(checker.held[g], heldLock{id, cl, stack})
	return holder(g)
}

func (c *checked) release(h holder) {
	g := int64(h)
	checker.mu.Lock()
	defer checker.mu.Unlock()
	id := c.id.Load()
	held := checker.held[g]
	for i := len(held) - 1; i >= 0; i-- {
		if held[i].id == id {
			held = append(held[:i], held[i+1:]...)
			break
		}
	}
	if len(held) == 0 {
		delete(checker.held, g)
	} else {
		checker.held[g] = held
	}
}

func bothAcquire(a, b *checked) holder {
	stack := callers()
	g := int64(goid.ID())
	checker.mu.Lock()
	defer checker.mu.Unlock()
	ida, ca := a.identify()
	idb, cb := b.identify()
	held := checker.held[g]
	checkHeld(held, ida, ca, stack)
	checkHeld(held, idb, cb, stack)
	for _, h := range held {
		checkOrdered(h, ca, stack)
		checkOrdered(h, cb, stack)
	}
	if ca != cb {
		checkPair(ca, cb, stack)
	}
	for _, h := range held {
		addOrdered(h, ca, stack)
		addOrdered(h, cb, stack)
	}
	if ca != cb {
		key := [2]*class{ca, cb}
		if _, ok := checker.pairs[[2]*class{cb, ca}]; ok {
			key = [2]*class{cb, ca}
		}
		if checker.pairs[key] == nil {
			e := &edge{from: ca, to: cb, both: true, fromStack: stack, toStack: stack}
			checker.pairs[key] = e
			ca.pairs = append(ca.pairs, e)
			cb.pairs = append(cb.pairs, e)
		}
	}
	checker.held[g] = append(held, heldLock{ida, ca, stack}, heldLock{idb, cb, stack})
	return holder(g)
}
