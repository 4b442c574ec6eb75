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

// A Keyed queue keeps one line per key: items with the same key are handled
// one at a time, in the order they were accepted; items with different keys
// are handled in parallel, on at most workers goroutines. Ready keys take
// turns (one item each, round-robin), so a hot key never starves the
// others, and a slow key holds up only its own line.
//
// A Keyed queue is safe for concurrent use by any number of goroutines. Make
// one with [NewKeyed]; the zero value is not usable (its methods panic). It
// must not be copied after first use.
//
// Push blocks while capacity items are waiting, counted over all keys (the
// items being handled are not counted); it returns ctx.Err() when its
// context ends first and [tame.ErrClosed] once Close was called. TryPush
// never blocks. Pushes that had to wait are let in together, oldest first,
// once the workers have made room for capacity/8 items (at least one), not
// one per item handled; until then later Pushes queue up behind them. A key
// that has drained holds no memory.
//
// A panic (or runtime.Goexit) in the handler skips only that item: the next
// item of the key is handled, OnPanic is told at once, and Close returns
// every panic, joined with errors.Join. After a Goexit a new goroutine takes
// the worker's place.
//
// Worker goroutines start when there is work (at most workers of them), park
// when there is none, and end once Close was called and every accepted item
// was handled; Close waits for them, except when it is called by the handler
// itself (see the package documentation).
type Keyed[K comparable, T any] struct {
	handle    func(K, T)
	capacity  int
	workers   int
	batch     int  // room the workers make before waiting Pushes are let in (see admit)
	checkKeys bool // K may hold an interface value, whose dynamic type may not be hashable

	mu       sync.Mutex
	lines    map[K]*line[K, T]  // keys with items waiting or being handled
	peak     int                // most entries lines had since it was made
	ready    deque[*line[K, T]] // lines with items waiting and no worker, in turn
	spare    []*line[K, T]      // drained lines, without a key, for reuse
	chunks   chunkPool[T]       // the chunks of every line
	total    int                // items waiting, over all keys
	maxDepth int
	handled  int64
	blocked  time.Duration
	closed   bool
	running  int             // worker goroutines
	idle     int             // workers parked on wake
	ws       []*worker[K, T] // the workers, with the ids of their goroutines
	waiters  waitList[item[K, T]]

	// Mirrors of ready.len() and waiters.len(), stored under mu, read by
	// workers without it (see worker.loop).
	nready atomic.Int32
	nwait  atomic.Int32

	wake chan struct{} // one signal per idle-- : room for workers
	done chan struct{} // closed when the last worker has ended, after Close

	fails failures
}

// A line is the FIFO of one key. While busy, a worker is handling one of its
// items and no other worker takes it: that keeps the key's order.
type line[K comparable, T any] struct {
	key   K
	items chunkList[T]
	busy  bool
}

type item[K comparable, T any] struct {
	key K
	v   T
}

// NewKeyed returns a Keyed queue whose handle is called on every accepted
// item, with its key. workers is the most handler calls that run at once;
// capacity is the most items that wait at once, over all keys. NewKeyed
// panics when workers < 1, capacity < 1 or handle is nil.
func NewKeyed[K comparable, T any](workers, capacity int, handle func(K, T), opts ...Option) *Keyed[K, T] {
	if workers < 1 {
		panic(fmt.Sprintf("queue: workers must be at least 1, got %d", workers))
	}
	if capacity < 1 {
		panic(fmt.Sprintf("queue: capacity must be at least 1, got %d", capacity))
	}
	if handle == nil {
		panic("queue: handle func must not be nil")
	}
	o := collect(opts)
	return &Keyed[K, T]{
		handle:    handle,
		capacity:  capacity,
		workers:   workers,
		batch:     max(1, capacity/8),
		checkKeys: mayHoldInterface(reflect.TypeFor[K]()),
		lines:     make(map[K]*line[K, T]),
		wake:      make(chan struct{}, workers),
		done:      make(chan struct{}),
		fails:     failures{onPanic: o.onPanic},
		// Enough chunks for capacity items in as few lines as possible,
		// plus a partly used one at each end of every line a worker holds.
		chunks: chunkPool[T]{max: capacity/chunkSize + 2*workers + 1},
	}
}

