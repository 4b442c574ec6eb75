package queue

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/goid"
)

// A Queue funnels items from many producers into one consumer goroutine that
// calls the handler on each item, one at a time, in the order the items were
// accepted. Items pushed by one goroutine are handled in the order it pushed
// them.
//
// A Queue is safe for concurrent use by any number of goroutines. Make one
// with [New]; the zero value is not usable (its methods panic). A Queue must
// not be copied after first use.
//
// Push blocks while capacity items are waiting (the one being handled is not
// counted); it returns ctx.Err() when its context ends first and
// [tame.ErrClosed] once Close was called. TryPush never blocks. The consumer
// tells the producers how far it got every few items, not after each one
// (see [Queue.Len]), so while the handler is in one call, Push may find the
// queue full a little early. Pushes that found the queue full wait in order
// and are let in together, oldest first, once the consumer has made room
// for capacity/8 items (at least one) or has nothing else to do; until then
// later Pushes queue up behind them.
//
// A panic (or runtime.Goexit) in the handler skips only that item: the next
// item is handled, OnPanic is told at once, and Close returns every panic,
// joined with errors.Join. After a Goexit a new consumer goroutine takes
// over, so the handler runs on one goroutine at a time.
//
// The consumer goroutine starts in New and ends once Close was called and
// every accepted item was handled; Close waits for it, except when Close is
// called by the handler itself (see the package documentation).
type Queue[T any] struct {
	// Set by New, then only read.
	handle   func(T)
	capacity uint64
	batch    uint64 // room the consumer makes before waiting Pushes are let in
	ring     []slot[T]
	mask     uint64
	clear    bool          // T holds pointers: the consumer zeroes the slots it has read
	wake     chan struct{} // one signal per park
	done     chan struct{} // closed when the consumer has ended for good

	_ [128]byte

	// tail is the next position to claim, with closedBit once Close was
	// called. Producers compare-and-swap it for every item.
	tail atomic.Uint64

	_ [128]byte

	// Read by producers per item; each on its own cache line, as they are
	// written at different times: head every few items, parked at every
	// park, nwait and maxDepth seldom in a steady state.
	head atomic.Uint64 // positions before head were taken by the consumer: their slots are free
	_    [120]byte

	parked atomic.Bool // the consumer waits on wake; whoever swaps it to false signals
	_      [127]byte

	nwait    atomic.Int32 // waiters.len(), written under mu
	maxDepth atomic.Uint64

	_ [128]byte

	// Owned by the consumer goroutine (they survive a panic in the
	// handler, and a Goexit passes them on to the replacement).
	pos   uint64 // the next position to read
	pub   uint64 // the last position stored in head
	fresh bool   // the next item is the first after a wait: publish its position

	_ [128]byte

	mu      sync.Mutex
	closed  bool   // Close was called (closedBit is set in tail)
	gid     uint64 // goroutine id of the consumer
	waiters waitList[T]
	blocked time.Duration

	fails failures
}

// New returns a Queue whose consumer goroutine calls handle on every accepted
// item. capacity is the most items that wait at once; it must be at least 1.
// New panics when capacity < 1 or handle is nil.
func New[T any](capacity int, handle func(T), opts ...Option) *Queue[T] {
	if capacity < 1 {
		panic(fmt.Sprintf("queue: capacity must be at least 1, got %d", capacity))
	}
	if handle == nil {
		panic("queue: handle func must not be nil")
	}
	o := collect(opts)
	size := ringSize(capacity)
	q := &Queue[T]{
		handle:   handle,
		fails:    failures{onPanic: o.onPanic},
		capacity: uint64(capacity),
		batch:    uint64(max(1, capacity/8)),
		ring:     make([]slot[T], size),
		mask:     uint64(size - 1),
		clear:    mayPoint(reflect.TypeFor[T]()),
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		fresh:    true,
	}
	go q.consume()
	return q
}

func (q *Queue[T]) mustBeMade() {
	if q.ring == nil {
		panic("queue: Queue used without New")
	}
}

