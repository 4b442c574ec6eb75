package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pipeline"
)

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func TestMapOneWorkerKeepsOrder(t *testing.T) {
	p := pipeline.New(context.Background())
	got, err := pipeline.Collect(p, pipeline.Map(p, pipeline.From(p, ints(1000)), 1, square))
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	for i, v := range got {
		if v != i*i {
			t.Fatalf("got[%d] = %d, want %d", i, v, i*i)
		}
	}
	if len(got) != 1000 {
		t.Fatalf("len(got) = %d, want 1000", len(got))
	}
}

func TestMapManyWorkersLosesNothing(t *testing.T) {
	p := pipeline.New(context.Background())
	got, err := pipeline.Collect(p, pipeline.Map(p, pipeline.From(p, ints(5000)), 7, square))
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	slices.Sort(got)
	for i, v := range got {
		if v != i*i {
			t.Fatalf("sorted got[%d] = %d, want %d", i, v, i*i)
		}
	}
	if len(got) != 5000 {
		t.Fatalf("len(got) = %d, want 5000", len(got))
	}
}

func TestFilterFlatMap(t *testing.T) {
	p := pipeline.New(context.Background())
	even := pipeline.Filter(p, pipeline.From(p, ints(10)), func(v int) bool { return v%2 == 0 })
	twice := pipeline.FlatMap(p, even, 1, func(_ context.Context, v int) ([]int, error) {
		if v == 4 {
			return nil, nil // nothing for 4
		}
		return []int{v, v}, nil
	})
	got, err := pipeline.Collect(p, twice)
	if want := []int{0, 0, 2, 2, 6, 6, 8, 8}; !slices.Equal(got, want) || err != nil {
		t.Fatalf("Collect() = %v, %v; want %v, nil", got, err, want)
	}
}

func TestFlatMapError(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.FlatMap(p, pipeline.From(p, ints(10)), 2, func(_ context.Context, v int) ([]int, error) {
		if v == 3 {
			return nil, errBoom
		}
		return []int{v}, nil
	})
	if _, err := pipeline.Collect(p, out); !errors.Is(err, errBoom) {
		t.Fatalf("Collect() error = %v, want %v", err, errBoom)
	}
}

// TestMergeFanIn checks that 8 sources of 10 000 items each arrive exactly
// once each, and that the merged channel is closed once (a second close
// would panic in a stage, and Collect would re-raise it).
func TestMergeFanIn(t *testing.T) {
	const sources, each = 8, 10_000
	p := pipeline.New(context.Background())
	ins := make([]<-chan int, sources)
	for s := range ins {
		items := make([]int, each)
		for i := range items {
			items[i] = s*each + i
		}
		ins[s] = pipeline.From(p, items)
	}
	merged := pipeline.Merge(p, ins...)
	got, err := pipeline.Collect(p, merged)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	seen := make([]int, sources*each)
	last := make([]int, sources) // order within each source is kept
	for s := range last {
		last[s] = -1
	}
	for _, v := range got {
		seen[v]++
		if s := v / each; v <= last[s] {
			t.Fatalf("item %d of source %d after %d: order within a source lost", v, s, last[s])
		} else {
			last[s] = v
		}
	}
	for v, n := range seen {
		if n != 1 {
			t.Fatalf("item %d seen %d times, want 1", v, n)
		}
	}
	if _, ok := <-merged; ok {
		t.Fatal("merged channel delivered after Collect, want closed")
	}
}

func TestBroadcast(t *testing.T) {
	p := pipeline.New(context.Background())
	outs := pipeline.Broadcast(p, pipeline.From(p, ints(300)), 3)
	got := make([][]int, len(outs))
	done := make(chan struct{})
	for i := 1; i < len(outs); i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for v := range outs[i] {
				got[i] = append(got[i], v)
			}
		}()
	}
	var err error
	got[0], err = pipeline.Collect(p, outs[0])
	<-done
	<-done
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	for i, g := range got {
		if !slices.Equal(g, ints(300)) {
			t.Errorf("output %d got %d items (first %v), want 0..299 in order", i, len(g), g[:min(len(g), 5)])
		}
	}
}

