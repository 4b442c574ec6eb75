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

// DataRace increments one plain int from goroutines goroutines, perItem times
// each, as "read it, add one, write it back", without any synchronization.
// It is a data race: the race detector reports it, and the Go memory model
// gives the program no meaning. It returns the final count; every lost
// update makes it smaller than goroutines*perItem.
func DataRace(goroutines, perItem int) int {
	counter := new(int)
	together(goroutines, func() {
		for range perItem {
			v := *counter    // read
			*counter = v + 1 // write: overwrites any update made since the read
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
			v := counter.Load()
			counter.Store(v + 1)
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
			v := counter.Load()
			runtime.Gosched() // the wait: other goroutines run here
			counter.Store(v + 1)
		}
	})
	return int(counter.Load())
}
