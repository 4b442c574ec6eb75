package queue

import (
	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
)

// consume is the consumer goroutine. It runs drain under catch.Call, which
// sets up one deferred recover per call of drain, not per item: after a
// panic, drain is called again and goes on with the next item. A Goexit ends
// the goroutine after goexited has started a replacement.
//
// It is catch.Loop written out, because the two ways of failing need
// different callbacks: a panic must not start a replacement, a Goexit must.
func (q *Queue[T]) consume() {
	id := goid.ID()
	q.mu.Lock()
	q.gid = id
	q.mu.Unlock()
	for {
		pe := catch.Call(q.drain, q.goexited)
		if pe == nil {
			break
		}
		q.fails.handler(pe, q.replace)
	}
	close(q.done)
}

// publishEvery is how often the consumer publishes its position (q.head)
// to the producers: an atomic store per item costs more than the rest of
// the consumer's work on it.
const publishEvery = 16

// drain hands the items to the handler in the order of their positions
// until the queue is closed and empty. Its position is in q.pos, which
// survives a panic: the item that panicked is not retried.
//
// It publishes its position for the producers (q.head) every publishEvery
// items, at the first item after a wait, and under mu whenever it lets
// waiting Pushes in or is about to park: between two stores the producers
// count up to publishEvery-1 items the handler was already given as
// waiting, so they may find the queue full a little early, never late; a
// Push that then waits is let in by the consumer itself, which knows its
// true position.
func (q *Queue[T]) drain() {
	var zero T
	ring, mask := q.ring, q.mask
	for {
		p := q.pos
		s := &ring[p&mask]
		if s.seq.Load() != p+1 {
			// Not written yet: nothing is waiting, or the Push that
			// claimed p has not stored its item yet.
			if !q.idle() {
				return
			}
			continue
		}
		v := s.v
		if q.clear {
			s.v = zero // do not keep what v points to alive
		}
		p++
		q.pos = p
		if q.fresh || p-q.pub >= publishEvery {
			q.fresh = false
			q.pub = p
			q.head.Store(p) // v is being handled: it waits no more
		}
		if q.nwait.Load() > 0 {
			q.admit()
		}
		q.handle(v)
	}
}

// admit lets waiting Pushes in once there is room for q.batch items (the
// consumer knows its true position): letting them in as soon as
// there is room for one would wake a producer per item handled, and each
// would push one item and wait again; let in together, they go on pushing
// into the room left.
func (q *Queue[T]) admit() {
	t := q.tail.Load() &^ closedBit
	if q.capacity-(t-q.pos) < q.batch {
		return
	}
	q.mu.Lock()
	q.publish()
	q.letIn()
	q.mu.Unlock()
}

// publish stores the consumer's true position in head.
func (q *Queue[T]) publish() {
	if q.pub != q.pos {
		q.pub = q.pos
		q.head.Store(q.pos)
	}
}

// letIn lets waiting Pushes in, oldest first, while there is room: it
// claims their positions and writes their items itself, then tells them.
// mu is held and head is the consumer's true position. It reports whether
// it let any in.
func (q *Queue[T]) letIn() bool {
	in := false
	for q.waiters.len() > 0 {
		t := q.tail.Load()
		if t&closedBit != 0 || t-q.pos >= q.capacity {
			break // (Close refuses every waiting Push under mu: not closed here)
		}
		if !q.tail.CompareAndSwap(t, t+1) {
			continue // a Push that did not see the waiters took t
		}
		q.noteDepth(t + 1 - q.pos)
		w, v := q.waiters.pop()
		s := &q.ring[t&q.mask]
		s.v = v
		s.seq.Store(t + 1)
		finish(w, nil)
		in = true
	}
	q.nwait.Store(int32(q.waiters.len()))
	return in
}

// idle is called when the item at q.pos is not written yet. Under mu, it
// publishes the true position, lets waiting Pushes in, and parks until a
// Push writes an item or Close is called. It reports false when the queue
// is closed and every accepted item was handled.
func (q *Queue[T]) idle() bool {
	q.mu.Lock()
	q.publish()
	if q.letIn() {
		q.mu.Unlock()
		return true
	}
	if q.closed && q.tail.Load()&^closedBit == q.pos {
		q.mu.Unlock()
		return false
	}
	// Park at once. A consumer that yielded first (runtime.Gosched) would
	// not be woken by a Push meanwhile, and under CPU load a yield waits a
	// whole time slice: tens of milliseconds per item
	// (BenchmarkLatencyUnderLoad).
	//
	// Set parked, then look at the slot again: a Push stores its item, then
	// looks at parked, so either it sees parked and signals, or this sees
	// the item. Pushes that wait for room need no look: they wait only
	// while the queue is full, so the item at pos is claimed and its Push
	// will signal. Close signals under mu.
	q.parked.Store(true)
	p := q.pos
	ready := q.ring[p&q.mask].seq.Load() == p+1
	q.mu.Unlock()
	if !ready || !q.parked.CompareAndSwap(true, false) {
		// Parked, or a Push swapped parked and sends (or has sent) the
		// signal: take it, so the next park waits for a new one.
		<-q.wake
	}
	q.fresh = true
	return true
}

// goexited is called by catch.Call on the consumer goroutine when the
// handler called runtime.Goexit: the goroutine is ending, so it starts a
// replacement, which goes on with the next item.
func (q *Queue[T]) goexited(pe *tame.PanicError) {
	q.fails.goexited(pe, q.replace)
}

func (q *Queue[T]) replace() { go q.consume() }
