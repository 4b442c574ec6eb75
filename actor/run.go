package actor

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// maxBatch is how many messages the actor takes from its mailbox per lock.
// Taking a batch keeps the lock off the per-message path; giving the slots
// back every maxBatch messages keeps room for producers and Stats fresh.
const maxBatch = 64

// actor is the consumer side of a Ref: the state and everything only the
// actor's goroutine touches (a replacement goroutine continues from these
// fields after a runtime.Goexit; nothing runs on two goroutines at once).
type actor[S, M any] struct {
	ref        *Ref[M]
	init       func() S
	receive    func(context.Context, *S, M)
	onPanic    func(*tame.PanicError)
	deadLetter func(M)
	allow      func(now time.Time) bool // whether a failure may restart; nil: never
	stopped    func()                   // told once when a failure stops the actor

	state      S
	pending    *tame.PanicError // the failure step accounts for next
	hookFailed bool             // the runtime.Goexit that ends the goroutine was a handler's, already recorded
	fresh      bool             // state must be made by init before the next message
	failed     bool             // stopped after a failure: what is left goes to dead letters
	asksFailed bool             // drop has failed the pending asks
	taken, i   int              // the batch: ring slots head..head+taken, i of them handled
	cur        ask              // the ask being handled, if any
	unanswered []ask            // asks handled and not answered yet: they fail when the actor ends
	base       *actorCtx
}

func newActor[S, M any](ctx context.Context, init func() S,
	receive func(context.Context, *S, M), cfg config) *actor[S, M] {
	a := &actor[S, M]{
		ref: &Ref[M]{
			ring:  make([]envelope[M], cfg.mailbox),
			wake:  make(chan struct{}, 1),
			space: make(chan struct{}, 1),
			done:  make(chan struct{}),
		},
		init:    init,
		receive: receive,
		onPanic: cfg.onPanic,
		fresh:   true,
	}
	if cfg.deadLetter != nil {
		fn, ok := cfg.deadLetter.(func(M))
		if !ok {
			panic(fmt.Sprintf("actor: DeadLetter handler is %T, want func(%v) for this actor's messages", cfg.deadLetter, reflect.TypeFor[M]()))
		}
		a.deadLetter = fn
	}
	a.base = &actorCtx{Context: ctx, self: a.ref}
	return a
}

// start runs the actor's goroutine and makes the end of ctx stop it.
func (a *actor[S, M]) start(ctx context.Context) {
	r := a.ref
	if ctx.Done() != nil {
		r.unwatch = context.AfterFunc(ctx, func() {
			r.mu.Lock()
			r.closeLocked()
			r.mu.Unlock()
		})
	}
	go a.run()
}

// run is the body of the actor's goroutine, and of each replacement. All the
// user code it runs (init, receive, the handlers) runs inside step, under one
// catch.Call: a panic returns here and is handled by the next step; a
// runtime.Goexit ends the goroutine, and exiting starts the replacement.
func (a *actor[S, M]) run() {
	a.ref.consumer.Store(goid())
	for {
		pe := catch.Call(a.step, a.exiting)
		if pe == nil {
			break
		}
		a.pending = pe
	}
	a.finish()
}

// step accounts for the last failure, if any, then handles messages.
func (a *actor[S, M]) step() {
	if pe := a.pending; pe != nil {
		a.pending = nil
		a.fail(pe)
	}
	a.loop()
}

// exiting runs when init, receive or a handler called runtime.Goexit: the
// goroutine is ending, so a replacement takes over and accounts for the
// failure first (a handler's was recorded by hook already). It runs no user
// code: it is called while the goroutine unwinds.
func (a *actor[S, M]) exiting(pe *tame.PanicError) {
	if a.hookFailed {
		a.hookFailed = false
	} else {
		a.pending = pe
	}
	go a.run()
}

// finish ends the actor: the result is fixed before done is closed.
func (a *actor[S, M]) finish() {
	r := a.ref
	if r.unwatch != nil {
		r.unwatch()
	}
	for _, k := range a.unanswered {
		k.c.fail(k.ticket, errNoReply)
	}
	a.unanswered = nil
	r.err = r.result()
	close(r.done)
}

// loop handles messages until the mailbox is closed and empty. It returns
// normally only then; a panic in init or receive unwinds it, and run calls
// it again (after fail), from where it was: the failing message was counted
// as taken before receive ran, so it is not retried.
func (a *actor[S, M]) loop() {
	r := a.ref
	if a.failed {
		a.drop()
		return
	}
	if a.fresh {
		a.state = a.init()
		a.fresh = false
	}
	for {
		for a.i < a.taken {
			j := a.slot(a.i)
			e := r.ring[j]
			r.ring[j] = envelope[M]{}
			a.i++
			ctx := a.base
			if e.chain != nil {
				ctx = &actorCtx{Context: a.base.Context, self: r, waiting: e.chain}
			}
			if e.ask == nil {
				a.receive(ctx, &a.state, e.msg)
				continue
			}
			a.cur = ask{e.ask, e.ticket}
			a.receive(ctx, &a.state, e.msg)
			if a.cur.pending() {
				a.keep(a.cur)
			}
			a.cur = ask{}
		}
		if !a.next() {
			return
		}
	}
}

