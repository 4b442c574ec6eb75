package queue_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/tamego/tame/queue"
)

// The benchmarks move benchItems ints from P producers through a queue of
// capacity benchCap to a handler that sums them; one op is one item. The
// queue is made and closed once per benchmark, outside the timed loop's
// items but inside the timer (its cost is spread over b.N items).

const benchCap = 1024

// sink is what every handler adds to; read after Close.
type sink struct {
	n int
	_ [56]byte
}

type benchImpl struct {
	name string
	// start returns put, called by producer w, and stop, which returns once
	// every item put was handled.
	start func(h func(int)) (put func(w, v int), stop func())
}

var benchImpls = []benchImpl{
	{"chan-consumer", startChan},
	{"mutex-slice", startMutexSlice},
	{"tame", startTame},
}

// startChan is the standard-library baseline: a buffered channel drained by
// one goroutine.
func startChan(h func(int)) (func(int, int), func()) {
	ch := make(chan int, benchCap)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for v := range ch {
			h(v)
		}
	}()
	return func(_, v int) { ch <- v }, func() { close(ch); <-done }
}

// startMutexSlice: an unbounded slice under a mutex; the consumer swaps out
// the whole backlog at once and parks on a 1-buffered channel when empty.
// It never blocks producers (no backpressure).
func startMutexSlice(h func(int)) (func(int, int), func()) {
	var (
		mu     sync.Mutex
		items  []int
		local  []int
		parked bool
		closed bool
		wake   = make(chan struct{}, 1)
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			mu.Lock()
			for len(items) == 0 {
				if closed {
					mu.Unlock()
					return
				}
				parked = true
				mu.Unlock()
				<-wake
				mu.Lock()
			}
			local, items = items, local[:0]
			mu.Unlock()
			for _, v := range local {
				h(v)
			}
		}
	}()
	put := func(_, v int) {
		mu.Lock()
		items = append(items, v)
		w := parked
		parked = false
		mu.Unlock()
		if w {
			wake <- struct{}{}
		}
	}
	stop := func() {
		mu.Lock()
		closed = true
		w := parked
		parked = false
		mu.Unlock()
		if w {
			wake <- struct{}{}
		}
		<-done
	}
	return put, stop
}

func startTame(h func(int)) (func(int, int), func()) {
	q := queue.New(benchCap, h)
	ctx := context.Background()
	return func(_, v int) {
			if err := q.Push(ctx, v); err != nil {
				panic(err)
			}
		}, func() {
			if err := q.Close(); err != nil {
				panic(err)
			}
		}
}

// startKeyed runs a Keyed queue with the producer index as key; the handler
// sums per key (keys run in parallel), and stop hands the total to h.
func startKeyed(workers int) func(h func(int)) (func(int, int), func()) {
	return func(h func(int)) (func(int, int), func()) {
		sums := make([]sink, 8)
		q := queue.NewKeyed(workers, benchCap, func(k, v int) { sums[k].n += v })
		ctx := context.Background()
		return func(w, v int) {
				if err := q.Push(ctx, w, v); err != nil {
					panic(err)
				}
			}, func() {
				if err := q.Close(); err != nil {
					panic(err)
				}
				for i := range sums {
					h(sums[i].n)
				}
			}
	}
}

func runBench(b *testing.B, impl benchImpl, producers int) {
	b.ReportAllocs()
	var s sink
	put, stop := impl.start(func(v int) { s.n += v })
	n := b.N
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range producers {
		lo, hi := w*n/producers, (w+1)*n/producers
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				put(w, i)
			}
		})
	}
	wg.Wait()
	stop()
	b.StopTimer()
	if want := n * (n - 1) / 2; s.n != want {
		b.Fatalf("sum = %d, want %d", s.n, want)
	}
}

// BenchmarkKeyed moves the same items through a Keyed queue with 8 workers
// and with GOMAXPROCS workers (as the shared peer benchmark does), the
// producer index as key, beside the channel baseline (one line for all).
func BenchmarkKeyed(b *testing.B) {
	impls := []benchImpl{
		benchImpls[0],
		{"tame-keyed", startKeyed(8)},
		{"tame-keyed-gomaxprocs", startKeyed(runtime.GOMAXPROCS(0))},
	}
	for _, impl := range impls {
		for _, p := range []int{1, 2, 8} {
			b.Run(fmt.Sprintf("impl=%s/producers=%d", impl.name, p), func(b *testing.B) {
				runBench(b, impl, p)
			})
		}
	}
}

// BenchmarkQueue compares Queue with a buffered channel drained by one
// goroutine (the baseline) and a mutex-guarded slice, with 1, 2 and 8
// producers and a handler that sums ints. One op is one item.
func BenchmarkQueue(b *testing.B) {
	for _, impl := range benchImpls {
		for _, p := range []int{1, 2, 8} {
			b.Run(fmt.Sprintf("impl=%s/producers=%d", impl.name, p), func(b *testing.B) {
				runBench(b, impl, p)
			})
		}
	}
}
