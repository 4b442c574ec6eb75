package tame

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by Push, Submit, Tell and the other calls that hand
// work to a component once that component is closed or stopped. Test for it
// with errors.Is: packages may wrap it with more context.
var ErrClosed = errors.New("tame: closed")

// ErrGoexit is the Value of the [PanicError] that reports a task, handler or
// receive function that called [runtime.Goexit]. Goexit ends the goroutine
// without a panic value; tame treats it as a failure, never as success.
var ErrGoexit = errors.New("tame: runtime.Goexit called")

// A PanicError reports a panic (or a call to [runtime.Goexit]) recovered in a
// goroutine that tame owns, so that it can be returned or re-raised in the
// goroutine of the caller that owns the work.
//
// Value is the value passed to panic: a [*runtime.PanicNilError] for
// panic(nil), and [ErrGoexit] for runtime.Goexit. Stack is the stack of the
// goroutine that panicked, captured where the panic was recovered, so it shows
// the frames that led to the panic, not the ones that re-raised it.
//
// When several tasks of one scope panic, the first PanicError is the one
// reported; the later ones are kept in Later (in the order they were
// recovered, at most a few dozen) so that none is lost in silence.
type PanicError struct {
	Value any
	Stack []byte
	Later []*PanicError
}

// Error returns the panic value and the stack of the goroutine that panicked,
// followed by a count of the later panics of the same scope, if any.
func (e *PanicError) Error() string {
	s := fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
	if n := len(e.Later); n > 0 {
		s += fmt.Sprintf("\n(and %d later panics in the same scope)", n)
	}
	return s
}

// Unwrap returns Value when it is an error, so that errors.Is and errors.As
// see through a PanicError to the error that was passed to panic; it returns
// nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
