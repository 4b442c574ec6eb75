package pool

import (
	"fmt"

	"github.com/tamego/tame"
)

// An Option configures a [Pool] made by [NewPool].
type Option interface {
	apply(*options)
}

type options struct {
	backlog int
	onPanic func(*tame.PanicError)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// OnPanic sets a handler that is told of every panic (and runtime.Goexit) of
// a task, at once, in the worker goroutine that recovered it, before that
// worker goes on with the next task; Close returns the same panics later. The
// handler must not block for long: the worker's slot is held meanwhile. A
// panic in the handler is recovered and reported by Close too; a Close in
// the handler behaves as in a task (see [Pool.Close]). OnPanic panics when
// fn is nil.
func OnPanic(fn func(*tame.PanicError)) Option {
	if fn == nil {
		panic("pool: OnPanic called with a nil function")
	}
	return optionFunc(func(o *options) { o.onPanic = fn })
}

// Backlog sets how many accepted tasks may wait while limit tasks run
// (1024 by default); once it is full, Submit blocks. Backlog panics when
// n < 1.
func Backlog(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("pool: backlog must be at least 1, got %d", n))
	}
	return optionFunc(func(o *options) { o.backlog = n })
}
