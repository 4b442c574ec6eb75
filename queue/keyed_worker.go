package queue

import (
	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
	"github.com/tamego/tame/internal/sched"
)

// A worker is the state of one worker goroutine of a Keyed queue that
// survives a panic in the handler, and a Goexit (its replacement gets it).
type worker[K comparable, T any] struct {
	cur   *line[K, T] // the line the worker holds, if any
	win   []T         // the rest of its window (see loop)
	buf   []T         // the window's memory, reused
	calls int         // handler calls made on cur's items in this turn
	ok    bool        // the last call returned
}

// maxWindow is the most items a worker takes from its line per turn when
// no other line is ready.
const maxWindow = 16

// work runs a worker goroutine: loop under catch.Call, once per panic (not
// per item).
func (q *Keyed[K, T]) work(w *worker[K, T]) {
	id := goid.ID()
	q.owner.Add(id)
	defer q.owner.Remove(id)
	for {
		pe := catch.Call(func() { q.loop(w) }, func(pe *tame.PanicError) {
			q.fails.goexited(pe, func() { go q.work(w) })
		})
		if pe == nil {
			return
		}
		q.fails.report(pe, func() { go q.work(w) })
	}
}

// loop hands items to the handler, taking turns over the ready lines, until
// the queue is closed and no line is ready.
//
// A turn is one item. But when no other line is ready and no Push waits,
// nobody waits for a turn, so the worker takes a window: up to maxWindow
// items of its line, which it hands to the handler one after the other
// without the lock, as long as no other line gets ready (nready) and no
// Push waits (nwait). The window's items still count in waiting until the
// turn ends; each one handed counts in handed, which the room is measured
// against, so the capacity stays exact. Items of a window cut short go back
// to the front of the line.
func (q *Keyed[K, T]) loop(w *worker[K, T]) {
	q.mu.Lock()
	for {
		if l := w.cur; l != nil {
			q.endTurn(w, l)
		}
		if q.ready.len() == 0 {
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
		v := l.items.pop(&q.chunks)
		l.busy = true
		w.cur, w.calls, w.ok = l, 1, false
		q.waiting--
		q.running++
		if q.ready.len() == 0 && q.waiters.Len() == 0 {
			w.win = w.buf[:0]
			for len(w.win) < maxWindow-1 && l.items.len() > 0 {
				w.win = append(w.win, l.items.pop(&q.chunks))
			}
			w.buf = w.win[:0]
		}
		q.nready.Store(int32(q.ready.len()))
		if q.waiters.Len() > 0 {
			q.letIn()
		}
		if q.idle == 0 && q.started < q.workers {
			// Keep a worker waiting for the next ready line while
			// workers may be added: Push cannot start one (see NewKeyed).
			q.started++
			go q.work(&worker[K, T]{})
		}
		q.mu.Unlock()
		sched.Point(sched.Handoff)
		q.handle(l.key, v)
		w.ok = true
		for len(w.win) > 0 && q.nready.Load() == 0 && q.nwait.Load() == 0 {
			var zero T
			v, w.win[0] = w.win[0], zero // the window keeps nothing alive
			w.win = w.win[1:]
			w.calls++
			w.ok = false
			q.handed.Add(1)
			if q.nwait.Load() > 0 {
				// A Push began to wait before it saw the room made.
				q.mu.Lock()
				q.letIn()
				q.mu.Unlock()
			}
			sched.Point(sched.Handoff)
			q.handle(l.key, v)
			w.ok = true
		}
		q.mu.Lock()
	}
}

// endTurn accounts for the calls of w's turn on l (the last one returned,
// panicked or called Goexit), puts back the items of a window cut short,
// and sends l to the end of the ready turn if it has more items, or
// forgets it; mu is held.
func (q *Keyed[K, T]) endTurn(w *worker[K, T], l *line[K, T]) {
	h := w.calls - 1 // the calls after the first were counted in handed
	q.waiting -= h
	q.handed.Add(int64(-h))
	q.running--
	q.completed += uint64(w.calls)
	if !w.ok {
		q.completed--
		q.failed++
	}
	for i := len(w.win) - 1; i >= 0; i-- {
		l.items.pushFront(&q.chunks, w.win[i])
		var zero T
		w.win[i] = zero
	}
	w.cur, w.win, w.calls = nil, nil, 0
	l.busy = false
	if l.items.len() > 0 {
		q.ready.push(l)
	} else {
		q.drop(l)
	}
	q.nready.Store(int32(q.ready.len()))
}

// add appends v to key's line; mu is held and there is room. A line that
// gets its first item while no worker holds it joins the end of the ready
// turn, and a waiting worker is woken for it (or a new one started, by a
// worker: see NewKeyed).
func (q *Keyed[K, T]) add(key K, v T) {
	l := q.lines[key]
	if l == nil {
		l = q.newLine(key)
		q.lines[key] = l
		q.peak = max(q.peak, len(q.lines))
	}
	l.items.push(&q.chunks, v)
	q.submitted++
	q.waiting++
	if q.waiting > q.maxWaiting {
		q.maxWaiting = max(q.maxWaiting, q.waiting-int(q.handed.Load()))
	}
	if l.busy || l.items.len() > 1 {
		return // its worker, or its place in the ready turn, will take it
	}
	q.ready.push(l)
	q.nready.Store(int32(q.ready.len()))
	if q.idle > 0 {
		q.idle--
		q.wake <- struct{}{} // never blocks: wake has room for every worker
	}
	// Otherwise every worker is busy, or about to look at the ready turn:
	// a worker that takes a line while none waits starts one more, up to
	// workers.
}

// letIn lets waiting Pushes in, oldest first, while there is room; mu is
// held, on a worker goroutine.
func (q *Keyed[K, T]) letIn() {
	q.waiters.Equip()
	for q.waiters.Len() > 0 && q.room() {
		it := q.waiters.Accept()
		q.add(it.key, it.v)
	}
	q.nwait.Store(int32(q.waiters.Len()))
}

// newLine returns a line for key: a drained one if there is one.
func (q *Keyed[K, T]) newLine(key K) *line[K, T] {
	var l *line[K, T]
	if n := len(q.spare); n > 0 {
		l, q.spare[n-1], q.spare = q.spare[n-1], nil, q.spare[:n-1]
	} else {
		l = &line[K, T]{}
	}
	l.key = key
	return l
}

// drop forgets a line that has drained: its key holds no memory any more
// (its chunks went back to the pool as they emptied), and the line is kept
// for reuse, without its key, up to a few. The map is made anew when it has
// shrunk to a quarter of its peak, since a Go map keeps its buckets after
// deletes.
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

// exit ends a worker once the queue is closed and no line is ready (a line
// still busy has its own worker); mu is held and is released.
func (q *Keyed[K, T]) exit(w *worker[K, T]) {
	q.started--
	last := q.started == 0
	q.ready.release()
	q.mu.Unlock()
	if last {
		close(q.done)
	}
}
