package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// defaultBuffer is the capacity of the channel each stage returns, unless
// the stage was made through [Pipeline.Buffered]. A channel handoff that finds
// room in the buffer does not wake or park a goroutine, so a buffer is what
// lets neighbouring stages run without waiting for each other item by item
// (see BenchmarkPipeline: unbuffered channels cost several times more per
// item). 64 keeps most of that gain while a stage of large values holds
// little memory.
const defaultBuffer = 64

// errBreak is the cause the pipeline is cancelled with when the loop over
// [All] stops early. Wait does not report it: stopping early is the
// consumer's choice, not a failure.
var errBreak = errors.New("pipeline: the consumer stopped early")

// A Pipeline owns the goroutines of a set of stages connected by channels:
// every stage function ([From], [Map], [Batch], ...) starts its goroutines
// through it, and [Pipeline.Wait] returns only after all of them have ended.
//
// The first stage error or panic, or the end of the parent context, cancels
// the pipeline's context ([Pipeline.Context]): from then on no stage takes
// another item, and none stays blocked on a send; each one returns and
// closes its output channel. Wait returns the first error (the cause the context was cancelled
// with, see [context.Cause]); a panic in a stage, including panic(nil) and
// [runtime.Goexit], is recovered in the stage's goroutine, cancels the
// pipeline at once and is re-raised by Wait in its caller's goroutine as a
// *[tame.PanicError]. The first panic wins, also over an earlier error; later
// ones are kept in its Later field.
//
// A Pipeline is safe for concurrent use. The zero value is not usable: make
// one with [New]. A *Pipeline is a handle, copy the pointer freely; the views
// returned by [Pipeline.Named] and [Pipeline.Buffered] share the same
// pipeline. Stages must all be added before Wait is called (a sink calls it),
// and a Pipeline is not reused once Wait has returned.
type Pipeline struct {
	c      *core
	name   string // the name the next stages get in Stats, "" for their kind
	buffer int    // the capacity of the channels the next stages return
}

// core is the shared state of a pipeline and its views.
type core struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	done   <-chan struct{}

	// halted is set once the context is done: by fail and panicked, and
	// through stopParent when the parent context ends. Stages poll it before
	// every item; it is read far more often than done and, unlike done, it
	// is not written by every goroutine that blocks on it, so polling it
	// costs no cache miss. It has a cache line of its own.
	_          [64]byte
	halted     atomic.Bool
	_          [64]byte
	watched    atomic.Bool   // Stats was called: publish counters before waiting
	stopParent func() bool   // stops the context.AfterFunc that sets halted
	parentDone chan struct{} // closed once that AfterFunc has run

	mu      sync.Mutex // guards waiting, stages, owned and wg.Add
	waiting bool       // Wait was called: no stage can be added
	stages  []*stage
	owned   map[any]*link  // the output channels of the stages, as <-chan T
	wg      sync.WaitGroup // one count per stage goroutine

	panics catch.Collector

	once sync.Once // the result of Wait, computed once
	err  error
}

// New returns an empty pipeline whose context is derived from ctx. Add
// stages, then consume the last channel with a sink ([ForEach], [Collect],
// [Reduce], [All]) or read it by hand and call [Pipeline.Wait].
func New(ctx context.Context) *Pipeline {
	if ctx == nil {
		panic("pipeline: New: nil context")
	}
	c := &core{parentDone: make(chan struct{})}
	c.ctx, c.cancel = context.WithCancelCause(ctx)
	c.done = c.ctx.Done()
	if ctx.Err() != nil {
		c.halted.Store(true) // do not wait for the AfterFunc to run
	}
	c.stopParent = context.AfterFunc(ctx, func() {
		c.halted.Store(true)
		close(c.parentDone)
	})
	return &Pipeline{c: c, buffer: defaultBuffer}
}

// Context returns the pipeline's context. It is passed to every stage
// function, and it is done once a stage fails or panics, the parent context
// is done, or Wait has returned; [context.Cause] then tells why.
func (p *Pipeline) Context() context.Context { return p.core().ctx }

