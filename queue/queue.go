package queue

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/ring"
	"github.com/tamego/tame/internal/sched"
)

// A Queue funnels items from many producers into one consumer goroutine that
// calls the handler on each item, one at a time, in the order the items were
// accepted.
//
// A Queue is safe for concurrent use. Make one with [New]; the zero value is
// not usable (its methods panic). A Queue must not be copied after first
// use.
//
// The consumer goroutine starts in New and ends once Close or Shutdown was
// called and every accepted item was handled.
type Queue[T any] struct {
	r      *ring.Ring[T]
	handle func(T)
	done   chan struct{} // closed when the consumer has ended for good
	fails  failures

	refused atomic.Uint64
	failed  atomic.Uint64
}

// New returns a Queue whose consumer goroutine calls handle on every
// accepted item; capacity is the most items that wait at once. New panics if
// capacity < 1, if capacity items would not fit in memory, or if handle is
// nil.
func New[T any](capacity int, handle func(T), opts ...Option) *Queue[T] {
	if handle == nil {
		panic("queue: handle func must not be nil")
	}
	if capacity < 1 {
		panic(fmt.Sprintf("queue: capacity must be at least 1, got %d", capacity))
	}
	if !ring.Fits[T](capacity) {
		panic(fmt.Sprintf("queue: capacity too large: %d (a Queue allocates a slot per item of capacity when it is made)", capacity))
	}
	o := collect(opts)
	q := &Queue[T]{
		r:      ring.New[T](capacity),
		handle: handle,
		done:   make(chan struct{}),
		fails:  failures{onPanic: o.onPanic},
	}
	go q.consume()
	return q
}

func (q *Queue[T]) mustBeMade() {
	if q.done == nil {
		panic("queue: Queue used without New")
	}
}

// Push adds v at the end of the line, waiting while the queue is full. It
// returns nil once v is accepted (v is then handled exactly once), ctx.Err()
// if ctx is done first or already done, and an error wrapping
// [tame.ErrClosed] once Close or Shutdown was called. Called from the
// handler on its own full queue, it returns at once an error wrapping
// [tame.ErrDeadlock].
func (q *Queue[T]) Push(ctx context.Context, v T) error {
	sched.Point(sched.Push)
	q.mustBeMade()
	switch q.r.Put(ctx, &v) {
	case ring.Done:
		return nil
	case ring.Closed:
		q.refused.Add(1)
		return tame.ErrClosed
	case ring.Self:
		q.refused.Add(1)
		return errPushInside
	default:
		q.refused.Add(1)
		return ctx.Err()
	}
}

// TryPush adds v at the end of the line if there is room now, without
// waiting, and reports whether it did. It refuses while Pushes wait for room
// (they come first) and once Close or Shutdown was called.
func (q *Queue[T]) TryPush(v T) bool {
	sched.Point(sched.Push)
	q.mustBeMade()
	if q.r.TryPut(&v) != ring.Done {
		q.refused.Add(1)
		return false
	}
	return true
}

// Len returns the number of items waiting: accepted and not yet given to the
// handler.
func (q *Queue[T]) Len() int {
	q.mustBeMade()
	return q.r.Depth()
}

// Stats returns a snapshot of the queue's counters.
func (q *Queue[T]) Stats() Stats {
	q.mustBeMade()
	failed := q.failed.Load() // before taken: a failed call is counted after it stops running
	claimed, taken, inHand := q.r.Counts()
	running := uint64(0)
	if inHand {
		running = 1
	}
	waiting := int(claimed - taken)
	return Stats{
		Submitted:  claimed,
		Refused:    q.refused.Load(),
		Waiting:    waiting,
		MaxWaiting: q.r.MaxDepth(waiting),
		Running:    int(running),
		Completed:  taken - running - min(failed, taken-running),
		Failed:     failed,
		Blocked:    q.r.Blocked(),
	}
}

// Close stops accepting items, waits until every accepted item was handled
// and the consumer goroutine has ended, and returns the handler's panics:
// nil, or errors.Join of *[tame.PanicError] in the order they happened (the
// first ones, then a count). Pushes waiting for room return
// [tame.ErrClosed]. Close is idempotent and safe for concurrent use; every
// call, and Shutdown, returns the same error.
//
// Called from the handler or OnPanic, Close returns at once an error
// wrapping [tame.ErrDeadlock]; every accepted item is still handled, and a
// Close from another goroutine waits for that.
func (q *Queue[T]) Close() error {
	return q.Shutdown(context.Background())
}

// Shutdown is Close bounded by ctx. When ctx ends first it returns ctx.Err()
// and the work goes on: nothing accepted is dropped, and a later Close or
// Shutdown waits for it. When everything accepted was already handled, it
// returns what Close returns, even with a done ctx.
func (q *Queue[T]) Shutdown(ctx context.Context) error {
	sched.Point(sched.Close)
	q.mustBeMade()
	q.r.Close()
	if q.r.Owned() {
		return errCloseInside
	}
	return q.fails.wait(ctx, q.r.Settled(), q.done)
}
