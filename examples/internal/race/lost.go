// Package race is the chapter on shared mutable state: a counter incremented
// from many goroutines loses updates, first with a data race, then with a
// race condition that has no data race; then each pattern of the lesson
// fixes it, timed.
package race

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// together runs body on n goroutines that start at the same instant, as
// requests to a server would, and returns once every one has finished.
func together(n int, body func()) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			<-start
			body()
		})
	}
	close(start)
	wg.Wait()
}

// The read, the computation of the new value and the write of the counters
// below are calls the compiler does not inline. Written inline, "v := *p;
// *p = v + 1" compiles to a single increment instruction, and the window
// between the read and the write is too short to be hit but rarely. In real
// code something happens between them (a function call, a check, a
// computation), and so it does here: the window is real, not widened on
// purpose, and has no wait in it.

//go:noinline
func read(p *int) int { return *p }

//go:noinline
func write(p *int, v int) { *p = v }

//go:noinline
func load(p *atomic.Int64) int64 { return p.Load() }

// next computes the value to write back: here, one more.
//
//go:noinline
func next(v int64) int64 { return v + 1 }

//go:noinline
func store(p *atomic.Int64, v int64) { p.Store(v) }

// DataRace increments one plain int from goroutines goroutines, perItem times
// each, as "read it, add one, write it back", without any synchronization.
// It is a data race: the race detector reports it, and the Go memory model
// gives the program no meaning. It returns the final count; every lost
// update makes it smaller than goroutines*perItem.
func DataRace(goroutines, perItem int) int {
	counter := new(int)
	together(goroutines, func() {
		for range perItem {
			v := read(counter)
			write(counter, int(next(int64(v)))) // overwrites any update made since the read
		}
	})
	return *counter
}

// RaceCondition does the same with atomic loads and stores. Every access is
// synchronized, so there is no data race and the race detector stays quiet;
// but "load, add one, store" is still three steps that another goroutine can
// get between, so updates are still lost: a race condition without a data
// race.
func RaceCondition(goroutines, perItem int) int {
	var counter atomic.Int64
	together(goroutines, func() {
		for range perItem {
			v := load(&counter)
			store(&counter, next(v))
		}
	})
	return int(counter.Load())
}

// Interleaved is RaceCondition with a wait between the load and the store,
// the way a handler reads a value, waits for a database or a network call,
// then writes back what it computed. The goroutines take turns at each wait,
// so they lose updates even on a single core, with no parallelism at all:
// interleaving (concurrency) is enough. runtime.Gosched stands for the wait.
func Interleaved(goroutines, perItem int) int {
	var counter atomic.Int64
	together(goroutines, func() {
		for range perItem {
			v := load(&counter)
			runtime.Gosched() // the wait: other goroutines run here
			store(&counter, next(v))
		}
	})
	return int(counter.Load())
}
