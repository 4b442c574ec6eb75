package queue

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/goid"
	"github.com/tamego/tame/internal/kinds"
	"github.com/tamego/tame/internal/pad"
	"github.com/tamego/tame/internal/ring"
	"github.com/tamego/tame/internal/sched"
)

// A Keyed queue keeps one line per key: items with the same key are handled
// one at a time, in the order they were accepted; items with different keys
// are handled in parallel, on at most workers goroutines. Ready keys take
// turns, one item each, so a hot key never starves the others.
//
// Because keys run in parallel, the handler may touch only the state of the
// key it is called with: state shared by all keys (one map updated for every
// key, a counter) is a data race. Give each key its own value made before
// the queue runs (see the examples), or use a lock.
//
// A Keyed queue is safe for concurrent use. Make one with [NewKeyed]; the
// zero value is not usable (its methods panic). It must not be copied after
// first use.
//
// Push and TryPush panic, in the caller's goroutine, with a key that is not
// equal to itself (a NaN, or a value holding one) or an interface key whose
// dynamic type is not comparable; the queue goes on working.
//
// The first worker goroutine starts in NewKeyed, the others as there is
// work; all end once Close or Shutdown was called and every accepted item
// was handled.
type Keyed[K comparable, T any] struct {
	handle   func(K, T)
	anyKeys  bool // K may hold an interface value
	capacity int
	workers  int
	wake     chan struct{} // one signal per idle worker let go; room for every worker
	done     chan struct{} // closed when the last worker has ended, after Close
	owner    goid.Set      // the worker goroutines
	fails    failures

	// Read by workers without the lock (see loop), stored under mu.
	_      pad.Line
	handed atomic.Int64 // items of windows given to the handler, still counted in waiting
	_      pad.Line
	nwait  atomic.Int32 // waiters.len()
	nready atomic.Int32 // ready.len()
	_      pad.Line

	mu         sync.Mutex
	lines      map[K]*line[K, T]  // keys with items waiting or being handled
	peak       int                // most entries lines had since it was made
	ready      deque[*line[K, T]] // lines with items waiting and no worker, in turn
	chunks     chunkPool[T]       // the memory of the lines' items
	spare      []*line[K, T]      // drained lines, without a key, for reuse
	waiting    int                // items waiting over all keys, plus handed
	maxWaiting int
	submitted  uint64
	refused    uint64
	running    int // handler calls in progress
	completed  uint64
	failed     uint64
	started    int // worker goroutines
	idle       int // workers waiting on wake
	closed     bool
	waiters    ring.Waiters[item[K, T]]
}

// A line is the FIFO of one key. While busy, a worker handles one of its
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

// NewKeyed returns a Keyed queue that calls handle on every accepted item
// with its key, at most workers calls at once; capacity is the most items
// that wait at once, over all keys. NewKeyed panics if workers < 1, capacity
// < 1 or handle is nil.
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
	q := &Keyed[K, T]{
		handle:   handle,
		anyKeys:  kinds.Holds(reflect.TypeFor[K](), func(k reflect.Kind) bool { return k == reflect.Interface }),
		capacity: capacity,
		workers:  workers,
		wake:     make(chan struct{}, workers),
		done:     make(chan struct{}),
		fails:    failures{onPanic: o.onPanic},
		lines:    make(map[K]*line[K, T]),
		chunks:   newChunkPool[T](capacity),
		started:  1,
		waiters:  ring.NewWaiters[item[K, T]](),
	}
	// The first worker starts here, and every other one is started by a
	// worker: the queue's goroutines, and the channels they make, belong to
	// the synctest bubble (or none) of NewKeyed's caller, never to that of
	// a caller of Push.
	go q.work(&worker[K, T]{})
	return q
}

func (q *Keyed[K, T]) mustBeMade() {
	if q.done == nil {
		panic("queue: Keyed used without NewKeyed")
	}
}

