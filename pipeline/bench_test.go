package pipeline_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"

	"github.com/tamego/tame/pipeline"
)

// The workload of every benchmark here: generate 0..n-1, square, sum. The
// hand-written baselines use channels of the same capacity as the pipeline's
// default (64), a goroutine per stage and a WaitGroup where a stage fans out.

const (
	benchItems = 1_000_000
	benchBuf   = 64  // the capacity of a pipeline stage's channel by default
	benchBatch = 100 // items per batch in BenchmarkBatch
)

func sumSquares(n int) int { return (n - 1) * n * (2*n - 1) / 6 }

func upTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func square(_ context.Context, x int) (int, error) { return x * x, nil }

// run times run over benchItems items per op and reports ns/item.
func run(b *testing.B, run func(n int) int) {
	b.ReportAllocs()
	want := sumSquares(benchItems)
	for b.Loop() {
		if got := run(benchItems); got != want {
			b.Fatalf("sum = %d, want %d", got, want)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchItems, "ns/item")
}

// chanPipe is the hand-written pipeline: one goroutine per stage, channels
// of capacity buf, the sum in the caller's goroutine.
func chanPipe(n, buf int) int {
	gen := make(chan int, buf)
	sq := make(chan int, buf)
	go func() {
		defer close(gen)
		for i := range n {
			gen <- i
		}
	}()
	go func() {
		defer close(sq)
		for x := range gen {
			sq <- x * x
		}
	}()
	s := 0
	for v := range sq {
		s += v
	}
	return s
}

// chanFanout is chanPipe with the square stage on workers goroutines.
func chanFanout(n, workers int) int {
	gen := make(chan int, benchBuf)
	sq := make(chan int, benchBuf)
	go func() {
		defer close(gen)
		for i := range n {
			gen <- i
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for x := range gen {
				sq <- x * x
			}
		})
	}
	go func() { wg.Wait(); close(sq) }()
	s := 0
	for v := range sq {
		s += v
	}
	return s
}

// tamePipe is the same pipeline with package pipeline: FromSeq, Map (or
// OrderedMap) on workers goroutines, ForEach.
func tamePipe(n, workers int, ordered bool) int {
	p := pipeline.New(context.Background())
	src := pipeline.FromSeq(p, upTo(n))
	var sq <-chan int
	if ordered {
		sq = pipeline.OrderedMap(p, src, workers, square)
	} else {
		sq = pipeline.Map(p, src, workers, square)
	}
	s := 0
	err := pipeline.ForEach(p, sq, func(_ context.Context, v int) error { s += v; return nil })
	if err != nil {
		panic(err)
	}
	return s
}

// BenchmarkPipeline compares the 3-stage pipeline written with package
// pipeline against the same pipeline hand-written with channels.
func BenchmarkPipeline(b *testing.B) {
	name := func(impl string) string { return fmt.Sprintf("impl=%s/items=%d", impl, benchItems) }
	b.Run(name("chan-unbuffered"), func(b *testing.B) { run(b, func(n int) int { return chanPipe(n, 0) }) })
	b.Run(name("chan-buffered"), func(b *testing.B) { run(b, func(n int) int { return chanPipe(n, benchBuf) }) })
	b.Run(name("tame"), func(b *testing.B) { run(b, func(n int) int { return tamePipe(n, 1, false) }) })
}

// BenchmarkMap compares Map and OrderedMap with 1, 2 and 8 workers, beside
// a hand-written fan-out (unordered).
func BenchmarkMap(b *testing.B) {
	for _, w := range []int{1, 2, 8} {
		name := func(impl string) string { return fmt.Sprintf("impl=%s/workers=%d/items=%d", impl, w, benchItems) }
		b.Run(name("chan-fanout"), func(b *testing.B) { run(b, func(n int) int { return chanFanout(n, w) }) })
		b.Run(name("tame-map"), func(b *testing.B) { run(b, func(n int) int { return tamePipe(n, w, false) }) })
		b.Run(name("tame-ordered"), func(b *testing.B) { run(b, func(n int) int { return tamePipe(n, w, true) }) })
	}
}
