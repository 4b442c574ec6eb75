package pipeline

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// chunkMax is the most items the feeder of an OrderedMap puts in one chunk.
const chunkMax = 32

// cheapItem is the time per item under which an OrderedMap's feeder makes
// full chunks: a whole chunk then takes a worker at most chunkMax×cheapItem,
// less than spreading it would save, and the handoffs, which cost per chunk,
// are what bounds the throughput.
const cheapItem = time.Microsecond

// A chunk is a run of consecutive input items and their results. Chunks are
// what an OrderedMap hands from its feeder to its workers, so that the
// handoffs between them cost per chunk, not per item.
type chunk[T, R any] struct {
	seq   uint64 // the chunk's place in the input order
	items []T
	res   []R
}

// OrderedMap is like [Map] but its channel receives the results in the order
// of the items of in. When one item is slow, the others go ahead by a
// bounded number of items and then wait.
func OrderedMap[T, R any](p *Pipeline, in <-chan T, workers int, fn func(context.Context, T) (R, error)) <-chan R {
	mustChan("OrderedMap", in == nil)
	mustWorkers("OrderedMap", workers)
	mustFunc("OrderedMap", "fn", fn == nil)
	if workers == 1 {
		return mapStage(p, "OrderedMap", in, 1, fn)
	}
	out, ol := output[R](p)
	o := &ordered[T, R]{
		sh:      p.shared(),
		fn:      fn,
		workers: workers,
		out:     out,
		ol:      ol,
		slots:   make(chan struct{}, 2*workers), // one per chunk out: the window
		jobs:    make(chan *chunk[T, R], 2*workers),
		free:    make(chan *chunk[T, R], 2*workers+1),
		ring:    make([]*chunk[T, R], 2*workers),
	}
	own := owns(p, in)
	p.spawn("OrderedMap", workers+1, func(i int, t *tally) {
		if i == 0 {
			o.feed(in, own, t)
		} else {
			o.work(t)
		}
	}, func(i int) {
		if i == 0 {
			// Here, not in feed: the feeder's goroutine runs this also
			// when it was stopped before feed started.
			close(o.jobs)
			drain(in, own) // the feeder's input
		}
	}, func() { close(out) })
	return out
}

// ordered is the state of one OrderedMap stage.
type ordered[T, R any] struct {
	sh       *shared
	fn       func(context.Context, T) (R, error)
	workers  int
	out      chan R
	ol       *link
	slots    chan struct{}     // a token per chunk between the feeder and its emission
	jobs     chan *chunk[T, R] // chunks to compute, closed by the feeder
	free     chan *chunk[T, R] // chunks to reuse
	cost     atomic.Int64      // the last measured time per item in ns; 0 until measured
	mu       sync.Mutex        // guards ring, next and emitting; never held across a channel operation
	ring     []*chunk[T, R]    // completed chunks waiting for their turn, by seq % len(ring)
	next     uint64            // the seq of the chunk whose results are sent next
	emitting bool              // a worker is sending results
}

// feed takes the items from in, groups them into chunks and hands them to
// the workers, numbered in input order, until in is closed or the pipeline
// is stopped; then its goroutine closes jobs (see OrderedMap).
func (o *ordered[T, R]) feed(in <-chan T, own bool, t *tally) {
	sh := o.sh
	for seq := uint64(0); ; seq++ {
		v, ok := recv(sh, in, own, t)
		if !ok {
			return
		}
		t.received()
		var ch *chunk[T, R]
		select {
		case ch = <-o.free:
		default:
			// At most 2×workers+1 chunks are ever alive: one per slot, and
			// the one the feeder fills.
			ch = &chunk[T, R]{items: make([]T, 0, chunkMax), res: make([]R, chunkMax)}
		}
		ch.seq = seq
		ch.items = append(ch.items, v)
		closed := false
		// Take the items already waiting, never more, so that a chunk adds
		// no latency: when the items are known to be cheap, up to a full
		// chunk; otherwise up to a fair share per worker, so that a few
		// slow items are spread over the workers.
		limit := chunkMax
		if ns := o.cost.Load(); ns == 0 || ns > int64(cheapItem) {
			limit = min(chunkMax, 1+len(in)/o.workers)
		}
	fill:
		for len(ch.items) < limit {
			select {
			case v, ok := <-in:
				if !ok {
					closed = true
					break fill
				}
				t.received()
				ch.items = append(ch.items, v)
			default:
				break fill
			}
		}
		// A slot first: it is what bounds the window.
		if !send(sh, o.slots, struct{}{}, nil, t) || !send(sh, o.jobs, ch, nil, t) || closed {
			return
		}
	}
}

// work computes chunks until jobs is closed or the pipeline is stopped (it
// checks before every item). When the chunk it completed is the next in
// order, it sends the results.
func (o *ordered[T, R]) work(t *tally) {
	sh := o.sh
	for {
		ch, ok := recv(sh, o.jobs, true, t)
		if !ok {
			return
		}
		start := time.Now()
		for i, v := range ch.items {
			if sh.stopped() {
				return
			}
			r, err := o.fn(sh.ctx, v)
			if err != nil {
				sh.sc.Fail(err)
				return
			}
			ch.res[i] = r
		}
		o.cost.Store(int64(time.Since(start)) / int64(len(ch.items)))
		o.mu.Lock()
		o.ring[ch.seq%uint64(len(o.ring))] = ch
		if ch.seq != o.next || o.emitting {
			o.mu.Unlock() // its turn comes later, or the emitting worker takes it
			continue
		}
		o.emitting = true
		o.mu.Unlock()
		if !o.emit(t) {
			return
		}
	}
}

// emit sends the results of the chunk whose turn it is, then of the next
// ones while they are complete, then gives up emitting. It reports false
// once the pipeline is stopped.
func (o *ordered[T, R]) emit(t *tally) bool {
	sh := o.sh
	size := uint64(len(o.ring))
	o.mu.Lock()
	for {
		ch := o.ring[o.next%size]
		if ch == nil {
			o.emitting = false
			o.mu.Unlock()
			return true
		}
		o.ring[o.next%size] = nil
		o.mu.Unlock()
		n := len(ch.items)
		for _, r := range ch.res[:n] {
			if !send(sh, o.out, r, o.ol, t) {
				return false
			}
			t.out++
			t.done++
		}
		// Drop the references the chunk holds before it is reused.
		clear(ch.items)
		clear(ch.res[:n])
		ch.items = ch.items[:0]
		select {
		case o.free <- ch:
		default:
		}
		<-o.slots // the feeder put it there for this chunk: never blocks
		o.mu.Lock()
		o.next++
	}
}
