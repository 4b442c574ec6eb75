package tame_test

import (
	"errors"
	"fmt"
	"io"

	"github.com/tamego/tame"
)

// This example shows how a caller tells the run-time errors of tame apart:
// a closed component, and a panic re-raised or returned as a *PanicError
// whose value was an error.
func Example() {
	errs := []error{
		fmt.Errorf("push: %w", tame.ErrClosed),
		&tame.PanicError{Value: io.ErrUnexpectedEOF},
		&tame.PanicError{Value: tame.ErrGoexit},
		&tame.PanicError{Value: "index out of range"},
	}
	for _, err := range errs {
		var pe *tame.PanicError
		switch {
		case errors.Is(err, tame.ErrClosed):
			fmt.Println("closed: stop sending")
		case errors.Is(err, tame.ErrGoexit):
			fmt.Println("a task called runtime.Goexit")
		case errors.As(err, &pe):
			fmt.Printf("a task panicked with %v (unwraps to an error: %t)\n", pe.Value, errors.Unwrap(pe) != nil)
		}
	}
	// Output:
	// closed: stop sending
	// a task panicked with unexpected EOF (unwraps to an error: true)
	// a task called runtime.Goexit
	// a task panicked with index out of range (unwraps to an error: false)
}

// This example recovers the *PanicError that a scope such as pool.Group
// re-raises in Wait, and reads the original value; the Stack field holds the
// stack of the goroutine that panicked.
func ExamplePanicError() {
	defer func() {
		pe, ok := recover().(*tame.PanicError)
		if !ok {
			panic("not a *tame.PanicError")
		}
		fmt.Println("recovered:", pe.Value)
		fmt.Println("later panics kept:", len(pe.Later))
	}()
	// What a Wait does when a task panicked with "disk full" and, after it,
	// another task panicked too.
	panic(&tame.PanicError{Value: "disk full", Later: []*tame.PanicError{{Value: "disk still full"}}})
	// Output:
	// recovered: disk full
	// later panics kept: 1
}

// This example turns the panic that a scope re-raises in its Wait into an
// error returned by the function that owns the scope: a server handler that
// must answer every request can log it and go on.
func ExampleRecover() {
	parse := func(s string) (n int, err error) {
		defer tame.Recover(&err)
		// What pool.Map's Wait does when one of its tasks panicked.
		panic(&tame.PanicError{Value: "bad input " + s})
	}
	_, err := parse("x")
	fmt.Println(err)
	var pe *tame.PanicError
	fmt.Println(errors.As(err, &pe))
	// Output:
	// panic: bad input x
	// true
}
