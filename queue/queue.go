package queue

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/goid"
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
	r      ring[T] // first: its padded words stay aligned
	handle func(T)
	done   chan struct{} // closed when the consumer has ended for good
	// consumer is the goroutine id of the consumer (a replacement stores
	// its own before it runs the handler; ids are never reused).
	consumer atomic.Uint64
	fails    failures

	refused atomic.Uint64
	failed  atomic.Uint64

	mu      sync.Mutex
	closed  bool // closedBit is set in the ring's tail
	waiters waitList[T]
}

// New returns a Queue whose consumer goroutine calls handle on every
// accepted item; capacity is the most items that wait at once. New panics if
// capacity < 1, if capacity items would not fit in memory, or if handle is
// nil.
func New[T any](capacity int, handle func(T), opts ...Option) *Queue[T] {
	if handle == nil {
		panic("queue: handle func must not be nil")
	}
	o := collect(opts)
	q := &Queue[T]{
		r:       newRing[T](capacity),
		handle:  handle,
		done:    make(chan struct{}),
		fails:   failures{onPanic: o.onPanic},
		waiters: newWaitList[T](),
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
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			q.refused.Add(1)
			return ctx.Err()
		default:
		}
	}
	for i := 0; ; i++ {
		switch p, c := q.r.claim(); c {
		case claimed:
			q.r.put(p, v)
			return nil
		case closed:
			q.refused.Add(1)
			return tame.ErrClosed
		}
		if i == spins || i == 0 && q.self() {
			break
		}
		// Full: the consumer usually makes room sooner than a wait
		// would cost. Yield to it a few times first.
		runtime.Gosched()
	}
	err := q.wait(ctx, v)
	if err != nil {
		q.refused.Add(1)
	}
	return err
}

// spins is how many times a Push that finds its queue full yields before
// it waits.
const spins = 3

// self reports whether the caller is the consumer goroutine: the handler,
// or OnPanic.
func (q *Queue[T]) self() bool { return q.consumer.Load() == goid.ID() }

// wait is Push when the queue stayed full or Pushes were waiting: it queues
// v behind the Pushes already waiting, then looks once more, because the
// consumer looks for waiters only after it made room.
func (q *Queue[T]) wait(ctx context.Context, v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return tame.ErrClosed
	}
	w := q.waiters.add(v)
	q.r.nwait.Store(int32(q.waiters.len()))
	// The consumer stores its position, then looks at nwait; this stored
	// nwait, now it looks at the position: one of the two sees the other.
	if q.waiters.first(w) {
		if p, c := q.r.claimExact(); c == claimed {
			q.waiters.remove(w)
			q.waiters.release(w)
			q.r.nwait.Store(int32(q.waiters.len()))
			q.r.put(p, v)
			return nil
		}
	}
	// Called from the handler (or OnPanic), this Push would wait for room
	// only its own goroutine can make. Its position is exact: let older
	// waiters in if there is room, then give up.
	if q.self() {
		q.letIn()
		if !w.done {
			q.waiters.remove(w)
			q.waiters.release(w)
			q.r.nwait.Store(int32(q.waiters.len()))
			return errPushInside
		}
	}
	err := q.waiters.await(ctx, &q.mu, w)
	q.r.nwait.Store(int32(q.waiters.len()))
	return err
}

// TryPush adds v at the end of the line if there is room now, without
// waiting, and reports whether it did. It refuses while Pushes wait for room
// (they come first) and once Close or Shutdown was called.
func (q *Queue[T]) TryPush(v T) bool {
	sched.Point(sched.Push)
	q.mustBeMade()
	p, c := q.r.claim()
	if c != claimed {
		q.refused.Add(1)
		return false
	}
	q.r.put(p, v)
	return true
}

// Len returns the number of items waiting: accepted and not yet given to the
// handler.
func (q *Queue[T]) Len() int {
	q.mustBeMade()
	return q.r.depth()
}

// Stats returns a snapshot of the queue's counters.
func (q *Queue[T]) Stats() Stats {
	q.mustBeMade()
	failed := q.failed.Load() // before taken: a failed call is counted after it stops running
	taken := q.r.taken.Load()
	running := taken & 1
	return Stats{
		Submitted:  q.r.claimedCount(),
		Refused:    q.refused.Load(),
		Waiting:    q.r.depth(),
		MaxWaiting: int(q.r.maxDepth.Load()),
		Running:    int(running),
		Completed:  taken>>1 - running - min(failed, taken>>1-running),
		Failed:     failed,
		Blocked:    int(q.r.nwait.Load()),
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
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.r.close()
		q.waiters.closeAll()
		q.r.nwait.Store(0)
	}
	q.mu.Unlock()
	if q.self() {
		return errCloseInside
	}
	return q.fails.wait(ctx, q.r.taken.Load() == 2*q.r.claimedCount(), q.done)
}
