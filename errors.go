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

// ErrDeadlock is returned, wrapped with the detail of the call, by every call
// that tame can tell would wait forever: an actor that asks itself or asks
// around a cycle, a handler or task that pushes to its own full queue or
// pool, an actor that tells its own full mailbox, and a Close, Stop or
// Shutdown called from inside the component it would wait for. Test for it
// with errors.Is.
var ErrDeadlock = errors.New("tame: deadlock")

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
//
// A PanicError formats on one line with %v and %s (see [PanicError.Error]);
// %+v adds the stack of every panic it holds.
type PanicError struct {
	Value any
	Stack []byte
	Later []*PanicError
}

// Error returns one line: "panic: " and the panic value, followed by a count
// of the later panics of the same scope, if any. The stack is in Stack, and
// printed by the %+v verb.
func (e *PanicError) Error() string {
	s := fmt.Sprintf("panic: %v", e.Value)
	if n := len(e.Later); n == 1 {
		s += " (and 1 later panic)"
	} else if n > 1 {
		s += fmt.Sprintf(" (and %d later panics)", n)
	}
	return s
}

// Format implements [fmt.Formatter]: %v and %s print [PanicError.Error],
// %q quotes it, and %+v prints it followed by the stack of the goroutine that
// panicked and then, in order, each later panic with its stack.
func (e *PanicError) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "panic: %v\n\n%s", e.Value, e.Stack)
		for i, l := range e.Later {
			fmt.Fprintf(f, "\nlater panic %d of %d: %v\n\n%s", i+1, len(e.Later), l.Value, l.Stack)
		}
	case verb == 'q':
		fmt.Fprintf(f, "%q", e.Error())
	default:
		fmt.Fprint(f, e.Error())
	}
}

// Unwrap returns Value when it is an error, so that errors.Is and errors.As
// see through a PanicError to the error that was passed to panic; it returns
// nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Recover turns a *PanicError re-raised in the calling goroutine (by the
// Wait of a scope such as a pool.Group, pool.Map or a pipeline) into an
// error. Defer it directly, with a pointer to the function's named error
// result:
//
//	func fetchAll(ctx context.Context, urls []string) (pages []string, err error) {
//		defer tame.Recover(&err)
//		return pool.Map(ctx, 8, urls, fetch)
//	}
//
// When the function is panicking with a *PanicError, Recover stops the
// panic and sets *errp to it (the original value and stack are kept in it).
// Any other panic is not tame's to stop: Recover panics again with the same
// value. When the function is not panicking, Recover does nothing. Recover
// works only when called directly by a deferred call, like the built-in
// recover; a nil errp panics.
func Recover(errp *error) {
	if errp == nil {
		panic("tame: Recover needs a non-nil *error")
	}
	r := recover()
	if r == nil {
		return
	}
	pe, ok := r.(*PanicError)
	if !ok {
		panic(r)
	}
	*errp = pe
}
