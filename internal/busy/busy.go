// Package busy keeps processors occupied, for the benchmarks that measure
// how a component behaves when it has to compete for the CPU (a goroutine
// that yields waits a whole time slice then; one that is woken does not).
package busy

import (
	"sync"
	"sync/atomic"
)

// Start starts n goroutines that spin on work the compiler cannot drop, and
// returns a function that stops them and returns once they have exited.
func Start(n int) (stop func()) {
	var done atomic.Bool
	var sink atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			x := 0
			for !done.Load() {
				for i := range 10_000 {
					x += i ^ x>>1
				}
			}
			sink.Add(int64(x))
		})
	}
	return func() {
		done.Store(true)
		wg.Wait()
	}
}
