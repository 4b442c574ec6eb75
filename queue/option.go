package queue

import (
	"github.com/tamego/tame"
)

// An Option configures a [Queue] or a [Keyed] queue.
type Option interface {
	apply(*options)
}

type options struct {
	onPanic func(*tame.PanicError)
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// OnPanic returns an Option that calls report at once with every panic (and
// every runtime.Goexit) of the handler, on the goroutine that recovered it,
// before that goroutine handles its next item. Close returns the same panics
// later. A panic in report itself is recovered and returned by Close too.
// OnPanic panics when report is nil.
func OnPanic(report func(*tame.PanicError)) Option {
	if report == nil {
		panic("queue: OnPanic with a nil func")
	}
	return optionFunc(func(o *options) { o.onPanic = report })
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		if opt == nil {
			panic("queue: nil Option")
		}
		opt.apply(&o)
	}
	return o
}
