package tame_test

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPanicErrorErrorIsOneLine(t *testing.T) {
	pe := catch.Call(func() { panic("the value") }, nil)
	if got, want := pe.Error(), "panic: the value"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := fmt.Sprint(pe); got != "panic: the value" {
		t.Errorf("fmt.Sprint(pe) = %q, want the one line of Error", got)
	}
	pe.Later = []*tame.PanicError{{Value: 1, Stack: []byte("stack of one")}, {Value: 2, Stack: []byte("stack of two")}}
	if got, want := pe.Error(), "panic: the value (and 2 later panics)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	pe.Later = pe.Later[:1]
	if got, want := pe.Error(), "panic: the value (and 1 later panic)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestPanicErrorPlusVPrintsTheStacks(t *testing.T) {
	pe := catch.Call(func() { panic("the value") }, nil)
	pe.Later = []*tame.PanicError{{Value: 2, Stack: []byte("stack of two")}}
	msg := fmt.Sprintf("%+v", pe)
	if !strings.HasPrefix(msg, "panic: the value\n") {
		t.Errorf("%%+v = %q, want it to start with the panic value", msg)
	}
	for _, want := range []string{"tame_test.TestPanicErrorPlusVPrintsTheStacks", "later panic 1 of 1: 2", "stack of two"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%%+v does not contain %q:\n%s", want, msg)
		}
	}
	if got := fmt.Sprintf("%q", pe); got != `"panic: the value (and 1 later panic)"` {
		t.Errorf("%%q = %s, want the quoted line", got)
	}
}

func TestRecover(t *testing.T) {
	pe := &tame.PanicError{Value: io.EOF}
	run := func(v any) (err error) {
		defer tame.Recover(&err)
		if v != nil {
			panic(v)
		}
		return errors.New("returned")
	}
	if err := run(pe); err != pe {
		t.Errorf("a re-raised *PanicError: err = %v, want it", err)
	}
	if err := run(nil); err == nil || err.Error() != "returned" {
		t.Errorf("no panic: err = %v, want the returned error", err)
	}
	func() {
		defer func() {
			if r := recover(); r != "not tame's" {
				t.Errorf("recover() = %v, want the other panic to go on", r)
			}
		}()
		_ = run("not tame's")
	}()
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.HasPrefix(fmt.Sprint(r), "tame: ") {
				t.Errorf("Recover(nil): recover() = %v, want a tame: panic", r)
			}
		}()
		tame.Recover(nil)
	}()
}

func TestPanicErrorUnwrap(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  error // nil: Unwrap returns nil
	}{
		{"error", io.ErrUnexpectedEOF, io.ErrUnexpectedEOF},
		{"wrapped", fmt.Errorf("read: %w", io.EOF), io.EOF},
		{"goexit", tame.ErrGoexit, tame.ErrGoexit},
		{"string", "not an error", nil},
		{"int", 42, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error = &tame.PanicError{Value: tt.value}
			if got := errors.Unwrap(err); tt.want == nil && got != nil {
				t.Errorf("Unwrap() = %v, want nil", got)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("errors.Is(err, %v) = false, want true", tt.want)
			}
		})
	}
}

func TestPanicNilIsAnError(t *testing.T) {
	pe := catch.Call(func() { panic(nil) }, nil)
	var pn *runtime.PanicNilError
	if !errors.As(pe, &pn) {
		t.Fatalf("errors.As(pe, *runtime.PanicNilError) = false for panic(nil); Value = %T", pe.Value)
	}
}

func TestErrorsAreDistinct(t *testing.T) {
	all := []error{tame.ErrClosed, tame.ErrGoexit, tame.ErrDeadlock}
	for i, a := range all {
		for j, b := range all {
			if i != j && errors.Is(a, b) {
				t.Errorf("errors.Is(%v, %v) = true, want distinct sentinels", a, b)
			}
		}
	}
	wrapped := fmt.Errorf("queue: push: %w", tame.ErrClosed)
	if !errors.Is(wrapped, tame.ErrClosed) {
		t.Error("errors.Is(wrapped ErrClosed, ErrClosed) = false")
	}
}
