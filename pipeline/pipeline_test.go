package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pipeline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errBoom = errors.New("boom")

// catchPanic runs fn and returns the *tame.PanicError it panicked with, or
// nil when it returned. Any other panic value fails the test.
func catchPanic(t *testing.T, fn func()) (pe *tame.PanicError) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			var ok bool
			if pe, ok = v.(*tame.PanicError); !ok {
				t.Fatalf("panicked with %T %v, want a *tame.PanicError", v, v)
			}
		}
	}()
	fn()
	return nil
}

// watchdog fails the test when fn has not returned within a generous time:
// what it guards against is a hang, not slowness.
func watchdog(t *testing.T, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		buf := make([]byte, 1<<20)
		t.Fatalf("still running after 20s (wedged?); goroutines:\n%s", buf[:runtime.Stack(buf, true)])
	}
}

// count returns 0..n-1 as a sequence and counts how many values were pulled.
func count(n int, pulled *atomic.Int64) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			pulled.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

func TestEmptyPipelineWaitsForNothing(t *testing.T) {
	p := pipeline.New(context.Background())
	for range 2 {
		if err := p.Wait(); err != nil {
			t.Fatalf("Wait() = %v, want nil", err)
		}
	}
	if err := p.Context().Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Context().Err() after Wait = %v, want context.Canceled", err)
	}
}

func TestGenerateSquareSum(t *testing.T) {
	p := pipeline.New(context.Background())
	sq := pipeline.Map(p, pipeline.From(p, []int{1, 2, 3, 4}), 2, square)
	sum, err := pipeline.Reduce(p, sq, 0, func(a, v int) int { return a + v })
	if sum != 30 || err != nil {
		t.Fatalf("Reduce = %d, %v; want 30, nil", sum, err)
	}
}

// TestConsumerStopsEarly: a consumer that reads 3 of 1000 results by hand,
// then cancels, leaves no goroutine behind.
func TestConsumerStopsEarly(t *testing.T) {
	for _, ordered := range []bool{false, true} {
		t.Run(fmt.Sprintf("ordered=%v", ordered), func(t *testing.T) {
			base := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			p := pipeline.New(ctx)
			out := pipeline.Map(p, pipeline.From(p, make([]int, 1000)), 4, square)
			if ordered {
				out = pipeline.OrderedMap(p, out, 4, square)
			}
			for range 3 {
				<-out
			}
			cancel()
			if err := p.Wait(); !errors.Is(err, context.Canceled) {
				t.Fatalf("Wait() = %v, want context.Canceled", err)
			}
			leaktest.Back(t, base)
		})
	}
}

// TestConsumerNeverReads: nothing reads the output; cancelling the parent
// context ends every stage, blocked as they are on full channels.
func TestConsumerNeverReads(t *testing.T) {
	base := runtime.NumGoroutine()
	cause := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	p := pipeline.New(ctx)
	var pulled atomic.Int64
	out := pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 3, square)
	_ = pipeline.Batch(p, out, 10, time.Hour)
	cancel(cause)
	if err := p.Wait(); err != cause {
		t.Fatalf("Wait() = %v, want the parent's cause %v", err, cause)
	}
	leaktest.Back(t, base)
}

// TestParentDoneRunsNothing: a pipeline made with a context that is already
// done stops at once with the context's cause: no stage function, source or
// sink function runs, every output is closed, and Wait returns the cause.
func TestParentDoneRunsNothing(t *testing.T) {
	base := runtime.NumGoroutine()
	cause := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	var calls atomic.Int64
	call := func(string) { calls.Add(1) }
	p := pipeline.New(ctx)
	seq := pipeline.FromSeq(p, func(yield func(int) bool) {
		call("FromSeq")
		yield(1)
	})
	gen := pipeline.Generate(p, func(_ context.Context, yield func(int) bool) error {
		call("Generate")
		yield(1)
		return nil
	})
	fn := func(_ context.Context, v int) (int, error) { call("fn"); return v, nil }
	mapped := pipeline.Map(p, pipeline.From(p, ints(10)), 2, fn)
	ordered := pipeline.OrderedMap(p, seq, 3, fn)
	flat := pipeline.FlatMap(p, gen, 2, func(_ context.Context, v int) ([]int, error) { call("FlatMap"); return []int{v}, nil })
	kept := pipeline.Filter(p, mapped, func(int) bool { call("Filter"); return true })
	copies := pipeline.Broadcast(p, pipeline.Batch(p, kept, 2, time.Second), 2)
	sum, err := pipeline.Reduce(p, pipeline.Merge(p, ordered, flat), 0, func(a, v int) int { call("Reduce"); return a + v })
	if sum != 0 || err != cause {
		t.Errorf("Reduce() = %d, %v; want 0, the parent's cause %v", sum, err, cause)
	}
	for i, c := range copies {
		if _, ok := <-c; ok {
			t.Errorf("Broadcast output %d delivered an item, want it closed", i)
		}
	}
	pipelines := []*pipeline.Pipeline{p}
	newP := func() *pipeline.Pipeline {
		q := pipeline.New(ctx)
		pipelines = append(pipelines, q)
		return q
	}
	q := newP()
	if err := pipeline.ForEach(q, pipeline.From(q, ints(3)), func(context.Context, int) error { call("ForEach"); return nil }); err != cause {
		t.Errorf("ForEach() = %v, want %v", err, cause)
	}
	q = newP()
	if got, err := pipeline.Collect(q, pipeline.From(q, []int{1, 2, 3})); len(got) != 0 || err != cause {
		t.Errorf("Collect() = %v, %v; want [], %v", got, err, cause)
	}
	q = newP()
	for range pipeline.All(q, pipeline.From(q, ints(3))) {
		call("All")
	}
	if err := q.Wait(); err != cause {
		t.Errorf("Wait() after All = %v, want %v", err, cause)
	}
	if err := newP().Wait(); err != cause {
		t.Errorf("Wait() of an empty pipeline = %v, want %v", err, cause)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d calls of stage or sink functions, want none", n)
	}
	for _, q := range pipelines {
		for _, st := range q.Stats() {
			if st.In != 0 || st.Out != 0 || st.Running != 0 {
				t.Errorf("Stats: %+v, want nothing taken", st)
			}
		}
	}
	leaktest.Back(t, base)
}