// next gives back the slots of the batch just handled and takes the next
// batch, parking while the mailbox is empty. It reports false once the
// mailbox is closed and empty.
func (a *actor[S, M]) next() bool {
	r := a.ref
	r.mu.Lock()
	a.release(true)
	for r.count == 0 {
		if r.closed {
			r.mu.Unlock()
			return false
		}
		r.idle = true
		r.mu.Unlock()
		<-r.wake
		r.mu.Lock()
	}
	a.taken = min(r.count, maxBatch)
	r.mu.Unlock()
	return true
}

// release gives back the slots of the batch, counting them as handled or
// not; r.mu is held.
func (a *actor[S, M]) release(handled bool) {
	r := a.ref
	r.head += a.taken
	if r.head >= len(r.ring) {
		r.head -= len(r.ring)
	}
	r.count -= a.taken
	if handled {
		r.handled += uint64(a.i)
	}
	a.taken, a.i = 0, 0
	r.passSpace()
}

// fail accounts for a panic or Goexit of init or receive: it records it,
// restarts the actor with fresh state when the policy allows, or stops it,
// then tells OnPanic.
func (a *actor[S, M]) fail(pe *tame.PanicError) {
	r := a.ref
	r.panics.Add(pe)
	if a.cur.pending() {
		a.cur.c.fail(a.cur.ticket, fmt.Errorf("actor: receive panicked before replying: %w", pe))
	}
	a.cur = ask{}
	restart := !a.failed && a.allow != nil && a.allow(time.Now())
	r.mu.Lock()
	if restart {
		r.restarts++
		a.fresh = true
	} else if !a.failed {
		a.failed = true
		r.closeLocked()
	}
	r.mu.Unlock()
	if !restart && a.stopped != nil {
		a.stopped()
	}
	if a.onPanic != nil {
		a.hook(func() { a.onPanic(pe) })
	}
}

// hook runs a handler (OnPanic, DeadLetter) on the actor's goroutine. Its
// panic is recorded with the actor's (it neither restarts nor stops the
// actor). When it calls runtime.Goexit, the failure is recorded here and the
// goroutine ends: run's exiting starts the replacement, which continues
// after the handler.
func (a *actor[S, M]) hook(fn func()) {
	pe := catch.Call(fn, func(pe *tame.PanicError) {
		a.ref.panics.Add(pe)
		a.hookFailed = true
	})
	if pe != nil {
		a.ref.panics.Add(pe)
	}
}

// drop empties the mailbox of an actor stopped by a failure: first every
// pending ask fails at once, then the other messages go, in order, to the
// dead-letter handler and are counted. The mailbox is closed, so nothing new
// arrives; a replacement goroutine (after a handler's Goexit) continues from
// a.i.
func (a *actor[S, M]) drop() {
	r := a.ref
	r.mu.Lock()
	if !a.asksFailed {
		a.taken = a.i // the part of the batch handled before the failure
		a.release(true)
	}
	a.taken = r.count // everything left, the rest of the batch included
	r.mu.Unlock()
	if !a.asksFailed {
		for k := a.i; k < a.taken; k++ {
			if e := &r.ring[a.slot(k)]; e.ask != nil {
				e.ask.fail(e.ticket, errStoppedAsk)
			}
		}
		a.asksFailed = true
	}
	for a.i < a.taken {
		j := a.slot(a.i)
		e := r.ring[j]
		r.ring[j] = envelope[M]{}
		a.i++
		if e.ask != nil {
			continue // failed above
		}
		r.mu.Lock()
		r.dead++
		r.mu.Unlock()
		if a.deadLetter != nil {
			a.hook(func() { a.deadLetter(e.msg) })
		}
	}
	r.mu.Lock()
	a.release(false)
	r.mu.Unlock()
}

// slot returns the ring index of the k-th message of the batch.
func (a *actor[S, M]) slot(k int) int {
	j := a.ref.head + k
	if j >= len(a.ref.ring) {
		j -= len(a.ref.ring)
	}
	return j
}

// ask is an ask handled by receive: its reply cell and ticket.
type ask struct {
	c      failer
	ticket uint64
}

func (k ask) pending() bool { return k.c != nil && k.c.pending(k.ticket) }

// keep remembers an ask that receive returned from without answering (it
// may answer later, with the Reply it kept), so that it fails when the actor
// ends. The asks answered since are dropped from the list whenever it has
// doubled, so it stays as long as the asks really unanswered.
func (a *actor[S, M]) keep(k ask) {
	if len(a.unanswered) >= 64 && len(a.unanswered) == cap(a.unanswered) {
		a.unanswered = slices.DeleteFunc(a.unanswered, func(k ask) bool { return !k.pending() })
		a.unanswered = slices.Grow(a.unanswered, len(a.unanswered)+1)
	}
	a.unanswered = append(a.unanswered, k)
}

var errNoReply = fmt.Errorf("actor: stopped before replying: %w", tame.ErrClosed)

var errStoppedAsk = fmt.Errorf("actor: stopped after a panic before handling the ask: %w", tame.ErrClosed)

// window is the restart intensity of [Restart]: at most max restarts within
// any span of length within.
type window struct {
	max    int
	within time.Duration
	times  []time.Time // the restarts still inside the window, oldest first
}

// allow reports whether a failure at now may restart, and records it if so.
func (w *window) allow(now time.Time) bool {
	cut := now.Add(-w.within)
	k := 0
	for k < len(w.times) && !w.times[k].After(cut) {
		k++
	}
	w.times = append(w.times[:0], w.times[k:]...)
	if len(w.times) >= w.max {
		return false
	}
	w.times = append(w.times, now)
	return true
}