// Push adds v at the end of the line. It waits while the queue is full and
// returns nil once v is accepted: v is then handled exactly once, also when
// Close is called in the meantime. It returns ctx.Err() when ctx ends before
// v is accepted (also when ctx is already done: it then never accepts v),
// and tame.ErrClosed once Close was called. Called by the handler on its own
// full queue, it returns ErrDeadlock after a short wait (1 ms) instead of
// waiting for itself forever.
func (q *Queue[T]) Push(ctx context.Context, v T) error {
	q.mustBeMade()
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			return ctx.Err()
		default:
		}
	}
	switch p, c := q.claim(); c {
	case claimed:
		q.put(p, v)
		return nil
	case closed:
		return tame.ErrClosed
	}
	return q.pushSlow(ctx, v)
}

// pushSlow is Push when the queue looked full or Pushes were waiting: it
// looks again under mu (the consumer publishes its exact position under mu
// before it lets waiting Pushes in or parks), then waits in line.
func (q *Queue[T]) pushSlow(ctx context.Context, v T) error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return tame.ErrClosed
	}
	if q.waiters.len() == 0 {
		if p, c := q.claim(); c == claimed {
			q.mu.Unlock()
			q.put(p, v)
			return nil
		}
	}
	w := q.waiters.add(v)
	q.nwait.Store(int32(q.waiters.len()))
	start := time.Now()
	q.mu.Unlock()
	err := await(ctx, &q.mu, &q.waiters, w, q.self)
	q.nwait.Store(int32(q.waiters.len()))
	q.blocked += time.Since(start)
	q.mu.Unlock()
	return err
}

// self is the check of await, with mu held: it reports whether the goroutine
// id is the consumer's, whose Push waits for room only it can make. Its
// position may be ahead of head (the items it took since it last published
// it count as waiting), so it first lets waiting Pushes in from its true
// position: the caller's own among them when there is room for it, and
// await then returns nil.
func (q *Queue[T]) self(id uint64) bool {
	if id != q.gid {
		return false
	}
	q.publish()
	q.letIn()
	return true
}

// TryPush adds v at the end of the line if there is room now, without
// waiting. It reports whether v was accepted: false when the queue is full
// (or Pushes are already waiting for room) and after Close.
func (q *Queue[T]) TryPush(v T) bool {
	q.mustBeMade()
	p, c := q.claim()
	if c != claimed {
		return false
	}
	q.put(p, v)
	return true
}

// Len returns the number of items waiting: accepted and not yet given to
// the handler. It never exceeds the capacity. It may also count up to 15
// items the handler was given just before its current call (the consumer
// publishes its position every 16 items, and when it starts again after a
// wait), never fewer than are waiting.
func (q *Queue[T]) Len() int {
	q.mustBeMade()
	return q.depth()
}

// depth is Len. It reads tail before head: a position is claimed only
// while it is less than capacity past head, and head only grows, so the
// difference is at most the capacity (and at least 0 when items were both
// accepted and handled between the two reads).
func (q *Queue[T]) depth() int {
	t := q.tail.Load() &^ closedBit
	h := q.head.Load()
	if h >= t {
		return 0
	}
	return int(t - h)
}

// Stats returns a snapshot of the queue's counters. Blocked counts the
// waits of Pushes that have returned.
func (q *Queue[T]) Stats() Stats {
	q.mustBeMade()
	q.mu.Lock()
	blocked := q.blocked
	q.mu.Unlock()
	return Stats{
		Depth:    q.depth(),
		MaxDepth: int(q.maxDepth.Load()),
		Handled:  int64(q.head.Load()),
		Panicked: q.fails.panicked.Load(),
		Blocked:  blocked,
	}
}

// Close stops accepting items (Pushes waiting for room return
// tame.ErrClosed), waits until every accepted item was handled and the
// consumer goroutine has ended, and returns the handler's panics: nil, or
// errors.Join of *tame.PanicError in the order they happened (the first 32,
// then a count). It is idempotent and safe for concurrent use; every call
// returns the same error.
//
// Called by the handler (or OnPanic) of this queue, Close cannot wait for
// the item it is part of: it stops accepting and returns at once with the
// panics so far; the consumer then handles the remaining accepted items and
// ends. A Close from another goroutine still waits for all of that.
func (q *Queue[T]) Close() error {
	q.mustBeMade()
	id := goid.ID()
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.tail.Or(closedBit) // no position is claimed after this
		q.waiters.closeAll()
		q.nwait.Store(0)
		if q.parked.Load() && q.parked.Swap(false) {
			q.wake <- struct{}{}
		}
	}
	self := q.gid == id
	q.mu.Unlock()
	if self {
		return q.fails.panics.Err()
	}
	<-q.done
	return q.fails.result()
}
