package pipeline_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

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
