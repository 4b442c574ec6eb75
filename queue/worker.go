package queue

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
)

// add appends v to key's line; mu is held and there is room. A line that
// gets its first item while no worker holds it joins the end of the ready
// turn, and a worker is woken (or started) for it.
func (q *Keyed[K, T]) add(key K, v T) {
	l := q.lines[key]
	if l == nil {
		l = q.newLine(key)
		q.lines[key] = l
		q.peak = max(q.peak, len(q.lines))
	}
	l.items.push(&q.chunks, v)
	q.total++
	q.maxDepth = max(q.maxDepth, q.total)
	if l.busy || l.items.len() > 1 {
		return // its worker, or its place in the ready turn, will take it
	}
	q.ready.push(l)
	q.nready.Store(int32(q.ready.len()))
	switch {
	case q.idle > 0:
		q.idle--
		q.wake <- struct{}{} // never blocks: wake has room for every worker
	case q.running < q.workers:
		q.running++
		go q.work(&worker[K, T]{q: q})
	}
	// Otherwise every worker is awake and looks at the ready turn before it
	// parks.
}

func (q *Keyed[K, T]) newLine(key K) *line[K, T] {
	if n := len(q.spare); n > 0 {
		l := q.spare[n-1]
		q.spare = q.spare[:n-1]
		l.key = key
		return l
	}
	return &line[K, T]{key: key}
}

// drop forgets a line that has drained: the key holds no memory any more
// (its chunks went back to the pool as they emptied; a few empty lines are
// kept for reuse, without their key). The map is
// made anew when it has shrunk to a quarter of its peak, since a Go map
// keeps its buckets after deletes.
func (q *Keyed[K, T]) drop(l *line[K, T]) {
	delete(q.lines, l.key)
	var zero K
	l.key = zero
	if len(q.spare) < 64 {
		q.spare = append(q.spare, l)
	}

	if n := len(q.lines); q.peak >= 64 && n <= q.peak/4 {
		m := make(map[K]*line[K, T], n)
		for k, l := range q.lines {
			m[k] = l
		}
		q.lines, q.peak = m, n
	}
}

// A worker is the state of one worker goroutine that survives a panic in
// the handler, and a Goexit (its replacement gets it).
type worker[K comparable, T any] struct {
	q   *Keyed[K, T]
	cur *line[K, T] // the line whose items are being handled, if any
	gid uint64

	// The window: the first n items of cur, which the worker hands to the
	// handler one after the other without taking the lock (see loop). given
	// of them were handed over (the one that panicked included); the first
	// counted of them no longer count in q.total and count in q.handled.
	// c and i locate the next one.
	n, given, counted int
	c                 *chunk[T]
	i                 int
}

// maxWindow is the most items a worker hands to the handler per
// acquisition of the lock.
const maxWindow = 16

// work runs a worker goroutine: loop under catch.Call, once per panic (not
// per item).
func (q *Keyed[K, T]) work(w *worker[K, T]) {
	id := goid.ID()
	q.mu.Lock()
	if !slices.Contains(q.ws, w) { // (a replacement after a Goexit is there)
		q.ws = append(q.ws, w)
	}
	w.gid = id
	q.mu.Unlock()
	replace := func() { go q.work(w) }
	for {
		pe := catch.Call(w.loop, func(pe *tame.PanicError) { q.fails.goexited(pe, replace) })
		if pe == nil {
			return
		}
		q.fails.handler(pe, replace)
	}
}

// workerOf returns the worker whose goroutine has the id, or nil; mu is
// held.
func (q *Keyed[K, T]) workerOf(id uint64) *worker[K, T] {
	for _, w := range q.ws {
		if w.gid == id {
			return w
		}
	}
	return nil
}

// self is the check of await, with mu held: it reports whether the
// goroutine id is a worker's, whose Push would wait for room that the
// workers make. The items of its window it was already given still count
// as waiting (see loop), so it first takes them out of the counts (commit
// takes them out of the line) and lets waiting Pushes in while there is
// room: the caller's own among them when there is room for it, and await
// then returns nil.
func (q *Keyed[K, T]) self(id uint64) bool {
	w := q.workerOf(id)
	if w == nil {
		return false
	}
	if d := w.given - w.counted; d > 0 {
		q.total -= d
		q.handled += int64(d)
		w.counted = w.given
	}
	q.letIn()
	return true
}

