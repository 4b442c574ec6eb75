package pipeline_test

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/tamego/tame/pipeline"
)

// The workload of every benchmark here: generate 0..n-1, square, sum. The
// hand-written baselines use channels of the same capacity as the pipeline's
// default (64), a goroutine per stage and a WaitGroup where a stage fans out;
// BenchmarkBuffer varies the capacity on both sides.

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

// run times run over benchItems items per op and reports ns/item (wall
// time) and cpu-ns/item (CPU time of the whole process, all goroutines).
func run(b *testing.B, run func(n int) int) {
	b.ReportAllocs()
	want := sumSquares(benchItems)
	cpu0, ok := cpuTime()
	for b.Loop() {
		if got := run(benchItems); got != want {
			b.Fatalf("sum = %d, want %d", got, want)
		}
	}
	items := float64(b.N) * benchItems
	if cpu1, _ := cpuTime(); ok {
		b.ReportMetric(float64(cpu1-cpu0)/items, "cpu-ns/item")
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/items, "ns/item")
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
	return tamePipeWatched(n, workers, ordered, false)
}

// tamePipeWatched is tamePipe; when watched, Stats is called first, so the
// stages publish their counters before every wait.
func tamePipeWatched(n, workers int, ordered, watched bool) int {
	p := pipeline.New(context.Background())
	if watched {
		p.Stats()
	}
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
// tame-watched is tame with Stats called first, which makes every stage
// publish its counters before it waits: the cost of watching.
func BenchmarkPipeline(b *testing.B) {
	name := func(impl string) string { return fmt.Sprintf("impl=%s/items=%d", impl, benchItems) }
	b.Run(name("chan-unbuffered"), func(b *testing.B) { run(b, func(n int) int { return chanPipe(n, 0) }) })
	b.Run(name("chan-buffered"), func(b *testing.B) { run(b, func(n int) int { return chanPipe(n, benchBuf) }) })
	b.Run(name("tame"), func(b *testing.B) { run(b, func(n int) int { return tamePipe(n, 1, false) }) })
	b.Run(name("tame-watched"), func(b *testing.B) { run(b, func(n int) int { return tamePipeWatched(n, 1, false, true) }) })
}

// BenchmarkBuffer is the evidence for the default buffer (64): the same
// pipeline as BenchmarkPipeline, hand-written and with package pipeline
// (through Buffered), with channels of 64, 256 and 1024 items. A larger
// buffer lets the stages run further apart, so they wait and wake each
// other less often, at the cost of that many items of memory per stage.
func BenchmarkBuffer(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		name := func(impl string) string { return fmt.Sprintf("impl=%s/buffer=%d/items=%d", impl, n, benchItems) }
		b.Run(name("chan-buffered"), func(b *testing.B) { run(b, func(items int) int { return chanPipe(items, n) }) })
		b.Run(name("tame"), func(b *testing.B) {
			run(b, func(items int) int {
				p := pipeline.New(context.Background()).Buffered(n)
				sq := pipeline.Map(p, pipeline.FromSeq(p, upTo(items)), 1, square)
				s, err := pipeline.Reduce(p, sq, 0, func(acc, v int) int { return acc + v })
				if err != nil {
					panic(err)
				}
				return s
			})
		})
	}
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

// chanBatched is the hand-written batched pipeline: the source sends slices
// of size items, recycled through a free list so that nothing is allocated
// in steady state.
func chanBatched(n, size int) int {
	const depth = 8
	gen := make(chan []int, depth)
	sq := make(chan []int, depth)
	free := make(chan []int, 2*depth+2)
	for range cap(free) {
		free <- make([]int, 0, size)
	}
	go func() {
		defer close(gen)
		b := <-free
		for i := range n {
			if b = append(b, i); len(b) == size {
				gen <- b
				b = <-free
			}
		}
		if len(b) > 0 {
			gen <- b
		}
	}()
	go func() {
		defer close(sq)
		for b := range gen {
			for i, x := range b {
				b[i] = x * x
			}
			sq <- b
		}
	}()
	s := 0
	for b := range sq {
		for _, v := range b {
			s += v
		}
		free <- b[:0]
	}
	return s
}

// chanBatcher is the hand-written pipeline with a batching stage: the source
// sends items one by one, a goroutine groups them into slices of size.
func chanBatcher(n, size int) int {
	gen := make(chan int, benchBuf)
	batches := make(chan []int, benchBuf)
	sq := make(chan []int, benchBuf)
	go func() {
		defer close(gen)
		for i := range n {
			gen <- i
		}
	}()
	go func() {
		defer close(batches)
		var b []int
		for x := range gen {
			if b == nil {
				b = make([]int, 0, size)
			}
			if b = append(b, x); len(b) == size {
				batches <- b
				b = nil
			}
		}
		if len(b) > 0 {
			batches <- b
		}
	}()
	go func() {
		defer close(sq)
		for b := range batches {
			for i, x := range b {
				b[i] = x * x
			}
			sq <- b
		}
	}()
	s := 0
	for b := range sq {
		for _, v := range b {
			s += v
		}
	}
	return s
}

// chunks yields 0..n-1 in slices of size items, taken from free when it
// has one (the consumer gives them back) or else new.
func chunks(n, size int, free chan []int) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		for lo := 0; lo < n; lo += size {
			var b []int
			select {
			case b = <-free:
			default:
				b = make([]int, 0, size)
			}
			for i := lo; i < min(lo+size, n); i++ {
				b = append(b, i)
			}
			if !yield(b) {
				return
			}
		}
	}
}

