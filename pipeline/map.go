package pipeline

import "context"

// Map returns a channel that receives fn(ctx, v) for every item v of in, in
// any order (in input order with one worker), computed by workers goroutines
// with the pipeline's context. The channel is closed once in is closed and
// every result is sent, or once the pipeline is stopped; then no worker
// takes another item. An error from fn stops the pipeline and its result is
// not sent. workers < 1, a nil fn or a nil in panics.
func Map[T, R any](p *Pipeline, in <-chan T, workers int, fn func(context.Context, T) (R, error)) <-chan R {
	mustChan("Map", in == nil)
	mustWorkers("Map", workers)
	mustFunc("Map", "fn", fn == nil)
	return mapStage(p, "Map", in, workers, fn)
}

// mapStage is Map, reported as kind.
func mapStage[T, R any](p *Pipeline, kind string, in <-chan T, workers int, fn func(context.Context, T) (R, error)) <-chan R {
	out, ol := output[R](p)
	sh := p.shared()
	own := owns(p, in)
	p.spawn(kind, workers, func(_ int, t *tally) {
		for {
			// The fast paths of recv and send, written out: a plain
			// receive and a plain send between stages of a pipeline that
			// is running and not watched (see fast).
			var v T
			var ok bool
			if own && sh.fast() {
				v, ok = <-in
			} else {
				v, ok = recv(sh, in, own, t)
			}
			if !ok {
				return
			}
			t.received()
			r, err := fn(sh.ctx, v)
			if err != nil {
				sh.sc.Fail(err)
				return
			}
			if ol.consumed.Load() && sh.fast() {
				out <- r
			} else if !send(sh, out, r, ol, t) {
				return
			}
			t.out++
			t.done++
		}
	}, func(int) { drain(in, own) }, func() { close(out) })
	return out
}

// FlatMap is like [Map] with a function that returns any number of results
// per item; the results of one item are sent in order.
func FlatMap[T, R any](p *Pipeline, in <-chan T, workers int, fn func(context.Context, T) ([]R, error)) <-chan R {
	mustChan("FlatMap", in == nil)
	mustWorkers("FlatMap", workers)
	mustFunc("FlatMap", "fn", fn == nil)
	out, ol := output[R](p)
	sh := p.shared()
	own := owns(p, in)
	p.spawn("FlatMap", workers, func(_ int, t *tally) {
		for {
			v, ok := recv(sh, in, own, t)
			if !ok {
				return
			}
			t.received()
			rs, err := fn(sh.ctx, v)
			if err != nil {
				sh.sc.Fail(err)
				return
			}
			for _, r := range rs {
				if !send(sh, out, r, ol, t) {
					return
				}
				t.out++
			}
			t.done++
		}
	}, func(int) { drain(in, own) }, func() { close(out) })
	return out
}

// Filter returns a channel that receives, in order, the items of in for
// which the quick, pure test keep returns true. A nil keep or a nil in
// panics.
func Filter[T any](p *Pipeline, in <-chan T, keep func(T) bool) <-chan T {
	mustChan("Filter", in == nil)
	mustFunc("Filter", "keep", keep == nil)
	out, ol := output[T](p)
	sh := p.shared()
	own := owns(p, in)
	p.spawn("Filter", 1, func(_ int, t *tally) {
		for {
			v, ok := recv(sh, in, own, t)
			if !ok {
				return
			}
			t.received()
			if keep(v) {
				if !send(sh, out, v, ol, t) {
					return
				}
				t.out++
			}
			t.done++
		}
	}, func(int) { drain(in, own) }, func() { close(out) })
	return out
}
