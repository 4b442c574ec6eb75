package queue

import (
	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/sched"
)

// consume is the consumer goroutine of a Queue. It runs drain under
// catch.Call, which sets up one deferred recover per call of drain, not per
// item: after a panic, drain is called again and goes on with the next item
// (its position survives in the ring). After a Goexit a replacement
// goroutine takes over.
func (q *Queue[T]) consume() {
	q.r.SetOwner()
	for {
		pe := catch.Call(q.drain, q.goexited)
		if pe == nil {
			break
		}
		// The call counts as running until OnPanic returns, then as
		// failed (by replace if OnPanic calls Goexit).
		q.fails.report(pe, q.replace)
		q.failed.Add(1)
		q.r.Settle()
	}
	close(q.done)
}

// drain hands the items to the handler in the order of their positions
// until the queue is closed and empty. Taking an item lets in the Pushes
// waiting for the room it left, before the handler runs.
func (q *Queue[T]) drain() {
	for {
		p, ok := q.r.Next()
		if !ok {
			return
		}
		v := *p
		q.r.Pop()
		sched.Point(sched.Handoff)
		q.handle(v)
	}
}

// goexited is called by catch.Call on the consumer goroutine when the
// handler called runtime.Goexit: the goroutine is ending, so a replacement
// goes on with the next item.
func (q *Queue[T]) goexited(pe *tame.PanicError) {
	q.fails.goexited(pe, q.replace)
}

// replace counts the failed call and starts a consumer goroutine in the
// place of the one that is ending (its handler or OnPanic called Goexit).
// The failed count goes up before the call stops running (see Stats).
func (q *Queue[T]) replace() {
	q.failed.Add(1)
	q.r.Settle()
	go q.consume()
}
