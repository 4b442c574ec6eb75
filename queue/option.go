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

// OnPanic returns an Option that calls report with every panic and
// runtime.Goexit of the handler, at once, on the goroutine that recovered
// it, before that goroutine handles its next item. Close returns them too,
// and also a panic in report. OnPanic panics if report is nil.
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
