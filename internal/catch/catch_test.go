package catch_test

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errBoom = errors.New("boom")

// none is empty: indexing it is a run-time error, not one the compiler sees.
var none []int

func TestCallReturns(t *testing.T) {
	ran := false
	if pe := catch.Call(func() { ran = true }, nil); pe != nil || !ran {
		t.Fatalf("Call = %v, ran = %v; want nil, true", pe, ran)
	}
}

func TestCallPanics(t *testing.T) {
	tests := []struct {
		name  string
		fn    func()
		check func(v any) bool
	}{
		{"string", func() { panic("oops") }, func(v any) bool { return v == "oops" }},
		{"error", func() { panic(errBoom) }, func(v any) bool { return v == errBoom }},
		{"nil", func() { panic(nil) }, func(v any) bool { _, ok := v.(*runtime.PanicNilError); return ok }},
		{"runtime", func() { _ = none[len(none)] }, func(v any) bool { _, ok := v.(runtime.Error); return ok }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pe := catch.Call(tt.fn, func(*tame.PanicError) { t.Error("goexit reported for a panic") })
			if pe == nil {
				t.Fatal("Call = nil, want a *tame.PanicError")
			}
			if !tt.check(pe.Value) {
				t.Errorf("Value = %#v (%T), not the panic value", pe.Value, pe.Value)
			}
			if !strings.Contains(string(pe.Stack), "catch_test.TestCallPanics") {
				t.Errorf("Stack does not show the panicking function:\n%s", pe.Stack)
			}
		})
	}
}

func TestCallPanicNilGODEBUG(t *testing.T) {
	t.Setenv("GODEBUG", "panicnil=1")
	pe := catch.Call(func() { panic(nil) }, nil)
	if pe == nil {
		t.Fatal("Call = nil after panic(nil) with panicnil=1, want a *tame.PanicError")
	}
}

// TestCallGoexit checks that Goexit is reported through goexit, before the
// goroutine ends, and that Call never returns then.
func TestCallGoexit(t *testing.T) {
	var got *tame.PanicError
	returned := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		catch.Call(func() { runtime.Goexit() }, func(pe *tame.PanicError) { got = pe })
		returned = true
	}()
	<-done
	if returned {
		t.Fatal("Call returned after Goexit")
	}
	if got == nil || got.Value != tame.ErrGoexit {
		t.Fatalf("goexit got %v, want a PanicError with Value ErrGoexit", got)
	}
	if !errors.Is(got, tame.ErrGoexit) {
		t.Error("errors.Is(pe, ErrGoexit) = false")
	}
	if !strings.Contains(string(got.Stack), "runtime.Goexit") {
		t.Errorf("Stack does not show the Goexit call:\n%s", got.Stack)
	}
}

// TestCallNoGoroutine checks that Call runs fn in the calling goroutine.
func TestCallNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	catch.Call(func() {
		if n := runtime.NumGoroutine(); n != before {
			t.Errorf("NumGoroutine inside fn = %d, want %d", n, before)
		}
	}, nil)
}

func TestCollector(t *testing.T) {
	var c catch.Collector
	if c.Err() != nil || c.First() != nil || c.Len() != 0 {
		t.Fatal("zero Collector is not empty")
	}
	const n = catch.MaxKept + 5
	var wg sync.WaitGroup
	firsts := make(chan bool, n)
	for range n {
		wg.Go(func() { firsts <- c.Add(&tame.PanicError{Value: errBoom}) })
	}
	wg.Wait()
	close(firsts)
	count := 0
	for f := range firsts {
		if f {
			count++
		}
	}
	if count != 1 {
		t.Errorf("Add reported first %d times, want 1", count)
	}
	if c.Len() != n {
		t.Errorf("Len = %d, want %d", c.Len(), n)
	}
	err := c.Err()
	if !errors.Is(err, errBoom) {
		t.Errorf("errors.Is(Err(), errBoom) = false")
	}
	if !strings.Contains(err.Error(), "5 more panics not kept") {
		t.Errorf("Err() does not count the panics not kept: %v", err)
	}
	if got := len(c.First().Later); got != catch.MaxKept-1 {
		t.Errorf("len(First().Later) = %d, want %d", got, catch.MaxKept-1)
	}
}

// BenchmarkCall measures what Call adds to a call of a tiny function, beside
// the plain call.
func BenchmarkCall(b *testing.B) {
	n := 0
	fn := func() { n++ }
	b.Run("impl=direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fn()
		}
	})
	b.Run("impl=catch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			catch.Call(fn, nil)
		}
	})
}

// TestLoop checks that Loop keeps calling body after panics, reports each
// panic, and reports a Goexit before the goroutine ends.
func TestLoop(t *testing.T) {
	items := []string{"a", "panic", "b", "nil", "c", "goexit", "never"}
	var handled []string
	var failures []any
	done := make(chan struct{})
	returned := false
	go func() {
		defer close(done)
		i := 0
		catch.Loop(func() {
			for i < len(items) {
				it := items[i]
				i++ // the position survives a panic: the failed item is not retried
				switch it {
				case "panic":
					panic(it)
				case "nil":
					panic(nil)
				case "goexit":
					runtime.Goexit()
				}
				handled = append(handled, it)
			}
		}, func(pe *tame.PanicError) { failures = append(failures, pe.Value) })
		returned = true
	}()
	<-done
	if returned {
		t.Error("Loop returned after Goexit")
	}
	if got := strings.Join(handled, ","); got != "a,b,c" {
		t.Errorf("handled %q, want %q", got, "a,b,c")
	}
	if len(failures) != 3 || failures[0] != "panic" || failures[2] != tame.ErrGoexit {
		t.Fatalf("failures = %v, want [panic, PanicNilError, ErrGoexit]", failures)
	}
	if _, ok := failures[1].(*runtime.PanicNilError); !ok {
		t.Errorf("failures[1] = %T, want *runtime.PanicNilError", failures[1])
	}
}