// TestClosedOrEmptyInput runs every stage on an input that is already
// closed, or empty: each output closes and the pipeline succeeds.
func TestClosedOrEmptyInput(t *testing.T) {
	id := func(_ context.Context, v int) (int, error) { return v, nil }
	tests := []struct {
		name  string
		stage func(p *pipeline.Pipeline, in <-chan int) <-chan int
	}{
		{"Map", func(p *pipeline.Pipeline, in <-chan int) <-chan int { return pipeline.Map(p, in, 3, id) }},
		{"OrderedMap", func(p *pipeline.Pipeline, in <-chan int) <-chan int { return pipeline.OrderedMap(p, in, 3, id) }},
		{"Filter", func(p *pipeline.Pipeline, in <-chan int) <-chan int {
			return pipeline.Filter(p, in, func(int) bool { return true })
		}},
		{"FlatMap", func(p *pipeline.Pipeline, in <-chan int) <-chan int {
			return pipeline.FlatMap(p, in, 2, func(_ context.Context, v int) ([]int, error) { return []int{v}, nil })
		}},
		{"Batch", func(p *pipeline.Pipeline, in <-chan int) <-chan int {
			return pipeline.FlatMap(p, pipeline.Batch(p, in, 4, time.Hour), 1,
				func(_ context.Context, b []int) ([]int, error) { return b, nil })
		}},
		{"Merge", func(p *pipeline.Pipeline, in <-chan int) <-chan int { return pipeline.Merge(p, in, in) }},
		{"Broadcast", func(p *pipeline.Pipeline, in <-chan int) <-chan int { return pipeline.Broadcast(p, in, 1)[0] }},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/closed", func(t *testing.T) {
			p := pipeline.New(context.Background())
			in := make(chan int)
			close(in)
			if got, err := pipeline.Collect(p, tt.stage(p, in)); len(got) != 0 || err != nil {
				t.Fatalf("Collect() = %v, %v; want [], nil", got, err)
			}
		})
		t.Run(tt.name+"/empty", func(t *testing.T) {
			p := pipeline.New(context.Background())
			if got, err := pipeline.Collect(p, tt.stage(p, pipeline.From[int](p, nil))); len(got) != 0 || err != nil {
				t.Fatalf("Collect() = %v, %v; want [], nil", got, err)
			}
		})
	}
	p := pipeline.New(context.Background())
	if got, err := pipeline.Collect(p, pipeline.Merge[int](p)); len(got) != 0 || err != nil {
		t.Fatalf("Merge() of nothing: Collect() = %v, %v; want [], nil", got, err)
	}
}

// TestAllBreakStopsProducers: breaking out of the loop over All stops the
// source; Wait reports no error and nothing is left running.
func TestAllBreakStopsProducers(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pipeline.New(context.Background())
	var pulled atomic.Int64
	var got []int
	for v := range pipeline.All(p, pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 2, square)) {
		got = append(got, v)
		if len(got) == 3 {
			break
		}
	}
	leaktest.Back(t, base) // All waited for the stages already
	if err := p.Wait(); err != nil {
		t.Fatalf("Wait() after break = %v, want nil", err)
	}
	if n := pulled.Load(); n > 1000 {
		t.Errorf("source pulled %d items after the break, want at most a few buffers", n)
	}
	if len(got) != 3 {
		t.Errorf("got %d items, want 3", len(got))
	}
}

// TestAllNeverRanged: an iterator that is made but never ranged over does
// not hold up the stages once the pipeline is cancelled.
func TestAllNeverRanged(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	p := pipeline.New(ctx)
	var pulled atomic.Int64
	_ = pipeline.All(p, pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 2, square))
	cancel()
	watchdog(t, func() {
		if err := p.Wait(); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait() = %v, want context.Canceled", err)
		}
	})
	leaktest.Back(t, base)
}

func TestAllToTheEnd(t *testing.T) {
	p := pipeline.New(context.Background())
	sum := 0
	for v := range pipeline.All(p, pipeline.From(p, ints(100))) {
		sum += v
	}
	if err := p.Wait(); sum != 4950 || err != nil {
		t.Fatalf("sum = %d, Wait() = %v; want 4950, nil", sum, err)
	}
}

func TestAllRaisesStagePanic(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.Map(p, pipeline.From(p, ints(10)), 1, func(_ context.Context, v int) (int, error) {
		if v == 5 {
			panic("stage")
		}
		return v, nil
	})
	pe := catchPanic(t, func() {
		for range pipeline.All(p, out) {
		}
	})
	if pe == nil || pe.Value != "stage" {
		t.Fatalf("range over All panicked with %v, want the stage's panic", pe)
	}
}

func TestAllErrorFromWait(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.Map(p, pipeline.From(p, ints(10)), 1, func(_ context.Context, v int) (int, error) {
		if v == 5 {
			return 0, errBoom
		}
		return v, nil
	})
	n := 0
	for range pipeline.All(p, out) {
		n++
	}
	if err := p.Wait(); !errors.Is(err, errBoom) || n > 5 {
		t.Fatalf("after %d items, Wait() = %v; want at most 5 items and %v", n, err, errBoom)
	}
}

