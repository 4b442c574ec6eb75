package pipeline_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pipeline"
)

// upToGen yields 0..n-1 and returns err; it stops when yield reports false.
func upToGen(n int, err error) func(context.Context, func(int) bool) error {
	return func(_ context.Context, yield func(int) bool) error {
		for i := range n {
			if !yield(i) {
				return nil
			}
		}
		return err
	}
}

func TestGenerateToTheEnd(t *testing.T) {
	p := pipeline.New(context.Background())
	got, err := pipeline.Collect(p, pipeline.Generate(p, upToGen(1000, nil)))
	if err != nil || !slices.Equal(got, ints(1000)) {
		t.Fatalf("Collect() = %d items, %v; want 0..999 in order, nil", len(got), err)
	}
	if st := p.Stats()[0]; st != (pipeline.StageStats{Name: "Generate", In: 1000, Out: 1000}) {
		t.Errorf("Stats()[0] = %+v, want Generate with In and Out 1000", st)
	}
}

// TestGenerateErrorStopsThePipeline: gen's error is what the sink returns,
// the items before it arrive in order, and the stages downstream stop.
func TestGenerateErrorStopsThePipeline(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pipeline.New(context.Background())
	lines := pipeline.Generate(p, upToGen(10, errBoom))
	got, err := pipeline.Collect(p, pipeline.Map(p, lines, 3, square))
	if !errors.Is(err, errBoom) {
		t.Fatalf("Collect() error = %v, want %v", err, errBoom)
	}
	if len(got) > 10 {
		t.Errorf("Collect() = %v, want at most the 10 items yielded", got)
	}
	if cause := context.Cause(p.Context()); cause != errBoom {
		t.Errorf("Cause(Context()) = %v, want %v", cause, errBoom)
	}
	leaktest.Back(t, base)
}

// TestGenerateErrorAfterStop: a gen that returns an error after the
// pipeline stopped for another reason (here a stage error; a reader closed
// by the stop, typically) does not replace the first cause, and Wait waits
// for gen to return.
func TestGenerateErrorAfterStop(t *testing.T) {
	for _, yieldAfter := range []bool{false, true} {
		name := "returns"
		if yieldAfter {
			name = "yields then returns"
		}
		t.Run(name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			var returned, yieldedAfter atomic.Bool
			p := pipeline.New(context.Background())
			src := pipeline.Generate(p, func(ctx context.Context, yield func(int) bool) error {
				defer returned.Store(true)
				for i := 0; ctx.Err() == nil; i++ {
					yield(i)
				}
				if yieldAfter && yield(-1) {
					yieldedAfter.Store(true)
				}
				for range 100 {
					runtime.Gosched() // slow to return: Wait must wait
				}
				return errors.New("read on a closed reader")
			})
			out := pipeline.Map(p, src, 2, func(_ context.Context, v int) (int, error) {
				if v == 50 {
					return 0, errBoom
				}
				return v, nil
			})
			if err := pipeline.ForEach(p, out, func(context.Context, int) error { return nil }); err != errBoom {
				t.Fatalf("ForEach() = %v, want the first cause %v", err, errBoom)
			}
			if !returned.Load() {
				t.Error("ForEach returned before gen did")
			}
			if yieldedAfter.Load() {
				t.Error("yield reported true after the pipeline stopped")
			}
			leaktest.Back(t, base)
		})
	}
}

// TestGenerateIgnoresFalse: a gen that keeps calling yield after it reported
// false sends nothing more, gets false every time, and does not hold up the
// break out of All beyond its own return.
func TestGenerateIgnoresFalse(t *testing.T) {
	base := runtime.NumGoroutine()
	var trueAfterFalse, calls atomic.Int64
	p := pipeline.New(context.Background())
	src := pipeline.Generate(p, func(_ context.Context, yield func(int) bool) error {
		refused := false
		for i := range 100_000 {
			calls.Add(1)
			ok := yield(i)
			if refused && ok {
				trueAfterFalse.Add(1)
			}
			refused = refused || !ok
		}
		return nil
	})
	var got []int
	for v := range pipeline.All(p, src) {
		if got = append(got, v); len(got) == 3 {
			break
		}
	}
	if err := p.Wait(); err != nil {
		t.Fatalf("Wait() after break = %v, want nil", err)
	}
	if !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("got %v, want [0 1 2]", got)
	}
	if n := trueAfterFalse.Load(); n != 0 {
		t.Errorf("yield reported true %d times after reporting false", n)
	}
	if n := calls.Load(); n != 100_000 {
		t.Errorf("gen called yield %d times, want 100000: All waits for gen to return", n)
	}
	st := p.Stats()[0]
	if st.Out > 3+64+1 || st.Running != 0 {
		t.Errorf("Stats()[0] = %+v, want at most what the buffer holds past the break sent, nothing running", st)
	}
	leaktest.Back(t, base)
}

