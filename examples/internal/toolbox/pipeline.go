package toolbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/pipeline"
)

// Pipeline is the tour's chapter on the pipeline package.
var Pipeline = lesson.Chapter{
	Name:  "pipeline",
	Title: "pipeline: stages that hand values on, and stop together",
	Intro: "Message passing: each stage owns the values it holds and hands them on through a channel, so no two " +
		"stages touch the same data at once. The hard part of hand-written pipelines is stopping: when one stage " +
		"fails, every other one must stop too, without a goroutine left blocked on a send forever. Here a stage " +
		"fails half-way through, and the goroutine count is checked before and after.",
	Run: runPipeline,
}

func runPipeline(ctx context.Context, w io.Writer, opt lesson.Options) error {
	c := lesson.Checker{Verbose: opt.Verbose}
	n := 10_000
	if opt.Quick {
		n = 2_000
	}

	// The happy path: square, keep the even ones, batch them, sum.
	p := pipeline.New(ctx)
	sq := pipeline.Map(p, pipeline.From(p, ints(n)), 4, func(_ context.Context, v int) (int, error) { return v * v, nil })
	even := pipeline.Filter(p, sq, func(v int) bool { return v%2 == 0 })
	batches := pipeline.Batch(p, even, 100, 0)
	sum, nb := 0, 0
	err := pipeline.ForEach(p, batches, func(_ context.Context, b []int) error {
		nb++
		for _, v := range b {
			sum += v
		}
		return nil
	})
	want := 0
	for v := 0; v < n; v += 2 {
		want += v * v
	}
	say(w, "From 0..%d -> Map square (4 goroutines) -> Filter even -> Batch 100 -> sum: %d in %d batches.", n-1, sum, nb)
	c.Check(w, err == nil && sum == want, "the sum is %d, computed here by a plain loop", want)

	// A failing stage: item n/2 cannot be parsed.
	before := runtime.NumGoroutine()
	var handled atomic.Int32
	errBad := errors.New("item is not a number")
	p = pipeline.New(ctx)
	parsed := pipeline.Map(p, pipeline.From(p, ints(n)), 4, func(ctx context.Context, v int) (int, error) {
		if v == n/2 {
			return 0, fmt.Errorf("item %d: %w", v, errBad)
		}
		time.Sleep(10 * time.Microsecond) // stands for some work
		handled.Add(1)
		return v, nil
	})
	slow := pipeline.Map(p, parsed, 2, func(_ context.Context, v int) (int, error) { return v, nil })
	start := time.Now()
	_, err = pipeline.Collect(p, slow)
	took := time.Since(start)
	after := lesson.Settle(before)
	say(w, "A stage failed at item %d: Collect returned %q after %s; %d of %d items were handled before "+
		"every stage stopped; goroutines: %d before, %d after.", n/2, err, lesson.Dur(took), handled.Load(), n, before, after)
	c.Check(w, errors.Is(err, errBad), "the stage's error came back from the sink")
	c.Check(w, after <= before, "no stage goroutine was left behind")
	return c.Done(w)
}