// TestBackpressure checks, with counters, what a pipeline whose consumer
// does not read holds: the output buffer, one result per worker, the input
// buffer and one item in the source's hands. Inside a synctest bubble,
// synctest.Wait returns once every stage is blocked.
func TestBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, buffer = 2, 64
		ctx, cancel := context.WithCancel(t.Context())
		p := pipeline.New(ctx)
		p.Stats() // watch: stages publish their counters before they wait
		var calls atomic.Int64
		src := pipeline.From(p.Named("source"), ints(10_000))
		out := pipeline.Map(p.Named("square"), src, workers, func(_ context.Context, v int) (int, error) {
			calls.Add(1)
			return v * v, nil
		})
		synctest.Wait()
		if got, want := calls.Load(), int64(buffer+workers); got != want {
			t.Errorf("fn called %d times with nobody reading, want %d (the buffer and one per worker)", got, want)
		}
		want := []pipeline.StageStats{
			{Name: "source", In: buffer + workers + buffer + 1, Out: buffer + workers + buffer, InFlight: 1},
			{Name: "square", In: buffer + workers, Out: buffer, InFlight: workers},
		}
		if got := p.Stats(); !slices.Equal(got, want) {
			t.Errorf("Stats() = %+v, want %+v", got, want)
		}
		cancel()
		if err := p.Wait(); !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait() = %v, want context.Canceled", err)
		}
		_ = out
		// Once the stages have ended, nothing is in flight.
		for _, s := range p.Stats() {
			if s.InFlight != 0 {
				t.Errorf("after Wait, %s: InFlight = %d, want 0", s.Name, s.InFlight)
			}
		}
	})
}

func TestStatsAtTheEnd(t *testing.T) {
	p := pipeline.New(context.Background())
	even := pipeline.Filter(p, pipeline.From(p, ints(1000)), func(v int) bool { return v%2 == 0 })
	batches := pipeline.Batch(p.Named("batch"), even, 100, 0)
	if _, err := pipeline.Collect(p, batches); err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := []pipeline.StageStats{
		{Name: "From", In: 1000, Out: 1000},
		{Name: "Filter", In: 1000, Out: 500},
		{Name: "batch", In: 500, Out: 5},
		{Name: "Collect", In: 5},
	}
	if got := p.Stats(); !slices.Equal(got, want) {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}

func TestBufferedZeroIsUnbuffered(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.From(p.Buffered(0), ints(10))
	if cap(out) != 0 {
		t.Errorf("cap(From(p.Buffered(0))) = %d, want 0", cap(out))
	}
	if cap(pipeline.From(p, ints(1))) != 64 {
		t.Errorf("cap of a default stage channel = %d, want 64", cap(pipeline.From(p, ints(1))))
	}
	if got, err := pipeline.Collect(p, pipeline.Merge(p, out, pipeline.From(p.Buffered(3), ints(5)))); len(got) != 15 || err != nil {
		t.Fatalf("Collect() = %v, %v; want 15 items, nil", got, err)
	}
}

// TestStatsWhileRunning reads the counters from another goroutine while the
// pipeline runs (the race detector checks the reads) and checks that they
// only grow.
func TestStatsWhileRunning(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.OrderedMap(p, pipeline.Map(p, pipeline.From(p, ints(20_000)), 2, square), 3, square)
	stop := make(chan struct{})
	done := make(chan error)
	go func() {
		var last []pipeline.StageStats
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			cur := p.Stats()
			for i := range min(len(last), len(cur)) {
				if cur[i].In < last[i].In || cur[i].Out < last[i].Out {
					done <- fmt.Errorf("stage %d went back from %+v to %+v", i, last[i], cur[i])
					return
				}
			}
			last = cur
			runtime.Gosched()
		}
	}()
	n := 0
	err := pipeline.ForEach(p, out, func(context.Context, int) error { n++; return nil })
	close(stop)
	if err := <-done; err != nil {
		t.Error(err)
	}
	if err != nil || n != 20_000 {
		t.Fatalf("ForEach() = %v after %d items, want nil after 20000", err, n)
	}
	for _, s := range p.Stats() {
		if s.In != 20_000 || s.InFlight != 0 {
			t.Errorf("at the end: %+v, want In 20000 and nothing in flight", s)
		}
	}
}