func TestGeneratePanics(t *testing.T) {
	tests := []struct {
		name  string
		gen   func(context.Context, func(int) bool) error
		check func(v any) bool
	}{
		{"panic", func(_ context.Context, yield func(int) bool) error {
			yield(1)
			panic("gen")
		}, func(v any) bool { return v == "gen" }},
		{"panic(nil)", func(context.Context, func(int) bool) error {
			panic(nil)
		}, func(v any) bool { _, ok := v.(*runtime.PanicNilError); return ok }},
		{"Goexit", func(_ context.Context, yield func(int) bool) error {
			yield(1)
			runtime.Goexit()
			return nil
		}, func(v any) bool { return v == tame.ErrGoexit }},
		{"error wrapped in panic", func(context.Context, func(int) bool) error {
			panic(errBoom)
		}, func(v any) bool { return v == errBoom }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := runtime.NumGoroutine()
			p := pipeline.New(context.Background())
			var pulled atomic.Int64
			// Another branch that would run for a long time: the panic stops it.
			other := pipeline.Map(p, pipeline.FromSeq(p, count(1_000_000, &pulled)), 2, square)
			merged := pipeline.Merge(p, pipeline.Map(p, pipeline.Generate(p, tt.gen), 1, square), other)
			pe := catchPanic(t, func() { _, _ = pipeline.Collect(p, merged) })
			if pe == nil || !tt.check(pe.Value) {
				t.Fatalf("Collect panicked with %v, want the PanicError of gen", pe)
			}
			leaktest.Back(t, base)
			if again := catchPanic(t, func() { _ = p.Wait() }); again == nil || again.Value != pe.Value {
				t.Errorf("Wait() panicked with %v, want %v again", again, pe.Value)
			}
		})
	}
}

// TestGenerateYieldAfterReturn: a yield kept past gen's return panics with
// a message instead of sending on a closed channel.
func TestGenerateYieldAfterReturn(t *testing.T) {
	var kept func(int) bool
	p := pipeline.New(context.Background())
	src := pipeline.Generate(p, func(_ context.Context, yield func(int) bool) error {
		kept = yield
		return nil
	})
	if got, err := pipeline.Collect(p, src); len(got) != 0 || err != nil {
		t.Fatalf("Collect() = %v, %v; want [], nil", got, err)
	}
	defer func() {
		if v, _ := recover().(string); v != "pipeline: Generate: yield called after gen returned" {
			t.Errorf("yield after return panicked with %q, want the Generate message", v)
		}
	}()
	kept(1)
}

// blockingReader is a connection that delivers lines, then blocks in Read
// until it is closed.
type blockingReader struct {
	lines  *strings.Reader
	closed chan struct{}
}

func (r *blockingReader) Read(b []byte) (int, error) {
	if r.lines.Len() > 0 {
		return r.lines.Read(b)
	}
	<-r.closed
	return 0, io.ErrClosedPipe
}

func (r *blockingReader) Close() error { close(r.closed); return nil }

// TestGenerateBreakUnblocksRead: a break out of All stops the pipeline; the
// source, blocked in a Read that does not watch the context, returns because
// context.AfterFunc closes the reader, and the loop ends.
func TestGenerateBreakUnblocksRead(t *testing.T) {
	base := runtime.NumGoroutine()
	conn := &blockingReader{lines: strings.NewReader("a\nb\nc\n"), closed: make(chan struct{})}
	p := pipeline.New(context.Background())
	lines := pipeline.Generate(p, scanLines(conn))
	var got []string
	watchdog(t, func() {
		for line := range pipeline.All(p, lines) {
			if got = append(got, line); line == "c" {
				break
			}
		}
	})
	if err := p.Wait(); err != nil {
		t.Fatalf("Wait() = %v, want nil: the read error came after the break", err)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("got %q, want [a b c]", got)
	}
	leaktest.Back(t, base)
}

// scanLines is the source the package doc describes: it closes r once the
// pipeline stops and returns the scanner's error.
func scanLines(r io.ReadCloser) func(context.Context, func(string) bool) error {
	return func(ctx context.Context, yield func(string) bool) error {
		stop := context.AfterFunc(ctx, func() { r.Close() })
		defer stop()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if !yield(sc.Text()) {
				return nil
			}
		}
		return sc.Err()
	}
}

// TestGenerateParentCancelled: a gen that returns its context's error once
// the parent context is cancelled leaves the parent's cause as the result.
func TestGenerateParentCancelled(t *testing.T) {
	base := runtime.NumGoroutine()
	cause := errors.New("shutting down")
	ctx, cancel := context.WithCancelCause(context.Background())
	p := pipeline.New(ctx)
	src := pipeline.Generate(p, func(ctx context.Context, yield func(int) bool) error {
		for i := 0; ; i++ {
			if i == 100 {
				cancel(cause)
			}
			if !yield(i) {
				return ctx.Err()
			}
		}
	})
	err := pipeline.ForEach(p, src, func(context.Context, int) error { return nil })
	if err != cause {
		t.Fatalf("ForEach() = %v, want the parent's cause %v", err, cause)
	}
	leaktest.Back(t, base)
}
