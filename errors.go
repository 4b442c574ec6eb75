package tame

import (
	"errors"
	"fmt"
)

// ErrClosed is returned, possibly wrapped, by the calls that hand work to a
// component once it is closed or stopped.
var ErrClosed = errors.New("tame: closed")

// ErrGoexit is the Value of the [PanicError] that reports a call to
// [runtime.Goexit], which tame treats as a failure.
var ErrGoexit = errors.New("tame: runtime.Goexit called")

// ErrDeadlock is returned, wrapped with the detail, by every call that tame
// can tell would wait forever, such as an actor asking itself or a Close
// called from inside the component it would wait for.
var ErrDeadlock = errors.New("tame: deadlock")

// A PanicError reports a panic or [runtime.Goexit] recovered in a goroutine
// that tame owns, to be returned or re-raised in the caller that owns the
// work.
//
// Value is the value passed to panic: a [*runtime.PanicNilError] for
// panic(nil), [ErrGoexit] for runtime.Goexit. Stack is the stack of the
// goroutine that panicked. When several tasks of one scope panic, the first
// is reported and the later ones are kept in Later, in the order they were
// recovered.
type PanicError struct {
	Value any
	Stack []byte
	Later []*PanicError
}

// Error returns one line: "panic: ", the value and the count of later
// panics, if any.
func (e *PanicError) Error() string {
	s := fmt.Sprintf("panic: %v", e.Value)
	if n := len(e.Later); n == 1 {
		s += " (and 1 later panic)"
	} else if n > 1 {
		s += fmt.Sprintf(" (and %d later panics)", n)
	}
	return s
}

// Format implements [fmt.Formatter]: %v and %s print [PanicError.Error], %q
// quotes it, and %+v adds the stack, then each later panic with its stack.
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

// Unwrap returns Value if it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Recover turns a *PanicError re-raised by the Wait of a scope (a pool.Group,
// pool.Map, a pipeline) into an error. Defer it directly, with a pointer to
// the function's named error result:
//
//	func fetchAll(ctx context.Context, urls []string) (pages []string, err error) {
//		defer tame.Recover(&err)
//		return pool.Map(ctx, 8, urls, fetch)
//	}
//
// If the function is panicking with a *PanicError, Recover stops the panic
// and sets *errp to it. Any other panic is re-raised with the same value; with
// no panic Recover does nothing. Like recover, it works only when deferred
// directly. A nil errp panics.
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