// Push adds v at the end of key's line. It waits, returns and refuses as
// [Queue.Push] does.
func (q *Keyed[K, T]) Push(ctx context.Context, key K, v T) error {
	sched.Point(sched.Push)
	q.mustBeMade()
	q.mustBeKey(key)
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			q.mu.Lock()
			q.refused++
			q.mu.Unlock()
			return ctx.Err()
		default:
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.refused++
		return tame.ErrClosed
	}
	if q.waiters.Len() == 0 && q.room() {
		q.add(key, v)
		return nil
	}
	if q.owner.HasCaller() {
		// Called from the handler, this Push would wait for room that the
		// workers make: if every worker waited, none would make it.
		q.refused++
		return errPushInside
	}
	// Full: wait at once. Pushes that yielded to the workers first, hoping
	// for room, would take the lock from them again and again.
	w := q.waiters.Add(item[K, T]{key, v})
	q.nwait.Store(int32(q.waiters.Len()))
	// A worker in a window counts an item handed, then looks at nwait;
	// this stored nwait, now it looks at the count: one sees the other.
	if q.waiters.First(w) && q.room() {
		q.waiters.Remove(w)
		q.nwait.Store(0)
		q.add(key, v)
		return nil
	}
	err := q.waiters.Await(ctx, &q.mu, w)
	q.nwait.Store(int32(q.waiters.Len()))
	if err != nil {
		q.refused++
	}
	return err
}

// TryPush adds v at the end of key's line if there is room now, as
// [Queue.TryPush] does.
func (q *Keyed[K, T]) TryPush(key K, v T) bool {
	sched.Point(sched.Push)
	q.mustBeMade()
	q.mustBeKey(key)
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.waiters.Len() > 0 || !q.room() {
		q.refused++
		return false
	}
	q.add(key, v)
	return true
}

// Len returns the number of items waiting, over all keys.
func (q *Keyed[K, T]) Len() int {
	q.mustBeMade()
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.waiting - int(q.handed.Load())
}

// room reports whether fewer than capacity items wait; mu is held.
func (q *Keyed[K, T]) room() bool {
	// handed is read only when it matters: the workers write it per item.
	return q.waiting < q.capacity || q.waiting-int(q.handed.Load()) < q.capacity
}

// Stats returns a snapshot of the queue's counters.
func (q *Keyed[K, T]) Stats() Stats {
	q.mustBeMade()
	q.mu.Lock()
	defer q.mu.Unlock()
	// Each item handed in a window follows a call that returned: until its
	// turn ends, it counts in completed (the call before it), not waiting.
	handed := q.handed.Load()
	return Stats{
		Submitted:  q.submitted,
		Refused:    q.refused,
		Waiting:    q.waiting - int(handed),
		MaxWaiting: q.maxWaiting,
		Running:    q.running,
		Completed:  q.completed + uint64(handed),
		Failed:     q.failed,
		Keys:       len(q.lines),
		Blocked:    q.waiters.Len(),
	}
}

// Close is [Queue.Close] for a Keyed queue: it also waits for every worker
// goroutine to end.
func (q *Keyed[K, T]) Close() error {
	return q.Shutdown(context.Background())
}

// Shutdown is [Queue.Shutdown] for a Keyed queue.
func (q *Keyed[K, T]) Shutdown(ctx context.Context) error {
	sched.Point(sched.Close)
	q.mustBeMade()
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.waiters.CloseAll()
		q.nwait.Store(0)
		for ; q.idle > 0; q.idle-- {
			q.wake <- struct{}{} // idle workers see closed and end
		}
	}
	handled := q.waiting == 0 && q.running == 0
	q.mu.Unlock()
	if q.owner.HasCaller() {
		return errCloseInside
	}
	return q.fails.wait(ctx, handled, q.done)
}

// mustBeKey panics, in the caller's goroutine and before the lock is taken,
// when key could not find its line again: a key not equal to itself, or
// (only when K may hold an interface value) an interface value whose
// dynamic type is not comparable.
func (q *Keyed[K, T]) mustBeKey(key K) {
	if q.anyKeys {
		mustCompare(key)
	}
	if key != key {
		panic(fmt.Sprintf("queue: key is not equal to itself: %v", key))
	}
}

// mustCompare panics with a "queue:" message when comparing key panics.
func mustCompare[K comparable](key K) {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("queue: key %T is not comparable: %v", key, r))
		}
	}()
	_ = key == key
}
