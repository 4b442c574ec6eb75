package queue_test

import (
	"sync"
	"testing/synctest"

	"github.com/tamego/tame/queue"
)

// A gate is a handler that blocks in every call until the test lets the
// call return, and records the items it handled, in order. Make it inside
// the synctest bubble of the test (its channels belong there), and use
// step and wait, which call synctest.Wait, inside that bubble only.
type gate[T any] struct {
	in   chan T        // each call sends its item here when it starts
	next chan struct{} // each call returns once it receives from here
	once sync.Once

	mu      sync.Mutex
	handled []T
}

func newGate[T any]() *gate[T] {
	return &gate[T]{in: make(chan T, 1<<16), next: make(chan struct{})}
}

// handle is the handler of a Queue.
func (g *gate[T]) handle(v T) {
	g.in <- v
	<-g.next
	g.mu.Lock()
	g.handled = append(g.handled, v)
	g.mu.Unlock()
}

// keyed returns the handler of a Keyed queue.
func keyed[K comparable, T any](g *gate[T]) func(K, T) {
	return func(_ K, v T) { g.handle(v) }
}

// step lets one call return, then waits until the queue's goroutines are
// blocked again (in the next call, or idle).
func (g *gate[T]) step() {
	g.next <- struct{}{}
	synctest.Wait()
}

// open lets every call return from now on.
func (g *gate[T]) open() { g.once.Do(func() { close(g.next) }) }

// items returns a copy of the items handled so far.
func (g *gate[T]) items() []T {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]T(nil), g.handled...)
}

// closer is what Queue and Keyed have in common, for the tests that run on
// both.
type closer interface {
	Len() int
	Stats() queue.Stats
	Close() error
}

// handledCount is the number of handler calls that ended.
func handledCount(s queue.Stats) int64 { return int64(s.Completed + s.Failed) }