func (q *Keyed[K, T]) mustBeMade() {
	if q.wake == nil { // wake is set once, by NewKeyed; lines is replaced when it shrinks
		panic("queue: Keyed used without NewKeyed")
	}
}

// Push adds v at the end of key's line. It waits while the queue is full and
// returns nil once v is accepted: v is then handled exactly once, also when
// Close is called in the meantime. It returns ctx.Err() when ctx ends before
// v is accepted (also when ctx is already done: it then never accepts v),
// and tame.ErrClosed once Close was called. Called by the handler on its own
// full queue, it returns ErrDeadlock after a short wait (1 ms) instead of
// waiting forever.
func (q *Keyed[K, T]) Push(ctx context.Context, key K, v T) error {
	q.mustBeMade()
	q.checkKey(key)
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
	if q.waiters.len() == 0 && q.total < q.capacity {
		q.add(key, v)
		q.mu.Unlock()
		return nil
	}
	w := q.waiters.add(item[K, T]{key, v})
	q.nwait.Store(int32(q.waiters.len()))
	start := time.Now()
	q.mu.Unlock()
	// A worker waiting here could wait forever: if they all did, none would
	// make room.
	err := await(ctx, &q.mu, &q.waiters, w, q.self)
	q.nwait.Store(int32(q.waiters.len()))
	q.blocked += time.Since(start)
	q.mu.Unlock()
	return err
}

// TryPush adds v at the end of key's line if there is room now, without
// waiting. It reports whether v was accepted: false when the queue is full
// (or Pushes are already waiting for room) and after Close.
func (q *Keyed[K, T]) TryPush(key K, v T) bool {
	q.mustBeMade()
	q.checkKey(key)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.waiters.len() > 0 || q.total >= q.capacity {
		return false
	}
	q.add(key, v)
	return true
}

// Len returns the number of items waiting, over all keys: accepted and not
// yet given to the handler. It never exceeds the capacity. When no other key
// is ready, a worker hands up to 16 items of its key to the handler one
// after the other and counts them once it is done with them; until then Len
// may also count up to 15 items the handler was already given, never fewer
// than are waiting.
func (q *Keyed[K, T]) Len() int {
	q.mustBeMade()
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.total
}

// Stats returns a snapshot of the queue's counters. Blocked counts the
// waits of Pushes that have returned.
func (q *Keyed[K, T]) Stats() Stats {
	q.mustBeMade()
	q.mu.Lock()
	defer q.mu.Unlock()
	return Stats{
		Depth:    q.total,
		MaxDepth: q.maxDepth,
		Keys:     len(q.lines),
		Handled:  q.handled,
		Panicked: q.fails.panicked.Load(),
		Blocked:  q.blocked,
	}
}

// Close stops accepting items (Pushes waiting for room return
// tame.ErrClosed), waits until every accepted item was handled and every
// worker goroutine has ended, and returns the handler's panics: nil, or
// errors.Join of *tame.PanicError in the order they happened (the first 32,
// then a count). It is idempotent and safe for concurrent use; every call
// returns the same error.
//
// Called by the handler (or OnPanic) of this queue, Close cannot wait for
// the item it is part of: it stops accepting and returns at once with the
// panics so far; the workers then handle the remaining accepted items and
// end. A Close from another goroutine still waits for all of that.
func (q *Keyed[K, T]) Close() error {
	q.mustBeMade()
	id := goid.ID()
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.waiters.closeAll()
		q.nwait.Store(0)
		for ; q.idle > 0; q.idle-- {
			q.wake <- struct{}{} // parked workers see closed and end
		}
		if q.running == 0 {
			close(q.done) // no worker ever started, or all have ended
		}
	}
	self := q.workerOf(id) != nil
	q.mu.Unlock()
	if self {
		return q.fails.panics.Err()
	}
	<-q.done
	return q.fails.result()
}
