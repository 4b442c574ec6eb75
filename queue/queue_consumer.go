package queue

import (
	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
	"github.com/tamego/tame/internal/sched"
)

// consume is the consumer goroutine of a Queue. It runs drain under
// catch.Call, which sets up one deferred recover per call of drain, not per
// item: after a panic, drain is called again and goes on with the next item
// (its position survives in the ring). After a Goexit a replacement
// goroutine takes over.
func (q *Queue[T]) consume() {
	q.consumer.Store(goid.ID())
	for {
		pe := catch.Call(q.drain, q.goexited)
		if pe == nil {
			break
		}
		// The call counts as running until OnPanic returns, then as
		// failed (by replace if OnPanic calls Goexit).
		q.fails.report(pe, q.replace)
		q.failed.Add(1)
		q.r.settle()
	}
	close(q.done)
}

// drain hands the items to the handler in the order of their positions
// until the queue is closed and empty. Once it has taken an item it lets in
// the Pushes waiting for the room the item left, before the handler runs.
func (q *Queue[T]) drain() {
	for {
		v, ok := q.r.take()
		if !ok {
			if !q.idle() {
				return
			}
			continue
		}
		if q.r.nwait.Load() > 0 {
			q.mu.Lock()
			q.letIn()
			q.mu.Unlock()
		}
		sched.Point(sched.Handoff)
		q.handle(v)
	}
}

// letIn lets waiting Pushes in, oldest first, while there is room: it
// claims their positions and writes their items itself, then tells them.
// It runs on the consumer goroutine with mu held.
func (q *Queue[T]) letIn() {
	q.waiters.equip()
	for q.waiters.len() > 0 {
		p, c := q.r.claimExact()
		if c != claimed {
			break // full (closed is not possible: Close empties the list under mu)
		}
		w, v := q.waiters.pop()
		q.r.put(p, v)
		finish(w, nil)
	}
	q.r.nwait.Store(int32(q.waiters.len()))
}

// idle is called when the next item is not written yet. Under mu, it
// publishes the exact position, lets waiting Pushes in, and parks until a
// Push writes an item or Close is called. It reports false when the queue
// is closed and every accepted item was handled.
func (q *Queue[T]) idle() bool {
	q.mu.Lock()
	q.r.settle()
	if q.waiters.len() > 0 {
		q.letIn()
		q.mu.Unlock()
		return true
	}
	if q.closed && q.r.claimedCount() == q.r.pos {
		q.mu.Unlock()
		return false
	}
	// Park at once: a consumer that yielded first would not be woken by a
	// Push meanwhile, and under CPU load would wait a whole time slice.
	// Pushes that wait for room need no look: the item at pos is claimed,
	// and its Push will signal. Close signals under mu.
	empty := q.r.prepark()
	q.mu.Unlock()
	if empty {
		<-q.r.wake
		return true
	}
	q.r.unpark()
	return true
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
	q.r.settle()
	go q.consume()
}
