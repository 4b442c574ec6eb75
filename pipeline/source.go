package pipeline

import (
	"context"
	"iter"
)

// From returns a channel that receives the items of the slice, in order, and
// is closed after the last one. One goroutine of p sends them; it stops early,
// and closes the channel, once the pipeline is stopped. The slice is read
// while the pipeline runs: do not change it until Wait has returned. An
// empty or nil slice gives a channel that is closed at once.
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

// FromSeq returns a channel that receives the values of seq, in order, and is
// closed once seq ends. One goroutine of p ranges over seq; once the pipeline
// is stopped, it breaks out of the loop (seq's yield returns false) and
// closes the channel. A panic in seq is a stage panic: it stops the pipeline
// and Wait re-raises it. A nil seq panics.
//
// seq runs on that goroutine, and the pipeline cannot interrupt it: while it
// blocks between two values, Wait, the sinks and a break out of [All] wait
// for it. A source that can block or fail is better written with [Generate],
// whose function gets the pipeline's context and returns an error.
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
// and gets the pipeline's context. yield sends a value and reports true, or,
// once the pipeline is stopping, sends nothing and reports false: gen should
// then return (later calls send nothing and report false too).
//
// An error returned by gen stops the pipeline like a stage error: it is what
// Wait and the sinks return, unless the pipeline had stopped already, in
// which case the first cause stays (a read that fails because the stop
// closed the reader does not hide why the pipeline stopped). A panic in gen
// (panic(nil) and [runtime.Goexit] included) is a stage panic: it stops the
// pipeline and Wait re-raises it. When the pipeline is made with a context
// that is already done, gen is not called.
//
// The pipeline cannot interrupt gen. While gen is blocked (in a Read, say)
// it does not call yield, and Wait, the sinks and a break out of [All] wait
// for it to return. So a gen that can block must return promptly once ctx is
// done: select on ctx.Done(), pass ctx to the calls that take one, and close
// a reader that does not (a file, a connection) when ctx is done, with
// [context.AfterFunc], so that the blocked Read returns.
//
// yield must be called only from gen's goroutine while gen runs; a call
// after gen has returned panics. A nil gen panics.
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