// loop hands items to the handler, taking turns over the ready lines, until
// the queue is closed and no line is ready.
//
// A turn is one item. But when no other line is ready, nobody waits for a
// turn, so the worker takes a window of up to maxWindow items of its line
// and hands them over one after the other without the lock, as long as no
// other line gets ready (q.nready) and no Push waits for room (q.nwait);
// then it takes the lock once for all of them. Only the worker that holds a
// line takes items from it, and Pushes add theirs after the window, so
// reading the window without the lock is safe. Until then the window's items
// after the first still count as waiting (Len, room), as if they were not
// handed over yet.
func (w *worker[K, T]) loop() {
	q := w.q
	q.mu.Lock()
	for {
		if l := w.cur; l != nil {
			// Done with the given items of l (handled or panicked): l goes
			// to the end of the turn if it has more, and is forgotten if
			// not.
			w.commit(l)
			w.cur = nil
			l.busy = false
			if l.items.len() > 0 {
				q.ready.push(l)
			} else {
				q.drop(l)
			}
		}
		if q.ready.len() == 0 {
			q.nready.Store(0)
			if q.closed {
				q.exit(w)
				return
			}
			q.idle++
			q.mu.Unlock()
			<-q.wake
			q.mu.Lock()
			continue
		}
		l := q.ready.pop()
		l.busy = true
		w.cur = l
		w.n = 1
		if q.ready.len() == 0 {
			w.n = min(l.items.len(), maxWindow)
		}
		w.given, w.counted = 0, 1
		w.c, w.i = l.items.head, l.items.hi
		q.nready.Store(int32(q.ready.len()))
		q.total--
		q.handled++
		q.admit()
		q.mu.Unlock()
		for {
			v := w.c.items[w.i]
			w.given++
			w.i++
			if w.i == chunkSize && w.given < w.n {
				// The window goes on in the next chunk, which was linked
				// before the window was taken.
				w.c, w.i = w.c.next, 0
			}
			q.handle(l.key, v)
			if w.given == w.n || q.nready.Load() > 0 || q.nwait.Load() > 0 {
				break
			}
		}
		q.mu.Lock()
	}
}

// commit takes the given items of the window out of l and out of the
// counts; mu is held.
func (w *worker[K, T]) commit(l *line[K, T]) {
	q := w.q
	for range w.given {
		l.items.pop(&q.chunks)
	}
	if d := w.given - w.counted; d > 0 {
		q.total -= d
		q.handled += int64(d)
		q.admit()
	}
	w.n, w.given, w.counted, w.c = 0, 0, 0, nil
}

// admit lets waiting Pushes in, oldest first, while there is room; mu is
// held. It starts only once the workers have made room for a batch
// (q.batch items): letting waiters in as soon as there is room for one would
// wake a producer per item handled, and each would push one item and wait
// again; let in together, they go on pushing into the room left.
func (q *Keyed[K, T]) admit() {
	if q.waiters.len() == 0 || q.capacity-q.total < q.batch {
		return
	}
	q.letIn()
}

// letIn lets waiting Pushes in, oldest first, while there is room; mu is
// held.
func (q *Keyed[K, T]) letIn() {
	for q.waiters.len() > 0 && q.total < q.capacity {
		wt, it := q.waiters.pop()
		q.add(it.key, it.v)
		finish(wt, nil)
	}
	q.nwait.Store(int32(q.waiters.len()))
}

// exit ends a worker once the queue is closed and no line is ready (a line
// still busy has its own worker); mu is held and is released.
func (q *Keyed[K, T]) exit(w *worker[K, T]) {
	q.running--
	if i := slices.Index(q.ws, w); i >= 0 {
		q.ws = slices.Delete(q.ws, i, i+1)
	}
	last := q.running == 0
	q.ready.shrink(0)
	q.mu.Unlock()
	if last {
		close(q.done)
	}
}

// checkKey panics, in the caller's goroutine and before the lock is taken,
// when key cannot be a map key: an interface value whose dynamic type is
// not comparable (a slice, a map, a func). Found later, under the lock, it
// would leave the queue locked for good. It is small enough to be inlined:
// for key types without interfaces it costs one test per Push.
func (q *Keyed[K, T]) checkKey(key K) {
	if q.checkKeys {
		hashable(key)
	}
}

// hashable panics with a "queue:" message when key cannot be a map key.
func hashable[K comparable](key K) {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("queue: key %T cannot be a map key: %v", key, r))
		}
	}()
	_ = map[K]bool(nil)[key] // hashes key, so it panics as a lookup under the lock would
}

// mayHoldInterface reports whether values of type t may hold an interface
// value.
func mayHoldInterface(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Array:
		return mayHoldInterface(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if mayHoldInterface(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}