// Wait waits until every stage goroutine of the pipeline has ended and
// returns the first error: the first error a stage function returned, or the
// cause of the parent context when it ended first (stopping early with a
// break out of [All] is not an error). It returns nil when every stage ran
// to the end. When a stage panicked, Wait panics with a *[tame.PanicError]
// that carries the original value and stack.
//
// Wait may be called several times and from several goroutines; each call
// returns (or panics) the same way. Once it has returned, no stage code runs
// any more and the pipeline's context is cancelled. Stages cannot be added
// once Wait has been called. A stage function must not call Wait (or a sink)
// on its own pipeline: it would wait for itself forever.
func (p *Pipeline) Wait() error {
	c := p.core()
	c.mu.Lock()
	c.waiting = true
	c.mu.Unlock()
	c.once.Do(func() {
		c.wg.Wait()
		if !c.stopParent() {
			<-c.parentDone // the AfterFunc goroutine has run or is running: let it end
		}
		if c.ctx.Err() != nil {
			c.err = context.Cause(c.ctx)
			if c.err == errBreak {
				c.err = nil
			}
		}
		c.cancel(context.Canceled)
	})
	if pe := c.panics.First(); pe != nil {
		panic(pe)
	}
	return c.err
}

// Named returns a view of p whose stages are reported under name in
// [Pipeline.Stats]; stages made through p itself are reported under the
// name of their function ("Map", "Batch", ...). The view shares everything
// else with p, so pipeline.Map(p.Named("resize"), in, 4, resize) adds a stage
// to p.
func (p *Pipeline) Named(name string) *Pipeline {
	p.core()
	v := *p
	v.name = name
	return &v
}

// Buffered returns a view of p whose stages return channels of capacity n
// instead of the default 64; n = 0 makes them unbuffered. The view shares
// everything else with p. A larger buffer lets stages run further apart
// (fewer goroutine switches per item) and holds more items in memory; see
// the package documentation on what the buffer costs and bounds. n < 0
// panics.
func (p *Pipeline) Buffered(n int) *Pipeline {
	if n < 0 {
		panic(fmt.Sprintf("pipeline: Buffered: n must be at least 0, got %d", n))
	}
	p.core()
	v := *p
	v.buffer = n
	return &v
}

func (p *Pipeline) core() *core {
	if p == nil || p.c == nil {
		panic("pipeline: nil or zero Pipeline; make one with New")
	}
	return p.c
}

// stageName is the name Stats shows for a stage of the given kind made
// through p.
func (p *Pipeline) stageName(kind string) string {
	if p.name != "" {
		return p.name
	}
	return kind
}

// fail cancels the pipeline with err unless it was cancelled already: the
// first cause wins.
//
// halted is set first, so a stage that sees the context done has seen
// halted too: what a stage does after it sees the failure is bounded by the
// one item it had passed the check with.
func (c *core) fail(err error) {
	c.halted.Store(true)
	c.cancel(err)
}

// panicked records a recovered panic (or Goexit) and cancels the pipeline.
func (c *core) panicked(pe *tame.PanicError) {
	c.panics.Add(pe)
	c.halted.Store(true)
	c.cancel(pe)
}

// stopped reports whether the pipeline is stopped: its context is done.
func (c *core) stopped() bool { return c.halted.Load() }

// spawn registers a stage of the given kind and starts n goroutines for it,
// running run(i, t) for i in [0, n), where t is the goroutine's own tally.
// Each goroutine's panic or Goexit is recorded and cancels the pipeline;
// then, in that goroutine, drain(i) runs (when not nil: it drains the input
// of a stage that reads a channel of its own pipeline, see send), its tally
// is published and the last goroutine of the stage to end runs last (when
// not nil), so that an output channel is closed only after the failure that
// cut it short is recorded. spawn panics,
// at the stage function's call site, when Wait was called already.
func (p *Pipeline) spawn(kind string, n int, run func(i int, t *tally), drain func(i int), last func()) {
	c := p.core()
	st := &stage{name: p.stageName(kind)}
	st.left.Store(int32(n))
	c.mu.Lock()
	if c.waiting {
		c.mu.Unlock()
		panic("pipeline: " + kind + " called after Wait; add every stage before waiting")
	}
	c.stages = append(c.stages, st)
	c.wg.Add(n)
	c.mu.Unlock()
	for i := range n {
		go func() {
			t := &tally{s: st}
			defer c.wg.Done()
			defer st.exited(last)
			defer t.publish()
			if drain != nil {
				defer drain(i) // after a panic or Goexit too: it stopped the pipeline first
			}
			if pe := catch.Call(func() { run(i, t) }, c.panicked); pe != nil {
				c.panicked(pe)
			}
		}()
	}
}

