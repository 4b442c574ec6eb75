package pool

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/tamego/tame/internal/pad"
	"github.com/tamego/tame/internal/scope"
)

// Map calls fn on every element of in, on at most limit goroutines, and
// returns the results in input order: out[i] is fn(ctx, in[i]). It starts no
// goroutine per element.
//
// fn gets a context derived from ctx, cancelled at the first failure. Map
// returns once every call has returned. The first error fn returns stops Map
// from starting more calls and is returned, with nil results. When ctx is
// done before every element was handled, Map stops starting calls and
// returns [context.Cause](ctx). A panic in fn stops Map the same way and
// re-panics in Map's caller as a [*tame.PanicError]. A limit below 1 or a
// nil fn panics.
func Map[T, R any](ctx context.Context, limit int, in []T,
	fn func(ctx context.Context, v T) (R, error)) ([]R, error) {
	if fn == nil {
		panic("pool: Map called with a nil fn")
	}
	out := make([]R, len(in))
	err := forChunks(ctx, limit, len(in), "Map", func(r *chunker, lo, hi int) bool {
		for i := lo; i < hi; i++ {
			if r.scope.Stopped() {
				return false
			}
			v, err := fn(r.ctx, in[i])
			if err != nil {
				r.scope.Fail(err)
				return false
			}
			out[i] = v
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ForEach calls fn on every element of in, on at most limit goroutines, and
// returns once every call has returned. Errors, cancellation and panics work
// as for [Map]. A limit below 1 or a nil fn panics.
func ForEach[T any](ctx context.Context, limit int, in []T,
	fn func(ctx context.Context, v T) error) error {
	if fn == nil {
		panic("pool: ForEach called with a nil fn")
	}
	return forChunks(ctx, limit, len(in), "ForEach", func(r *chunker, lo, hi int) bool {
		for i := lo; i < hi; i++ {
			if r.scope.Stopped() {
				return false
			}
			if err := fn(r.ctx, in[i]); err != nil {
				r.scope.Fail(err)
				return false
			}
		}
		return true
	})
}

// A chunker hands out chunks of the indices [0, n) to the goroutines of one
// Map or ForEach call.
type chunker struct {
	next atomic.Int64 // the first index not claimed yet
	left atomic.Int64 // indices not handled yet
	_    pad.Line     // keep the counters off the line the fields below are read from

	scope *scope.Scope // its Stopped flag: set by the first failure or when ctx is done
	ctx   context.Context
}

// forChunks runs body over chunks of [0, n) on at most limit goroutines of a
// scope. body reports whether it handled its whole chunk.
func forChunks(ctx context.Context, limit, n int, name string, body func(r *chunker, lo, hi int) bool) error {
	if limit < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", limit))
	}
	if ctx == nil {
		panic("pool: " + name + " called with a nil context")
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if n == 0 {
		return nil
	}
	workers := min(limit, n)
	// Small enough chunks to share the work evenly at the end, large enough
	// that claiming one costs nothing per element.
	chunk := max(1, n/(workers*16))

	r := &chunker{scope: scope.New(ctx, scope.FirstError)}
	r.ctx = r.scope.Context()
	done := r.ctx.Done()
	r.left.Store(int64(n))

	loop := func() error {
		for !r.scope.Stopped() && !isDone(done) {
			lo := int(r.next.Add(int64(chunk))) - chunk
			if lo >= n {
				return nil
			}
			hi := min(lo+chunk, n)
			if !body(r, lo, hi) {
				break
			}
			r.left.Add(int64(lo - hi))
		}
		if r.left.Load() > 0 && r.ctx.Err() != nil {
			// Stopped with elements left: the context's cause is the
			// result, unless an error or a panic came first.
			r.scope.Skip()
		}
		return nil
	}
	for range workers {
		r.scope.Go(loop)
	}
	return r.scope.Wait() // re-panics a panic of fn
}

// isDone reports whether done is closed.
func isDone(done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	default:
		return false
	}
}
