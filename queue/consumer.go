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

// publishEvery is how often the consumer publishes its position in the run
// (q.progress) to the producers: an atomic store per item costs more than
// the rest of the consumer's work on it.
const publishEvery = 16

// drain hands the items of the current run to the handler, then takes the
// next run, until the queue is closed and empty. Its position is in q.pos,
// which survives a panic: the item that panicked is not retried.
//
// It publishes the position for the producers (q.progress) before it hands
// over the first item of a run and then every publishEvery items, not per
// item: between two stores the producers count up to publishEvery-1 items
// the handler was already given as waiting, so they may find the queue full
// a little early, never late. A Push that then waits is let in as soon as
// the handler returns (the run ends early when Pushes wait), so nothing
// waits for a store that never comes.
func (q *Queue[T]) drain() {
	var zero T
	ring := q.ring
	for {
		first, taken := q.first, q.taken
		p := q.pos
		pub := int(q.progress.Load())
		for p < taken {
			i := first + p
			if i >= len(ring) {
				i -= len(ring)
			}
			v := ring[i]
			if q.clear {
				ring[i] = zero // do not keep what v points to alive
			}
			p++
			q.pos = p
			if p == 1 || p-pub >= publishEvery {
				q.progress.Store(int64(p)) // v is being handled: it waits no more
				pub = p
			}
			q.handle(v)
			// Pushes wait for room: end the run early, as soon as the room
			// made is enough for all of them, so they are let in by one
			// acquisition of the lock rather than one each.
			if w := q.nwait.Load(); w > 0 && p >= int(w) {
				break
			}
		}
		if !q.next() {
			return
		}
	}
}

// next releases the items handled in the current run, lets waiting Pushes
// in, and takes the next run. When nothing waits it parks until a Push or
// Close wakes it. It reports false when the queue is closed and empty.
func (q *Queue[T]) next() bool {
	q.mu.Lock()
	for {
		if p := q.pos; p > 0 {
			q.head += p
			if q.head >= len(q.ring) {
				q.head -= len(q.ring)
			}
			q.n -= p
			q.released += int64(p)
			q.progress.Store(0)
			q.pos = 0
			q.seen = 0
		}
		// Waiting Pushes first, oldest first: they were refused room before
		// the Pushes that come after them.
		for q.waiters.len() > 0 && q.n < q.capacity {
			w, v := q.waiters.pop()
			q.put(v)
			finish(w, nil)
		}
		q.nwait.Store(int32(q.waiters.len()))
		q.first, q.taken = q.head, min(q.n, maxRun, q.capacity)
		switch {
		case q.taken > 0:
			q.mu.Unlock()
			return true
		case q.closed:
			q.mu.Unlock()
			return false
		}
		// Nothing to do: park at once. A consumer that yielded first
		// (runtime.Gosched) would not be woken by a Push meanwhile, and
		// under CPU load a yield waits a whole time slice: tens of
		// milliseconds per item (BenchmarkLatencyUnderLoad).
		q.parked = true
		q.mu.Unlock()
		<-q.wake
		q.mu.Lock()
	}
}

// goexited is called by catch.Call on the consumer goroutine when the
// handler called runtime.Goexit: the goroutine is ending, so it starts a
// replacement, which goes on with the next item.
func (q *Queue[T]) goexited(pe *tame.PanicError) {
	q.fails.goexited(pe, q.replace)
}

func (q *Queue[T]) replace() { go q.consume() }
