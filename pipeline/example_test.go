package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tamego/tame/pipeline"
)

// This example builds the classic three-stage pipeline: generate numbers,
// square them on two workers, and sum the squares in the caller's goroutine.
// Each stage is a goroutine owned by the pipeline; the sink waits for all of
// them before it returns.
func Example() {
	p := pipeline.New(context.Background())
	nums := pipeline.From(p, []int{1, 2, 3, 4, 5})
	squares := pipeline.Map(p, nums, 2, func(_ context.Context, n int) (int, error) {
		return n * n, nil
	})
	sum, err := pipeline.Reduce(p, squares, 0, func(acc, sq int) int { return acc + sq })
	fmt.Println(sum, err)
	// Output: 55 <nil>
}

// This example computes results on four workers and receives them in the
// order of the input, however long each one takes.
func ExampleOrderedMap() {
	p := pipeline.New(context.Background())
	words := pipeline.From(p, []string{"concurrency", "is", "not", "parallelism"})
	lengths := pipeline.OrderedMap(p, words, 4, func(_ context.Context, w string) (string, error) {
		for range len(w) { // longer words take longer
			runtime.Gosched()
		}
		return w + "=" + strconv.Itoa(len(w)), nil
	})
	got, err := pipeline.Collect(p, lengths)
	fmt.Println(got, err)
	// Output: [concurrency=11 is=2 not=3 parallelism=11] <nil>
}

// This example groups items into batches of at most 3, so that the stage
// after Batch pays one channel handoff per batch instead of one per item.
// The last batch is sent when the input ends; with maxWait > 0, a batch is
// also sent once its first item has waited that long.
func ExampleBatch() {
	p := pipeline.New(context.Background())
	batches := pipeline.Batch(p, pipeline.From(p, []int{1, 2, 3, 4, 5, 6, 7}), 3, time.Second)
	err := pipeline.ForEach(p, batches, func(_ context.Context, b []int) error {
		fmt.Println(b)
		return nil
	})
	fmt.Println(err)
	// Output:
	// [1 2 3]
	// [4 5 6]
	// [7]
	// <nil>
}

// This example fans in: the items of three sources arrive on one channel,
// in any order across sources, which is closed once all three are done.
func ExampleMerge() {
	p := pipeline.New(context.Background())
	merged := pipeline.Merge(p,
		pipeline.From(p, []string{"a1", "a2"}),
		pipeline.From(p, []string{"b1"}),
		pipeline.From(p, []string{"c1", "c2", "c3"}),
	)
	err := pipeline.ForEach(p, merged, func(_ context.Context, s string) error {
		fmt.Println(s)
		return nil
	})
	fmt.Println("done:", err)
	// Unordered output:
	// a1
	// a2
	// b1
	// c1
	// c2
	// c3
	// done: <nil>
}

// This example demonstrates a consumer that stops early without leaking the
// goroutines that feed it. Breaking out of the loop over All cancels the
// pipeline: the source, an endless generator, stops at its next item, and
// All waits for every stage before the loop statement ends.
func Example_cancel() {
	p := pipeline.New(context.Background())
	naturals := pipeline.FromSeq(p, func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				fmt.Println("generator stopped")
				return
			}
		}
	})
	evens := pipeline.Filter(p, naturals, func(n int) bool { return n%2 == 0 })
	for n := range pipeline.All(p, evens) {
		fmt.Println(n)
		if n == 4 {
			break
		}
	}
	fmt.Println("Wait:", p.Wait()) // stopping early is not an error
	// Output:
	// 0
	// 2
	// 4
	// generator stopped
	// Wait: <nil>
}

// This example shows what the first error does: it cancels the pipeline's
// context, so no stage takes another item (the one worker never parses "4"
// and "5"), and it is what the sink (like Wait) returns once every stage has
// ended.
func Example_errors() {
	errBad := errors.New("bad record")
	p := pipeline.New(context.Background())
	records := pipeline.From(p, []string{"1", "2", "x", "4", "5"})
	var tried []string // written by the one worker, read after ForEach returned
	parsed := pipeline.Map(p, records, 1, func(_ context.Context, s string) (int, error) {
		tried = append(tried, s)
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", s, errBad)
		}
		return n, nil
	})
	err := pipeline.ForEach(p, parsed, func(context.Context, int) error { return nil })
	fmt.Println("tried:", strings.Join(tried, ","))
	fmt.Println("error:", err, errors.Is(err, errBad))
	fmt.Println("context:", p.Context().Err())
	// Output:
	// tried: 1,2,x
	// error: "x": bad record true
	// context: context canceled
}
