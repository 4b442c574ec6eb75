package pool

import (
	"fmt"

	"github.com/tamego/tame"
)

// An Option configures a [Group] made by [NewGroup] or a [Pool] made by
// [NewPool].
type Option interface {
	apply(*options)
}

type options struct {
	backlog int
	onPanic func(*tame.PanicError)
	join    bool
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

func newOptions(caller string, opts []Option) options {
	o := options{backlog: defaultBacklog}
	for _, opt := range opts {
		if opt == nil {
			panic("pool: " + caller + " called with a nil Option")
		}
		opt.apply(&o)
	}
	return o
}

// OnPanic sets a handler that a [Pool] tells of every panic (and
// runtime.Goexit) of a task, at once, in the worker goroutine that recovered
// it, before that worker goes on with the next task; Close returns the same
// panics later. The handler must not block for long: the worker's slot is
// held meanwhile. A panic in the handler is recovered and returned by Close
// too; a Close in the handler behaves as in a task (see [Pool.Close]).
// OnPanic panics when fn is nil; NewGroup panics when given it (a Group
// re-panics in Wait instead).
func OnPanic(fn func(*tame.PanicError)) Option {
	if fn == nil {
		panic("pool: OnPanic called with a nil function")
	}
	return optionFunc(func(o *options) { o.onPanic = fn })
}

// Backlog sets how many accepted tasks of a [Group] or [Pool] may wait,
// not started, while limit tasks run; once it is full, Go and Submit block
// and TryGo and TrySubmit refuse. The default is large enough for bursts;
// set it to size admission control. Backlog panics when n < 1.
func Backlog(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("pool: backlog must be at least 1, got %d", n))
	}
	return optionFunc(func(o *options) { o.backlog = n })
}

// JoinErrors makes a [Group] keep going after a task error: the error does
// not cancel the group's context, and Wait returns errors.Join of every task
// error, in the order the tasks returned them. A panic still cancels the
// group and re-panics in Wait. NewPool panics when given it.
func JoinErrors() Option {
	return optionFunc(func(o *options) { o.join = true })
}
