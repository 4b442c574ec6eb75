package pool_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/tamego/tame/pool"
)

// spinSink keeps spin's result observable.
var spinSink atomic.Uint64

// spin burns a fixed amount of CPU without touching shared memory
// (BenchmarkWorkUnit measures it on the machine at hand).
//
//go:noinline
func spin(seed uint64) uint64 {
	x := seed | 1
	for range 680 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

func BenchmarkWorkUnit(b *testing.B) {
	b.Run("impl=inline/work=spin1us", func(b *testing.B) {
		b.ReportAllocs()
		var x uint64
		for i := 0; b.Loop(); i++ {
			x += spin(uint64(i))
		}
		spinSink.Add(x)
	})
}

const benchTasks = 10_000

// works are the task bodies of the benchmarks: tiny (one atomic add) and
// spin1us (one call of spin).
func works() []struct {
	name string
	task func()
} {
	var n atomic.Int64
	return []struct {
		name string
		task func()
	}{
		{"tiny", func() { n.Add(1) }},
		{"spin1us", func() {
			if spin(7) == 0 {
				spinSink.Add(1)
			}
		}},
	}
}

func limits() []struct {
	name string
	n    int
} {
	return []struct {
		name string
		n    int
	}{{"gomaxprocs", runtime.GOMAXPROCS(0)}, {"64", 64}}
}

// A runner runs n tasks with at most limit at once and returns once they
// have all returned.
type runner interface {
	run(n int, task func())
	close()
}

type tameGroup struct{ limit int }

func (r tameGroup) run(n int, task func()) {
	g := pool.NewGroup(context.Background(), r.limit)
	fn := func(context.Context) error { task(); return nil }
	for range n {
		g.Go(fn)
	}
	if err := g.Wait(); err != nil {
		panic(err)
	}
}
func (tameGroup) close() {}

type tamePool struct{ p *pool.Pool }

func (r tamePool) run(n int, task func()) {
	var wg sync.WaitGroup
	wg.Add(n)
	fn := func() { task(); wg.Done() }
	ctx := context.Background()
	for range n {
		if err := r.p.Submit(ctx, fn); err != nil {
			panic(err)
		}
	}
	wg.Wait()
}
func (r tamePool) close() {
	if err := r.p.Close(); err != nil {
		panic(err)
	}
}

// goroutineRunner: a goroutine per task and a WaitGroup; it ignores the limit.
type goroutineRunner struct{}

func (goroutineRunner) run(n int, task func()) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(task)
	}
	wg.Wait()
}
func (goroutineRunner) close() {}

// chansemRunner: a goroutine per task, admitted by a buffered channel.
type chansemRunner struct{ sem chan struct{} }

func (r chansemRunner) run(n int, task func()) {
	var wg sync.WaitGroup
	wg.Add(n)
	fn := func() { task(); <-r.sem; wg.Done() }
	for range n {
		r.sem <- struct{}{}
		go fn()
	}
	wg.Wait()
}
func (chansemRunner) close() {}

// errgroupRunner: errgroup.Group with SetLimit, one per batch.
type errgroupRunner struct{ limit int }

func (r errgroupRunner) run(n int, task func()) {
	var g errgroup.Group
	g.SetLimit(r.limit)
	fn := func() error { task(); return nil }
	for range n {
		g.Go(fn)
	}
	_ = g.Wait()
}
func (errgroupRunner) close() {}

// workersRunner: the hand-written fixed set of limit goroutines ranging over
// a buffered chan func().
type workersRunner struct {
	ch chan func()
	wg sync.WaitGroup
}

func newWorkers(limit int) *workersRunner {
	r := &workersRunner{ch: make(chan func(), 1024)}
	for range limit {
		r.wg.Go(func() {
			for f := range r.ch {
				f()
			}
		})
	}
	return r
}

func (r *workersRunner) run(n int, task func()) {
	var wg sync.WaitGroup
	wg.Add(n)
	fn := func() { task(); wg.Done() }
	for range n {
		r.ch <- fn
	}
	wg.Wait()
}
func (r *workersRunner) close() { close(r.ch); r.wg.Wait() }

// benchRun times batches of benchTasks tasks and reports ns/task.
func benchRun(b *testing.B, r runner, task func()) {
	b.ReportAllocs()
	defer r.close()
	r.run(benchTasks, task) // warm up
	b.ResetTimer()
	for b.Loop() {
		r.run(benchTasks, task)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTasks), "ns/task")
}

// BenchmarkPool measures the cost per task of running batches of 10 000
// tasks with a limit, for tame's Group (a new one per batch) and Pool (one,
// long-lived) beside the usual hand-written ways: a goroutine per task, a
// channel semaphore, errgroup.SetLimit (a new group per batch), and a fixed
// set of limit workers over a buffered channel. One op is a batch; read
// ns/task. With work=spin1us, n cores cannot do better than BenchmarkWorkUnit
// divided by n per task.
func BenchmarkPool(b *testing.B) {
	impls := []struct {
		name string
		new  func(limit int) runner
	}{
		{"tame-group", func(limit int) runner { return tameGroup{limit} }},
		{"tame-pool", func(limit int) runner { return tamePool{pool.NewPool(limit)} }},
		{"goroutine", func(int) runner { return goroutineRunner{} }},
		{"chansem", func(limit int) runner { return chansemRunner{make(chan struct{}, limit)} }},
		{"errgroup", func(limit int) runner { return errgroupRunner{limit} }},
		{"workers", func(limit int) runner { return newWorkers(limit) }},
	}
	for _, impl := range impls {
		for _, w := range works() {
			for _, l := range limits() {
				b.Run(fmt.Sprintf("impl=%s/work=%s/limit=%s/tasks=%d", impl.name, w.name, l.name, benchTasks), func(b *testing.B) {
					benchRun(b, impl.new(l.n), w.task)
				})
			}
		}
	}
}
