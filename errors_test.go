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

func TestPanicErrorError(t *testing.T) {
	pe := catch.Call(func() { panic("the value") }, nil)
	msg := pe.Error()
	if !strings.HasPrefix(msg, "panic: the value\n") {
		t.Errorf("Error() = %q, want it to start with the panic value", msg)
	}
	if !strings.Contains(msg, "tame_test.TestPanicErrorError") {
		t.Errorf("Error() does not show the stack of the panic:\n%s", msg)
	}
	pe.Later = []*tame.PanicError{{Value: 1}, {Value: 2}}
	if !strings.Contains(pe.Error(), "and 2 later panics") {
		t.Errorf("Error() does not count the later panics:\n%s", pe.Error())
	}
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
	if errors.Is(tame.ErrClosed, tame.ErrGoexit) || errors.Is(tame.ErrGoexit, tame.ErrClosed) {
		t.Error("ErrClosed and ErrGoexit match each other")
	}
	wrapped := fmt.Errorf("queue: push: %w", tame.ErrClosed)
	if !errors.Is(wrapped, tame.ErrClosed) {
		t.Error("errors.Is(wrapped ErrClosed, ErrClosed) = false")
	}
}
