package pipeline_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pipeline"
)

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
