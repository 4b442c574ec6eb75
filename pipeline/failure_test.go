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
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pipeline"
)

// TestErrorStopsUpstreamAndDownstream checks that a stage error stops the
// source from pulling more input and the other workers from taking more
// items: once the context is cancelled, each worker finishes at most the
// item it had taken, and the source pulls at most the one it was sending.
func TestErrorStopsUpstreamAndDownstream(t *testing.T) {
	const (
		n       = 1_000_000
		failAt  = 100
		workers = 4
	)
	base := runtime.NumGoroutine()
	var pulled, pulledLate, callsLate, sunkLate atomic.Int64
	p := pipeline.New(context.Background())
	ctx := p.Context()
	src := pipeline.FromSeq(p, func(yield func(int) bool) {
		for i := range n {
			pulled.Add(1)
			if ctx.Err() != nil {
				pulledLate.Add(1)
			}
			if !yield(i) {
				return
			}
		}
	})
	sq := pipeline.Map(p, src, workers, func(ctx context.Context, v int) (int, error) {
		if ctx.Err() != nil {
			callsLate.Add(1)
		}
		if v == failAt {
			return 0, errBoom
		}
		return v * v, nil
	})
	err := pipeline.ForEach(p, sq, func(ctx context.Context, _ int) error {
		if ctx.Err() != nil {
			sunkLate.Add(1)
		}
		return nil
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("ForEach() = %v, want %v", err, errBoom)
	}
	leaktest.Back(t, base)
	if got := callsLate.Load(); got > workers-1 {
		t.Errorf("fn called %d times after the failure, want at most %d (one per other worker)", got, workers-1)
	}
	if got := pulledLate.Load(); got > 1 {
		t.Errorf("source pulled %d items after the failure, want at most 1", got)
	}
	if got := sunkLate.Load(); got > 1 {
		t.Errorf("sink got %d results after the failure, want at most 1", got)
	}
	if got := pulled.Load(); got == n {
		t.Errorf("source pulled all %d items, want it stopped early", got)
	}
}

// TestPanicCancelsOtherStages checks that a panic in one branch stops a
// stage of another branch that waits for the context, and that Wait
// re-raises it with the original value and stack.
func TestPanicCancelsOtherStages(t *testing.T) {
	base := runtime.NumGoroutine()
	var sawCancel atomic.Bool
	started := make(chan struct{})
	p := pipeline.New(context.Background())
	waiting := pipeline.Map(p, pipeline.From(p, []int{1}), 1, func(ctx context.Context, v int) (int, error) {
		close(started)
		<-ctx.Done()
		sawCancel.Store(true)
		return 0, ctx.Err()
	})
	var pulled atomic.Int64
	failing := pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 2, func(_ context.Context, v int) (int, error) {
		if v == 10 {
			<-started
			panic(fmt.Sprintf("bad item %d", v))
		}
		return v, nil
	})
	pe := catchPanic(t, func() { _, _ = pipeline.Collect(p, pipeline.Merge(p, waiting, failing)) })
	if pe == nil {
		t.Fatal("Collect returned, want a panic")
	}
	leaktest.Back(t, base)
	if pe.Value != "bad item 10" {
		t.Errorf("PanicError.Value = %v, want %q", pe.Value, "bad item 10")
	}
	if !strings.Contains(string(pe.Stack), "TestPanicCancelsOtherStages") {
		t.Errorf("PanicError.Stack does not show the panicking function:\n%s", pe.Stack)
	}
	if !sawCancel.Load() {
		t.Error("the other branch's fn did not see the context cancelled")
	}
	// Wait re-raises the same panic every time.
	if again := catchPanic(t, func() { _ = p.Wait() }); again == nil || again.Value != pe.Value {
		t.Errorf("second Wait panicked with %v, want %v", again, pe.Value)
	}
}

func TestPanicNilAndGoexitAreFailures(t *testing.T) {
	tests := []struct {
		name  string
		fn    func()
		check func(v any) bool
	}{
		{"panic(nil)", func() { panic(nil) }, func(v any) bool { _, ok := v.(*runtime.PanicNilError); return ok }},
		{"Goexit", runtime.Goexit, func(v any) bool { return v == tame.ErrGoexit }},
		{"runtime error", func() { zero := 0; _ = 1 / zero }, func(v any) bool { _, ok := v.(runtime.Error); return ok }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pipeline.New(context.Background())
			out := pipeline.Map(p, pipeline.From(p, []int{1, 2, 3}), 2, func(context.Context, int) (int, error) {
				tt.fn()
				return 0, nil
			})
			pe := catchPanic(t, func() { _, _ = pipeline.Collect(p, out) })
			if pe == nil || !tt.check(pe.Value) {
				t.Fatalf("Collect panicked with %v, want a *tame.PanicError for %s", pe, tt.name)
			}
			if !errors.Is(context.Cause(p.Context()), context.Canceled) && context.Cause(p.Context()) == nil {
				t.Error("the pipeline's context has no cause")
			}
		})
	}
}

