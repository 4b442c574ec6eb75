package queue

import (
	"context"
	"fmt"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

var (
	errCloseInside = fmt.Errorf("queue: Close or Shutdown called from the handler cannot wait for its own call: %w", tame.ErrDeadlock)
	errPushInside  = fmt.Errorf("queue: Push from the handler to its own full queue: %w", tame.ErrDeadlock)
)

// failures records the handler panics of one queue, tells OnPanic, and
// makes the result of Close.
type failures struct {
	onPanic func(*tame.PanicError)
	panics  catch.Collector
	once    sync.Once
	err     error
}

// goexited reports a Goexit of the handler. The goroutine is ending, so a
// replacement is started: by report if OnPanic calls Goexit as well (the
// rest of this function is then skipped), here otherwise.
func (f *failures) goexited(pe *tame.PanicError, replace func()) {
	started := false
	f.report(pe, func() { started = true; replace() })
	if !started {
		replace()
	}
}

// report records pe for Close and tells OnPanic, on the goroutine that
// recovered pe. A panic in OnPanic is recorded too; a Goexit in OnPanic ends
// the goroutine, so replace starts another one.
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

// wait is the end of Close and Shutdown, once the queue stops accepting:
// it waits until done is closed (every accepted item handled, every
// goroutine of the queue ending) and returns the panics, the same error
// value every time. When ctx ends first it returns ctx.Err(), unless
// everything accepted was already handled when it looked.
func (f *failures) wait(ctx context.Context, handled bool, done <-chan struct{}) error {
	if !handled {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	<-done // handled: the goroutines are ending and run no user code
	f.once.Do(func() { f.err = f.panics.Err() })
	return f.err
}