// TestNoStageCodeAfterWait checks that Wait is synchronous: once it has
// returned, no stage function is running or starts.
func TestNoStageCodeAfterWait(t *testing.T) {
	var running, calls atomic.Int64
	p := pipeline.New(context.Background())
	var pulled atomic.Int64
	out := pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 4, func(_ context.Context, v int) (int, error) {
		running.Add(1)
		defer running.Add(-1)
		calls.Add(1)
		runtime.Gosched()
		if v == 500 {
			return 0, errBoom
		}
		return v, nil
	})
	if err := pipeline.ForEach(p, out, func(context.Context, int) error { return nil }); !errors.Is(err, errBoom) {
		t.Fatalf("ForEach() = %v, want %v", err, errBoom)
	}
	after := calls.Load()
	for range 100 {
		runtime.Gosched()
	}
	if r, c := running.Load(), calls.Load(); r != 0 || c != after {
		t.Fatalf("after Wait: %d fn running, %d calls (was %d); want 0 running and no new call", r, c, after)
	}
}

func TestWaitConcurrentSameResult(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.Map(p, pipeline.From(p, []int{1, 2, 3}), 1, func(context.Context, int) (int, error) { return 0, errBoom })
	_ = out
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = p.Wait() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != errBoom {
			t.Errorf("Wait() #%d = %v, want %v", i, err, errBoom)
		}
	}
}

func TestMisusePanics(t *testing.T) {
	p := pipeline.New(context.Background())
	in := make(chan int)
	id := func(_ context.Context, v int) (int, error) { return v, nil }
	tests := []struct {
		name string
		call func()
		want string
	}{
		//lint:ignore SA1012 the misuse under test
		{"New nil ctx", func() { pipeline.New(nil) }, "pipeline: New: nil context"},
		{"zero Pipeline", func() { (&pipeline.Pipeline{}).Context() }, "pipeline: nil or zero Pipeline"},
		{"Buffered -1", func() { p.Buffered(-1) }, "pipeline: Buffered: n must be at least 0, got -1"},
		{"Map workers 0", func() { pipeline.Map(p, in, 0, id) }, "pipeline: Map: workers must be at least 1, got 0"},
		{"Map nil fn", func() { pipeline.Map[int, int](p, in, 1, nil) }, "pipeline: Map: fn must not be nil"},
		{"Map nil in", func() { pipeline.Map(p, nil, 1, id) }, "pipeline: Map: nil input channel"},
		{"OrderedMap workers -1", func() { pipeline.OrderedMap(p, in, -1, id) }, "pipeline: OrderedMap: workers must be at least 1, got -1"},
		{"OrderedMap nil fn", func() { pipeline.OrderedMap[int, int](p, in, 2, nil) }, "pipeline: OrderedMap: fn must not be nil"},
		{"FlatMap nil fn", func() { pipeline.FlatMap[int, int](p, in, 1, nil) }, "pipeline: FlatMap: fn must not be nil"},
		{"Filter nil keep", func() { pipeline.Filter(p, in, nil) }, "pipeline: Filter: keep must not be nil"},
		{"Batch size 0", func() { pipeline.Batch(p, in, 0, time.Second) }, "pipeline: Batch: size must be at least 1, got 0"},
		{"Broadcast n 0", func() { pipeline.Broadcast(p, in, 0) }, "pipeline: Broadcast: n must be at least 1, got 0"},
		{"FromSeq nil", func() { pipeline.FromSeq[int](p, nil) }, "pipeline: FromSeq: seq must not be nil"},
		{"Generate nil", func() { pipeline.Generate[int](p, nil) }, "pipeline: Generate: gen must not be nil"},
		{"Merge nil input", func() { pipeline.Merge(p, in, nil) }, "pipeline: Merge: input 1 is a nil channel"},
		{"ForEach nil fn", func() { _ = pipeline.ForEach[int](p, in, nil) }, "pipeline: ForEach: fn must not be nil"},
		{"Reduce nil fn", func() { _, _ = pipeline.Reduce[int, int](p, in, 0, nil) }, "pipeline: Reduce: fn must not be nil"},
		{"All nil in", func() { pipeline.All[int](p, nil) }, "pipeline: All: nil input channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				v := recover()
				if s, _ := v.(string); !strings.HasPrefix(s, tt.want) {
					t.Errorf("panic = %v, want %q", v, tt.want)
				}
			}()
			tt.call()
		})
	}
	if err := p.Wait(); err != nil {
		t.Fatalf("Wait() = %v, want nil: no misused call may start a stage", err)
	}
	func() {
		defer func() {
			if v, _ := recover().(string); !strings.HasPrefix(v, "pipeline: Map called after Wait") {
				t.Errorf("Map after Wait panicked with %q, want \"pipeline: Map called after Wait ...\"", v)
			}
		}()
		pipeline.Map(p, in, 1, id)
	}()
}