// TestPanicWinsOverEarlierError checks the panic policy: the first panic is
// re-raised even when a stage returned an error before it.
func TestPanicWinsOverEarlierError(t *testing.T) {
	p := pipeline.New(context.Background())
	started := make(chan struct{})
	a := pipeline.Map(p, pipeline.From(p, []int{1}), 1, func(context.Context, int) (int, error) {
		<-started
		return 0, errBoom
	})
	b := pipeline.Map(p, pipeline.From(p, []int{1}), 1, func(ctx context.Context, _ int) (int, error) {
		close(started)
		<-ctx.Done() // after the error
		panic("late panic")
	})
	pe := catchPanic(t, func() { _, _ = pipeline.Collect(p, pipeline.Merge(p, a, b)) })
	if pe == nil || pe.Value != "late panic" {
		t.Fatalf("Collect panicked with %v, want the late panic", pe)
	}
	if cause := context.Cause(p.Context()); !errors.Is(cause, errBoom) {
		t.Errorf("Cause(Context()) = %v, want the first failure, %v", cause, errBoom)
	}
}

func TestLaterPanicsAreKept(t *testing.T) {
	const workers = 4
	p := pipeline.New(context.Background())
	var started sync.WaitGroup
	started.Add(workers)
	out := pipeline.Map(p, pipeline.From(p, make([]int, workers)), workers, func(context.Context, int) (int, error) {
		started.Done()
		started.Wait() // every worker holds an item: all of them panic
		panic(errBoom)
	})
	pe := catchPanic(t, func() { _ = pipeline.ForEach(p, out, func(context.Context, int) error { return nil }) })
	if pe == nil || len(pe.Later) != workers-1 {
		t.Fatalf("panic = %v, want one with %d later panics", pe, workers-1)
	}
	if !errors.Is(pe, errBoom) {
		t.Errorf("errors.Is(PanicError, errBoom) = false")
	}
}

func TestSinkPanicWaitsForStages(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pipeline.New(context.Background())
	var pulled atomic.Int64
	sq := pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 2, square)
	pe := catchPanic(t, func() {
		_ = pipeline.ForEach(p, sq, func(_ context.Context, v int) error {
			if v == 25 {
				panic("sink")
			}
			return nil
		})
	})
	if pe == nil || pe.Value != "sink" {
		t.Fatalf("ForEach panicked with %v, want the sink's panic", pe)
	}
	leaktest.Back(t, base)
}

// TestSinkGoexit checks that a sink whose fn calls runtime.Goexit (as
// t.FailNow does) stops the pipeline and waits for its stages before its
// goroutine ends, and that Wait then reports it.
func TestSinkGoexit(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pipeline.New(context.Background())
	var pulled atomic.Int64
	src := pipeline.FromSeq(p, count(1_000_000, &pulled))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = pipeline.ForEach(p, src, func(context.Context, int) error {
			runtime.Goexit()
			return nil
		})
	}()
	<-done
	leaktest.Back(t, base)
	pe := catchPanic(t, func() { _ = p.Wait() })
	if pe == nil || pe.Value != tame.ErrGoexit {
		t.Fatalf("Wait panicked with %v, want a PanicError for ErrGoexit", pe)
	}
}

// TestSinkGoexitWaitsForAStage checks that the goroutine of a sink whose fn
// calls runtime.Goexit does not end while a stage still runs: it stops the
// pipeline, then waits there for the stage to return.
func TestSinkGoexitWaitsForAStage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		started, release := make(chan struct{}), make(chan struct{})
		p := pipeline.New(context.Background())
		// A stage the sink does not read from: draining its input does not
		// wait for this one.
		_ = pipeline.Generate(p, func(ctx context.Context, _ func(int) bool) error {
			close(started)
			<-ctx.Done() // stopped by the Goexit
			<-release
			return nil
		})
		src := pipeline.From(p, []int{1, 2, 3})
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = pipeline.ForEach(p, src, func(context.Context, int) error {
				<-started
				runtime.Goexit()
				return nil
			})
		}()
		synctest.Wait() // Generate waits for release; the sink's goroutine, for Generate
		select {
		case <-done:
			t.Fatal("the sink's goroutine ended while a stage still ran")
		default:
		}
		close(release)
		<-done
		pe := catchPanic(t, func() { _ = p.Wait() })
		if pe == nil || pe.Value != tame.ErrGoexit {
			t.Fatalf("Wait panicked with %v, want a PanicError for ErrGoexit", pe)
		}
	})
}