func squareAll(_ context.Context, b []int) ([]int, error) {
	for i, x := range b {
		b[i] = x * x
	}
	return b, nil
}

// sumAll sums the batches of in; it gives each slice back to free, when
// free is not nil and not full.
func sumAll(p *pipeline.Pipeline, in <-chan []int, free chan []int) int {
	s, err := pipeline.Reduce(p, in, 0, func(acc int, b []int) int {
		for _, v := range b {
			acc += v
		}
		select {
		case free <- b[:0]:
		default:
		}
		return acc
	})
	if err != nil {
		panic(err)
	}
	return s
}

// BenchmarkBatch shows that batching is the lever: the same 3-stage
// pipeline, with batches of 100 items made at the source (tame-batched
// beside the hand-written chan-batched; both recycle their slices, so
// nothing is allocated in steady state) or by a batching stage after a
// source of single items (tame-batch, with Batch, beside chan-batch; a new
// slice per batch). Compare with BenchmarkPipeline's per-item
// figures.
func BenchmarkBatch(b *testing.B) {
	name := func(impl string) string { return fmt.Sprintf("impl=%s/size=%d/items=%d", impl, benchBatch, benchItems) }
	b.Run(name("chan-batched"), func(b *testing.B) { run(b, func(n int) int { return chanBatched(n, benchBatch) }) })
	b.Run(name("tame-batched"), func(b *testing.B) {
		run(b, func(n int) int {
			p := pipeline.New(context.Background())
			free := make(chan []int, 3*benchBuf)
			return sumAll(p, pipeline.Map(p, pipeline.FromSeq(p, chunks(n, benchBatch, free)), 1, squareAll), free)
		})
	})
	b.Run(name("chan-batch"), func(b *testing.B) { run(b, func(n int) int { return chanBatcher(n, benchBatch) }) })
	b.Run(name("tame-batch"), func(b *testing.B) {
		run(b, func(n int) int {
			p := pipeline.New(context.Background())
			batches := pipeline.Batch(p, pipeline.FromSeq(p, upTo(n)), benchBatch, 0)
			return sumAll(p, pipeline.Map(p, batches, 1, squareAll), nil)
		})
	})
	b.Run(name("tame-batch-maxwait"), func(b *testing.B) {
		run(b, func(n int) int {
			p := pipeline.New(context.Background())
			batches := pipeline.Batch(p, pipeline.FromSeq(p, upTo(n)), benchBatch, time.Second)
			return sumAll(p, pipeline.Map(p, batches, 1, squareAll), nil)
		})
	})
}
