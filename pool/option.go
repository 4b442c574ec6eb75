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

// OnPanic sets a handler that a Pool calls with every task panic, at once,
// in the worker that recovered it; the worker's slot is held meanwhile.
// Close still returns these panics, and any panic of the handler. A nil fn
// panics; NewGroup panics when given it.
func OnPanic(fn func(*tame.PanicError)) Option {
	if fn == nil {
		panic("pool: OnPanic called with a nil function")
	}
	return optionFunc(func(o *options) { o.onPanic = fn })
}

// Backlog sets how many accepted tasks of a Group or Pool may wait, not
// started, while limit tasks run. The default suits bursts. Backlog panics
// when n < 1.
func Backlog(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("pool: backlog must be at least 1, got %d", n))
	}
	return optionFunc(func(o *options) { o.backlog = n })
}

// JoinErrors makes a Group keep going after a task error: errors do not
// cancel the group's context, and Wait returns [errors.Join] of every task
// error, in the order the tasks returned them. A panic still cancels the
// group. NewPool panics when given it.
func JoinErrors() Option {
	return optionFunc(func(o *options) { o.join = true })
}