// TestAllWorkersFailAtOnce checks that workers that all fail together do not
// leave the feeder (or the source) blocked, also when the input is never
// closed.
func TestAllWorkersFailAtOnce(t *testing.T) {
	for _, ordered := range []bool{false, true} {
		t.Run(fmt.Sprintf("ordered=%v", ordered), func(t *testing.T) {
			base := runtime.NumGoroutine()
			in := make(chan int) // never closed
			feed := make(chan struct{})
			go func() {
				defer close(feed)
				for i := 0; ; i++ {
					select {
					case in <- i:
					case <-time.After(100 * time.Millisecond):
						return // the pipeline stopped taking items
					}
				}
			}()
			watchdog(t, func() {
				p := pipeline.New(context.Background())
				fail := func(context.Context, int) (int, error) { return 0, errBoom }
				var out <-chan int
				if ordered {
					out = pipeline.OrderedMap(p, in, 8, fail)
				} else {
					out = pipeline.Map(p, in, 8, fail)
				}
				if _, err := pipeline.Collect(p, out); !errors.Is(err, errBoom) {
					t.Errorf("Collect() error = %v, want %v", err, errBoom)
				}
			})
			<-feed
			leaktest.Back(t, base)
		})
	}
}

// TestFailureWithBlockedUpstream: a stage that fails while the stages before
// it wait to send to it (their buffers full) does not leave them blocked,
// whatever the way it fails and whichever stage it is; Wait returns or
// re-panics, and no goroutine is left.
func TestFailureWithBlockedUpstream(t *testing.T) {
	fail := map[string]func(){
		"error":  nil,
		"panic":  func() { panic(errBoom) },
		"Goexit": runtime.Goexit,
	}
	stages := map[string]func(p *pipeline.Pipeline, in <-chan int, f func(int) error) <-chan int{
		"Map": func(p *pipeline.Pipeline, in <-chan int, f func(int) error) <-chan int {
			return pipeline.Map(p, in, 2, func(_ context.Context, v int) (int, error) { return v, f(v) })
		},
		"OrderedMap": func(p *pipeline.Pipeline, in <-chan int, f func(int) error) <-chan int {
			return pipeline.OrderedMap(p, in, 3, func(_ context.Context, v int) (int, error) { return v, f(v) })
		},
		"FlatMap": func(p *pipeline.Pipeline, in <-chan int, f func(int) error) <-chan int {
			return pipeline.FlatMap(p, in, 1, func(_ context.Context, v int) ([]int, error) { return []int{v}, f(v) })
		},
		"ForEach": func(p *pipeline.Pipeline, in <-chan int, f func(int) error) <-chan int {
			_ = pipeline.ForEach(p, in, func(_ context.Context, v int) error { return f(v) })
			return nil
		},
		"All": func(p *pipeline.Pipeline, in <-chan int, f func(int) error) <-chan int {
			for v := range pipeline.All(p, in) {
				if err := f(v); err != nil {
					break
				}
			}
			return nil
		},
	}
	for fname, how := range fail {
		for sname, stage := range stages {
			t.Run(sname+"/"+fname, func(t *testing.T) {
				base := runtime.NumGoroutine()
				watchdog(t, func() {
					p := pipeline.New(context.Background())
					var pulled atomic.Int64
					in := pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 1, square)
					f := func(v int) error {
						if v < 100*100 {
							return nil
						}
						if how != nil {
							how()
						}
						return errBoom
					}
					done := make(chan struct{})
					go func() { // a goroutine of its own: Goexit may end it
						defer close(done)
						defer func() { _ = recover() }()
						if out := stage(p, in, f); out != nil {
							_ = pipeline.ForEach(p, out, func(context.Context, int) error { return nil })
						}
					}()
					<-done
					pe := catchPanic(t, func() { _ = p.Wait() })
					if fname == "error" && pe != nil {
						t.Errorf("Wait panicked with %v, want an error", pe)
					}
					if fname != "error" && sname != "All" && pe == nil {
						t.Errorf("Wait() returned, want a re-panic of the %s", fname)
					}
				})
				leaktest.Back(t, base)
			})
		}
	}
}

// TestStopWhileStagesStart: a failure that lands while the goroutines of a
// stage are starting (some run, some see the pipeline stopped and run
// nothing) leaves none of them waiting for the others.
func TestStopWhileStagesStart(t *testing.T) {
	base := runtime.NumGoroutine()
	fail := func(context.Context, int) (int, error) { return 0, errBoom }
	for range 300 {
		p := pipeline.New(context.Background())
		failing := pipeline.Map(p, pipeline.From(p, ints(10)), 1, fail)
		out := pipeline.OrderedMap(p, pipeline.Merge(p, failing, pipeline.From(p, ints(100))), 4, square)
		out = pipeline.FlatMap(p, out, 3, func(_ context.Context, v int) ([]int, error) { return []int{v}, nil })
		watchdog(t, func() {
			if _, err := pipeline.Collect(p, out); err != errBoom {
				t.Errorf("Collect() error = %v, want %v", err, errBoom)
			}
		})
	}
	leaktest.Back(t, base)
}