// A link is what a stage knows about its output channel: whether a stage of
// the same pipeline receives from it. It is read for every item sent, so it
// fills a 64-byte block of its own: a small allocation would share its cache
// line with whatever was allocated next to it, maybe a counter that another
// core writes for every item.
type link struct {
	consumed atomic.Bool
	_        [60]byte
}

// output makes the output channel of a stage and records that p owns it.
func output[T any](p *Pipeline) (chan T, *link) {
	c := p.core()
	ch := make(chan T, p.buffer)
	l := new(link)
	c.mu.Lock()
	if c.owned == nil {
		c.owned = make(map[any]*link)
	}
	c.owned[(<-chan T)(ch)] = l
	c.mu.Unlock()
	return ch, l
}

// owns reports whether in is the output of a stage of p, a channel whose
// sender closes it as soon as the pipeline is stopped, and records that a
// stage receives from it: the caller promises to drain it once the pipeline
// is stopped (see send).
func owns[T any](p *Pipeline, in <-chan T) bool {
	c := p.core()
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.owned[in]
	if l != nil {
		l.consumed.Store(true)
	}
	return l != nil
}

// drain receives from in, when own, until it is closed. Every stage that
// receives from a channel of its own pipeline drains it when it ends, after
// the pipeline is stopped (or in is closed): the sender may be blocked in a
// plain send (see send), and stops at its next item.
func drain[T any](in <-chan T, own bool) {
	if own {
		for range in {
		}
	}
}

// recv receives the next item from in. It reports false when in is closed
// or the pipeline is stopped; it never takes an item once the pipeline is
// stopped. Before it waits, it publishes t when the counters are watched.
//
// own says that in is closed by its sender once the pipeline is stopped
// (the output of a stage of the same pipeline): then a plain receive is
// enough to wake up at the end. Any other channel, one of the caller's, is
// received from in a select with the pipeline's done channel.
func recv[T any](c *core, in <-chan T, own bool, t *tally) (v T, ok bool) {
	if c.stopped() {
		return v, false
	}
	if own {
		if c.watched.Load() && len(in) == 0 {
			t.publish()
		}
		v, ok = <-in
		return v, ok
	}
	select {
	case v, ok = <-in:
		return v, ok
	default:
	}
	t.waiting(c)
	select {
	case v, ok = <-in:
		return v, ok
	case <-c.done:
		return v, false
	}
}

// send sends v on out. It reports false, without sending, when the pipeline
// is stopped. Before it waits, it publishes t when the counters are watched.
//
// When a stage of the same pipeline receives from out (l.consumed), the send
// is a plain one: that stage drains out once the pipeline is stopped, so the
// send cannot block forever. A plain send that waits costs much less than a
// select, which locks and queues on both channels every time it waits and
// again when it wakes (BenchmarkPipeline: about a third more per item). A
// send on a channel read by anyone else (the caller, by hand) waits in a
// select with the pipeline's done channel.
func send[T any](c *core, out chan<- T, v T, l *link, t *tally) bool {
	if c.stopped() {
		return false
	}
	if l != nil && l.consumed.Load() {
		if c.watched.Load() && len(out) == cap(out) {
			t.publish()
		}
		out <- v
		return true
	}
	select {
	case out <- v:
		return true
	default:
	}
	t.waiting(c)
	select {
	case out <- v:
		return true
	case <-c.done:
		return false
	}
}

// mustFunc panics when fn is nil, naming the stage function and argument.
func mustFunc(kind, arg string, isNil bool) {
	if isNil {
		panic("pipeline: " + kind + ": " + arg + " must not be nil")
	}
}

// mustChan panics when the input channel is nil: a nil channel never
// delivers, so the stage could only wait for the pipeline to be cancelled.
func mustChan(kind string, isNil bool) {
	if isNil {
		panic("pipeline: " + kind + ": nil input channel")
	}
}

// mustWorkers panics when workers < 1.
func mustWorkers(kind string, workers int) {
	if workers < 1 {
		panic(fmt.Sprintf("pipeline: %s: workers must be at least 1, got %d", kind, workers))
	}
}
