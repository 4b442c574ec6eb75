package pipeline

import (
	"context"
	"iter"
)

// ForEach calls fn for every item of in, in the caller's goroutine, until in
// is closed or the pipeline is stopped, then waits for the whole pipeline
// and returns what [Pipeline.Wait] returns. An error from fn stops the
// pipeline and is returned, unless the pipeline had failed already. A panic
// in fn stops the pipeline too: ForEach waits for the stages, then panics
// with a *[github.com/tamego/tame.PanicError]. If fn calls runtime.Goexit,
// ForEach stops the pipeline and waits for its stages before the goroutine
// ends. A nil fn or a nil in panics.
func ForEach[T any](p *Pipeline, in <-chan T, fn func(context.Context, T) error) error {
	mustChan("ForEach", in == nil)
	mustFunc("ForEach", "fn", fn == nil)
	return consume(p, "ForEach", in, fn)
}

// Collect returns the items of in, in the order received, once in is closed
// and the whole pipeline has ended, with what [Pipeline.Wait] returns: after
// a failure, the items received before the pipeline stopped. A nil in
// panics.
func Collect[T any](p *Pipeline, in <-chan T) ([]T, error) {
	mustChan("Collect", in == nil)
	var items []T
	err := consume(p, "Collect", in, func(_ context.Context, v T) error {
		items = append(items, v)
		return nil
	})
	return items, err
}

// Reduce folds the items of in into an accumulator, starting from init, in
// the caller's goroutine: acc = fn(acc, v) for every item, in the order
// received. Once the whole pipeline has ended, it returns the accumulator
// and what [Pipeline.Wait] returns. Panics are handled as in [ForEach]. A
// nil fn or a nil in panics.
func Reduce[T, A any](p *Pipeline, in <-chan T, init A, fn func(acc A, v T) A) (A, error) {
	mustChan("Reduce", in == nil)
	mustFunc("Reduce", "fn", fn == nil)
	acc := init
	err := consume(p, "Reduce", in, func(_ context.Context, v T) error {
		acc = fn(acc, v)
		return nil
	})
	return acc, err
}

// All returns an iterator over the items of in, for a range loop in the
// consumer's goroutine. The loop ends when in is closed or the pipeline is
// stopped. Breaking out of it early, or a panic in its body, stops the
// pipeline; that is not an error. When the loop ends, All waits for the
// whole pipeline and re-raises a stage panic; the caller still calls
// [Pipeline.Wait] for the error. A nil in panics.
func All[T any](p *Pipeline, in <-chan T) iter.Seq[T] {
	mustChan("All", in == nil)
	sh := p.shared()
	st := p.sinkStage("All")
	return func(yield func(T) bool) {
		// Only now is in read by a stage of p: an iterator that is never
		// ranged over must not let its sender wait in a plain send.
		own := owns(p, in)
		t := &tally{s: st}
		ended := false
		defer func() {
			t.publish()
			if !ended {
				// The body panicked or called Goexit: stop the producers.
				sh.sc.Fail(errBreak)
				drain(in, own)
			}
		}()
		for {
			v, ok := recv(sh, in, own, t)
			if !ok {
				break
			}
			t.received()
			if !yield(v) {
				sh.sc.Fail(errBreak)
				break
			}
			t.done++
		}
		ended = true
		t.publish()
		st.exited(nil)
		drain(in, own) // closed, or the pipeline is stopped
		_ = p.Wait()   // the caller gets the error from its own Wait
	}
}

// consume runs a sink in the caller's goroutine: each(ctx, v) for every
// item of in until in is closed, the pipeline is stopped or each fails; then
// it waits for the pipeline.
func consume[T any](p *Pipeline, kind string, in <-chan T, each func(context.Context, T) error) error {
	sh := p.shared()
	st := p.sinkStage(kind)
	own := owns(p, in)
	t := &tally{s: st}
	loop := func() error {
		for {
			var v T
			var ok bool
			if own && sh.fast() {
				v, ok = <-in // the fast path of recv
			} else {
				v, ok = recv(sh, in, own, t)
			}
			if !ok {
				return nil
			}
			t.received()
			if err := each(sh.ctx, v); err != nil {
				return err
			}
			t.done++
		}
	}
	ended := false
	defer func() {
		if ended {
			return
		}
		// Goexit in each (Run recorded it): the caller's goroutine ends
		// once this returns. Stop the stages and wait for them first, so
		// that none outlives the call; a later Wait re-raises it.
		drain(in, own)
		t.publish()
		st.exited(nil)
		sh.sc.Settle()
	}()
	sh.sc.Run(loop) // an error or a panic in each is recorded and stops the pipeline
	ended = true
	t.publish()
	st.exited(nil)
	drain(in, own) // in is closed, or the pipeline is stopped
	return p.Wait()
}
