package pipeline

import "iter"

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
// closes the channel. seq runs on that goroutine: while it blocks between
// two values (reading a socket, say), the pipeline cannot stop it, so a seq
// that can block should watch [Pipeline.Context] and return when it is done.
// A panic in seq is a stage panic: it stops the pipeline and Wait re-raises
// it. A nil seq panics.
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
