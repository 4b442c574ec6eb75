package pipeline

import (
	"context"
	"iter"
)

// From returns a channel that receives the items of the slice, in order, and
// is closed after the last one, or once the pipeline is stopped. Do not
// change the slice until Wait has returned.
func From[T any](p *Pipeline, items []T) <-chan T {
	out, ol := output[T](p)
	sh := p.shared()
	p.spawn("From", 1, func(_ int, t *tally) {
		for _, v := range items {
			t.received()
			if ol.consumed.Load() && sh.fast() {
				out <- v // the fast path of send
			} else if !send(sh, out, v, ol, t) {
				return
			}
			t.out++
			t.done++
		}
	}, nil, func() { close(out) })
	return out
}

// FromSeq returns a channel that receives the values of seq, in order, and
// is closed once seq ends or the pipeline is stopped (seq's yield then
// returns false). The pipeline cannot interrupt seq; a source that can block
// or fail is better written with [Generate]. A nil seq panics.
func FromSeq[T any](p *Pipeline, seq iter.Seq[T]) <-chan T {
	mustFunc("FromSeq", "seq", seq == nil)
	out, ol := output[T](p)
	sh := p.shared()
	p.spawn("FromSeq", 1, func(_ int, t *tally) {
		for v := range seq {
			t.received()
			if ol.consumed.Load() && sh.fast() {
				out <- v // the fast path of send
			} else if !send(sh, out, v, ol, t) {
				return
			}
			t.out++
			t.done++
		}
	}, nil, func() { close(out) })
	return out
}

// Generate returns a channel that receives the values gen passes to yield,
// in order, and is closed once gen returns. gen runs on one goroutine of p
// with the pipeline's context; it is not called if that context is already
// done. yield sends a value and reports true, or, once the pipeline is
// stopping, sends nothing and reports false: gen should then return. yield
// must be called only from gen's goroutine; a call after gen has returned
// panics. An error returned by gen stops the pipeline like a stage error,
// unless it had stopped already.
//
// The pipeline cannot interrupt gen, and Wait and the sinks wait for it: a
// gen that can block must return promptly once ctx is done, for example by
// closing its reader with [context.AfterFunc]. A nil gen panics.
func Generate[T any](p *Pipeline, gen func(ctx context.Context, yield func(T) bool) error) <-chan T {
	mustFunc("Generate", "gen", gen == nil)
	out, ol := output[T](p)
	sh := p.shared()
	p.spawn("Generate", 1, func(_ int, t *tally) {
		running, returned := true, false
		yield := func(v T) bool {
			if returned {
				panic("pipeline: Generate: yield called after gen returned")
			}
			if !running {
				return false
			}
			t.received()
			if ol.consumed.Load() && sh.fast() {
				out <- v // the fast path of send
			} else if !send(sh, out, v, ol, t) {
				running = false
				return false
			}
			t.out++
			t.done++
			return true
		}
		defer func() { returned = true }() // also when gen panics
		if err := gen(sh.ctx, yield); err != nil {
			sh.sc.Fail(err) // the first cause wins: a no-op once stopped
		}
	}, nil, func() { close(out) })
	return out
}
