package pool_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

var errTaskValue = errors.New("a task panicked with this error")

// panicValueCases are the values a task can fail with, and how a caller
// finds each in the error a Pool's Close returns or in the *tame.PanicError
// a Group's Wait re-panics with.
var panicValueCases = []struct {
	name  string
	do    func()
	found func(err error) bool
}{
	{"error value", func() { panic(errTaskValue) }, func(err error) bool { return errors.Is(err, errTaskValue) }},
	{"wrapped error value", func() { panic(errors.Join(errors.New("context"), errTaskValue)) }, func(err error) bool { return errors.Is(err, errTaskValue) }},
	{"nil", func() { panic(nil) }, func(err error) bool { _, ok := errors.AsType[*runtime.PanicNilError](err); return ok }},
	{"Goexit", runtime.Goexit, func(err error) bool { return errors.Is(err, tame.ErrGoexit) }},
	{"string", func() { panic("boom") }, func(err error) bool {
		pe, ok := errors.AsType[*tame.PanicError](err)
		return ok && pe.Value == "boom"
	}},
}

// TestPoolPanicValuesReachCloseAndOnPanic: every panic of a task is given to
// OnPanic as a *tame.PanicError, at once, and Close returns errors.Join of
// the same values, in which errors.Is and errors.As find what the task
// panicked with; Stats counts each as Failed.
func TestPoolPanicValuesReachCloseAndOnPanic(t *testing.T) {
	for _, tc := range panicValueCases {
		t.Run(tc.name, func(t *testing.T) {
			var told []*tame.PanicError
			p := pool.NewPool(1, pool.OnPanic(func(pe *tame.PanicError) { told = append(told, pe) }))
			const n = 3
			for range n {
				if err := p.Submit(context.Background(), tc.do); err != nil {
					t.Fatal(err)
				}
				if err := p.Submit(context.Background(), func() {}); err != nil {
					t.Fatal(err)
				}
			}
			err := p.Close()
			if len(told) != n {
				t.Fatalf("OnPanic was told of %d panics, want %d", len(told), n)
			}
			for _, pe := range told {
				if !tc.found(pe) {
					t.Errorf("OnPanic got %v: the task's value is not found in it", pe)
				}
			}
			if !tc.found(err) {
				t.Errorf("Close() = %v: the task's value is not found in it", err)
			}
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok || len(joined.Unwrap()) != n {
				t.Fatalf("Close() = %#v, want errors.Join of %d *tame.PanicError", err, n)
			}
			for i, e := range joined.Unwrap() {
				if e != error(told[i]) {
					t.Errorf("Close()'s error #%d is %v, want the value OnPanic got: %v", i, e, told[i])
				}
			}
			if again := p.Close(); again != err {
				t.Errorf("second Close() = %v, want the same value as the first", again)
			}
			if s := p.Stats(); s.Submitted != 2*n || s.Failed != n || s.Completed != n {
				t.Errorf("Stats() = %+v, want Submitted %d, Failed %d, Completed %d", s, 2*n, n, n)
			}
		})
	}
}

// TestGroupPanicValuesReachWait: Wait re-panics a *tame.PanicError in which
// errors.Is and errors.As find what the first task panicked with, with the
// later panics in Later.
func TestGroupPanicValuesReachWait(t *testing.T) {
	for _, tc := range panicValueCases {
		t.Run(tc.name, func(t *testing.T) {
			g := pool.NewGroup(context.Background(), 1)
			// The tasks wait until all three are accepted: a task that
			// panicked before the next Go would make it refuse.
			gate := make(chan struct{})
			for range 3 {
				g.Go(func(context.Context) error { <-gate; tc.do(); return nil })
			}
			close(gate)
			var err error
			func() {
				defer tame.Recover(&err)
				err = g.Wait()
			}()
			pe, ok := errors.AsType[*tame.PanicError](err)
			if !ok {
				t.Fatalf("Wait() = %v, want a re-panicked *tame.PanicError", err)
			}
			if !tc.found(pe) {
				t.Errorf("Wait() re-panicked %v: the task's value is not found in it", pe)
			}
			// The tasks accepted before the panic still run, and panic too.
			if len(pe.Later) != 2 {
				t.Errorf("Wait() re-panicked with %d later panics, want 2", len(pe.Later))
			}
			for _, later := range pe.Later {
				if !tc.found(later) {
					t.Errorf("later panic %v: the task's value is not found in it", later)
				}
			}
			if ctxErr := context.Cause(g.Context()); ctxErr == nil || !tc.found(ctxErr) {
				t.Errorf("context.Cause(g.Context()) = %v, want the panic", ctxErr)
			}
		})
	}
}
