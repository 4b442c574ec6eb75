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

	"github.com/tamego/tame/pipeline"
)

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
			{Name: "source", In: buffer + workers + buffer + 1, Out: buffer + workers + buffer, Running: 1},
			{Name: "square", In: buffer + workers, Out: buffer, Running: workers},
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
			if s.Running != 0 {
				t.Errorf("after Wait, %s: Running = %d, want 0", s.Name, s.Running)
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
		if s.In != 20_000 || s.Running != 0 {
			t.Errorf("at the end: %+v, want In 20000 and nothing in flight", s)
		}
	}
}

// TestStatsFromFastPath calls Stats for the first time while every stage is
// blocked in a plain send or a plain receive (the fast path, taken while
// nobody watches): once one more item moves, each blocked stage takes the
// watched path and publishes before it waits again, so the figures are
// exact.
func TestStatsFromFastPath(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const buffer, k = 8, 10 // the consumer blocks on its item k, then k+1
		ctx, cancel := context.WithCancel(t.Context())
		p := pipeline.New(ctx).Buffered(buffer)
		src := pipeline.From(p.Named("source"), ints(10_000))
		sq := pipeline.Map(p.Named("square"), src, 1, square)
		gate := make(chan struct{})
		done := make(chan error)
		go func() {
			i := 0
			done <- pipeline.ForEach(p, sq, func(ctx context.Context, _ int) error {
				if i++; i <= k {
					return nil
				}
				select {
				case <-gate:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}()
		synctest.Wait()
		p.Stats() // first call: the stages are blocked in the fast path
		gate <- struct{}{}
		synctest.Wait()
		got := p.Stats()[:2]   // the sink waits in fn, not on a channel: it may lag
		taken := uint64(k + 2) // items the consumer received
		want := []pipeline.StageStats{
			{Name: "source", In: taken + buffer + 1 + buffer + 1, Out: taken + buffer + 1 + buffer, Running: 1},
			{Name: "square", In: taken + buffer + 1, Out: taken + buffer, Running: 1},
		}
		if !slices.Equal(got, want) {
			t.Errorf("Stats() = %+v, want %+v", got, want)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("ForEach() = %v, want context.Canceled", err)
		}
	})
}
