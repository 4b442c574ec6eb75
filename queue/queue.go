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

// maxRun is the most items the consumer takes per acquisition of the lock.
const maxRun = 256

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
// queue full a little early; it is then let in when that call returns.
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
	capacity int
	ring     []T           // capacity+run slots: the waiting items and the current run
	clear    bool          // T holds pointers: the consumer zeroes the slots it has read
	wake     chan struct{} // one signal per park: room for 1
	done     chan struct{} // closed when the consumer has ended for good

	_ [128]byte // the consumer writes the next line per item: keep producers off it

	// progress is what the consumer has published of pos: a number of items
	// of its current run already given to the handler, at most pos and at
	// least pos-publishEvery+1. Only the consumer writes it, without the
	// lock (see drain); others read it under mu.
	progress atomic.Int64
	nwait    atomic.Int32 // waiters.len(), written under mu, read by the consumer per item
	// Owned by the consumer: the current run is ring[first:first+taken], and
	// pos of its items were given to the handler. (Copies of what it read
	// under mu, so that it does not read the producers' busy cache line per
	// item; pos survives a panic in the handler.)
	first, taken, pos int

	_ [128]byte

	mu       sync.Mutex
	head     int // ring index of the first item not released by the consumer
	n        int // items in the ring: waiting plus the current run
	seen     int // the value of progress last read by a producer (see room)
	closed   bool
	parked   bool   // the consumer waits on wake; the next Push signals it
	gid      uint64 // goroutine id of the consumer
	waiters  waitList[T]
	released int64 // items released by the consumer, in total
	maxDepth int
	blocked  time.Duration

	_ [128]byte

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
	q := &Queue[T]{
		handle:   handle,
		fails:    failures{onPanic: o.onPanic},
		capacity: capacity,
		ring:     make([]T, capacity+min(capacity, maxRun)),
		clear:    mayPoint(reflect.TypeFor[T]()),
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
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
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return tame.ErrClosed
	}
	if q.waiters.len() == 0 && q.room() {
		q.accept(v)
		return nil
	}
	w := q.waiters.add(v)
	q.nwait.Store(int32(q.waiters.len()))
	start := time.Now()
	q.mu.Unlock()
	err := await(ctx, &q.mu, &q.waiters, w, func(id uint64) bool { return id == q.gid })
	q.nwait.Store(int32(q.waiters.len()))
	q.blocked += time.Since(start)
	q.mu.Unlock()
	return err
}

// TryPush adds v at the end of the line if there is room now, without
// waiting. It reports whether v was accepted: false when the queue is full
// (or Pushes are already waiting for room) and after Close.
func (q *Queue[T]) TryPush(v T) bool {
	q.mustBeMade()
	q.mu.Lock()
	if q.closed || q.waiters.len() > 0 || !q.room() {
		q.mu.Unlock()
		return false
	}
	q.accept(v)
	return true
}

// Len returns the number of items waiting: accepted and not yet given to
// the handler. It never exceeds the capacity. It may also count up to 15
// items the handler was given just before its current call (the consumer
// publishes its position every 16 items, and at the start of each run of
// items), never fewer than are waiting.
func (q *Queue[T]) Len() int {
	q.mustBeMade()
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n - int(q.progress.Load())
}

// Stats returns a snapshot of the queue's counters. Blocked counts the
// waits of Pushes that have returned.
func (q *Queue[T]) Stats() Stats {
	q.mustBeMade()
	q.mu.Lock()
	defer q.mu.Unlock()
	p := int(q.progress.Load())
	return Stats{
		Depth:    q.n - p,
		MaxDepth: q.maxDepth,
		Handled:  q.released + int64(p),
		Panicked: q.fails.panicked.Load(),
		Blocked:  q.blocked,
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
		q.waiters.closeAll()
		q.nwait.Store(0)
		if q.parked {
			q.parked = false
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
