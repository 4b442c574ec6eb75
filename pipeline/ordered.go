package pipeline

import (
	"context"
	"sync/atomic"
	"time"
)

// chunkMax is the most items the feeder of an OrderedMap puts in one chunk.
const chunkMax = 32

// cheapItem is the time per item under which an OrderedMap's feeder makes
// full chunks: a whole chunk then takes a worker at most chunkMax×cheapItem
// (32 µs), less than spreading it would save, and the handoffs, which cost
// per chunk, are what bounds the throughput.
const cheapItem = time.Microsecond

// A chunk is a run of consecutive input items and their results. Chunks are
// what an OrderedMap hands from its feeder to its workers and to its emitter,
// so that the handoffs between them cost per chunk, not per item.
type chunk[T, R any] struct {
	items []T
	res   []R
	ready chan struct{} // capacity 1: the worker's signal that res is complete
}

// OrderedMap is like [Map] but its channel receives the results in the order
// of the items of in, with workers goroutines computing them in parallel.
//
// A feeder goroutine takes the items from in and groups the ones that are
// already waiting into chunks of at most 32 (when fn takes more than a
// microsecond per item, at most a fair share per worker of the items
// waiting, so that a few slow items are spread over the workers); the
// workers compute chunks in any order; an emitter goroutine sends the
// results chunk by chunk in input order. The handoffs between them cost per
// chunk, so keeping the order costs little per item. The reordering window is bounded:
// at most 2×workers chunks wait for their results or their turn, so when
// one item is slow, the others go ahead by at most (2×workers+2)×32 items
// and then wait; memory stays bounded and backpressure reaches in.
//
// Errors and panics are handled as in Map: once the pipeline is stopped, no
// worker starts another item. With workers = 1 it is Map with one worker.
// workers < 1, a nil fn or a nil in panics.
func OrderedMap[T, R any](p *Pipeline, in <-chan T, workers int, fn func(context.Context, T) (R, error)) <-chan R {
	mustChan("OrderedMap", in == nil)
	mustWorkers("OrderedMap", workers)
	mustFunc("OrderedMap", "fn", fn == nil)
	if workers == 1 {
		return mapStage(p, "OrderedMap", in, 1, fn)
	}
	out, ol := output[R](p)
	window := 2 * workers
	order := make(chan *chunk[T, R], window) // its capacity bounds the window
	jobs := make(chan *chunk[T, R], window+1)
	free := make(chan *chunk[T, R], window+2)
	c := p.core()
	own := owns(p, in)
	var cost atomic.Int64 // the last measured time per item in ns; 0 until measured
	p.spawn("OrderedMap", workers+2, func(i int, t *tally) {
		switch i {
		case 0:
			feed(c, in, own, workers, &cost, order, jobs, free, t)
		case 1:
			emit(c, order, out, ol, free, t)
		default:
			work(c, jobs, fn, &cost, t)
		}
	}, func(i int) {
		if i == 0 {
			drain(in, own) // the feeder
		}
	}, func() { close(out) })
	return out
}

// feed takes the items from in, groups them into chunks and hands each chunk
// to the emitter (order, in input order) and to the workers (jobs). It
// closes both once in is closed or the pipeline is stopped.
func feed[T, R any](c *core, in <-chan T, own bool, workers int, cost *atomic.Int64, order, jobs chan *chunk[T, R], free chan *chunk[T, R], t *tally) {
	defer close(order)
	defer close(jobs)
	for {
		v, ok := recv(c, in, own, t)
		if !ok {
			return
		}
		t.received()
		var ch *chunk[T, R]
		select {
		case ch = <-free:
		default:
			// At most window+2 chunks are ever alive: order holds window,
			// the feeder and the emitter one each.
			ch = &chunk[T, R]{
				items: make([]T, 0, chunkMax),
				res:   make([]R, chunkMax),
				ready: make(chan struct{}, 1),
			}
		}
		ch.items = append(ch.items, v)
		closed := false
		// Take the items already waiting, never more, so that a chunk adds
		// no latency: when the items are known to be cheap, up to a full
		// chunk; otherwise up to a fair share per worker, so that a few
		// slow items are spread over the workers.
		limit := chunkMax
		if ns := cost.Load(); ns == 0 || ns > int64(cheapItem) {
			limit = min(chunkMax, 1+len(in)/workers)
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
		if !send(c, order, ch, nil, t) || !send(c, jobs, ch, nil, t) || closed {
			return
		}
	}
}

// work computes the results of chunks until jobs is closed or the pipeline
// is stopped; it checks before every item.
func work[T, R any](c *core, jobs <-chan *chunk[T, R], fn func(context.Context, T) (R, error), cost *atomic.Int64, t *tally) {
	for {
		ch, ok := recv(c, jobs, true, t)
		if !ok {
			return
		}
		start := time.Now()
		for i, v := range ch.items {
			if c.stopped() {
				return
			}
			r, err := fn(c.ctx, v)
			if err != nil {
				c.fail(err)
				return
			}
			ch.res[i] = r
		}
		cost.Store(int64(time.Since(start)) / int64(len(ch.items)))
		ch.ready <- struct{}{} // never blocks: one signal per handoff
	}
}

// emit sends the results of the chunks in input order, waiting for each
// chunk's worker, then recycles the chunk.
func emit[T, R any](c *core, order <-chan *chunk[T, R], out chan<- R, ol *link, free chan<- *chunk[T, R], t *tally) {
	for {
		ch, ok := recv(c, order, true, t)
		if !ok {
			return
		}
		select {
		case <-ch.ready:
		default:
			t.waiting(c)
			select {
			case <-ch.ready:
			case <-c.done:
				return
			}
		}
		n := len(ch.items)
		for _, r := range ch.res[:n] {
			if !send(c, out, r, ol, t) {
				return
			}
			t.out++
			t.done++
		}
		// Drop the references the chunk holds before it is reused.
		clear(ch.items)
		clear(ch.res[:n])
		ch.items = ch.items[:0]
		select {
		case free <- ch:
		default:
		}
	}
}
