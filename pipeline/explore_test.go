package pipeline_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tamego/tame/pipeline"
	"github.com/tamego/tame/tametest"
)

// TestOrderedMapExplored explores an OrderedMap with three workers whose
// calls finish in any order (go test -tags tametest: each run is held back
// at different handoffs; without the tag, plain repetition): under every
// schedule the results come out in input order.
func TestOrderedMapExplored(t *testing.T) {
	tametest.Explore(t, func(t *testing.T) {
		p := pipeline.New(context.Background())
		out := pipeline.OrderedMap(p, pipeline.From(p, []int{1, 2, 3, 4, 5}), 3, func(_ context.Context, v int) (int, error) {
			return v * v, nil
		})
		got, err := pipeline.Collect(p, out)
		if err != nil {
			t.Fatalf("Collect() = %v", err)
		}
		for i, v := range got {
			if v != (i+1)*(i+1) {
				t.Fatalf("Collect() = %v, want the squares of 1..5 in order", got)
			}
		}
		if len(got) != 5 {
			t.Fatalf("Collect() = %v, want 5 results", got)
		}
	}, tametest.Runs(300))
}

// TestStageErrorExplored explores a stage that fails on one item while
// other workers run (go test -tags tametest): under every schedule the
// sink returns that error, and no stage goroutine is left behind.
func TestStageErrorExplored(t *testing.T) {
	errBad := errors.New("bad item")
	tametest.Explore(t, func(t *testing.T) {
		p := pipeline.New(context.Background())
		out := pipeline.Map(p, pipeline.From(p, []int{1, 2, 3, 4}), 2, func(_ context.Context, v int) (int, error) {
			if v == 3 {
				return 0, errBad
			}
			return v, nil
		})
		err := pipeline.ForEach(p, out, func(context.Context, int) error { return nil })
		if !errors.Is(err, errBad) {
			t.Errorf("ForEach() = %v, want %v", err, errBad)
		}
	}, tametest.Runs(300))
}
