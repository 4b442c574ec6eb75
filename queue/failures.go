package queue

import (
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// failures records the handler panics of one queue and tells OnPanic.
type failures struct {
	onPanic  func(*tame.PanicError)
	panicked atomic.Int64 // handler calls that panicked or called Goexit
	panics   catch.Collector
	errOnce  sync.Once
	err      error
}

// handler reports a panic of the handler; the goroutine that recovered it
// goes on. replace starts a new consumer if OnPanic calls Goexit.
func (f *failures) handler(pe *tame.PanicError, replace func()) {
	f.panicked.Add(1)
	f.report(pe, replace)
}

// goexited reports a Goexit of the handler. The goroutine is ending, so a
// replacement is started: by report if OnPanic calls Goexit as well (the
// rest of this function is then skipped), here otherwise.
func (f *failures) goexited(pe *tame.PanicError, replace func()) {
	f.panicked.Add(1)
	started := false
	f.report(pe, func() { started = true; replace() })
	if !started {
		replace()
	}
}

// report records pe for Close and tells OnPanic. A panic in OnPanic is
// recorded too; a Goexit in OnPanic ends the goroutine, so replace starts
// another one.
func (f *failures) report(pe *tame.PanicError, replace func()) {
	f.panics.Add(pe)
	if f.onPanic == nil {
		return
	}
	pe2 := catch.Call(func() { f.onPanic(pe) }, func(pe2 *tame.PanicError) {
		f.panics.Add(pe2)
		replace()
	})
	if pe2 != nil {
		f.panics.Add(pe2)
	}
}

// result is what Close returns once every goroutine has ended: the same
// error value every time.
func (f *failures) result() error {
	f.errOnce.Do(func() { f.err = f.panics.Err() })
	return f.err
}
