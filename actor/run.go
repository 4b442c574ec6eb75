package actor

import (
	"context"
	"fmt"
	"math/bits"
	"reflect"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
)

// maxBatch is how many messages the actor takes from its mailbox at a time.
// It gives their slots back (one atomic store) once per batch, not once per
// message; giving them back every maxBatch messages keeps room for producers
// and Stats fresh.
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
	head       uint64           // the first position not given back (r.head without the idle bit)
	taken, i   int              // the batch: positions head..head+taken, i of them handled
	cur        ask              // the ask being handled, if any
	unanswered []ask            // asks handled and not answered yet: they fail when the actor ends
	base       *actorCtx
}

func newActor[S, M any](ctx context.Context, init func() S,
	receive func(context.Context, *S, M), cfg config) *actor[S, M] {
	// The ring's length is the capacity rounded up to a power of two.
	size := 1 << bits.Len(uint(cfg.mailbox-1))
	a := &actor[S, M]{
		ref: &Ref[M]{
			ring:     make([]slot[M], size),
			mask:     uint64(size - 1),
			capacity: uint64(cfg.mailbox),
			wake:     make(chan struct{}, 1),
			space:    make(chan struct{}, 1),
			done:     make(chan struct{}),
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
		r.unwatch = context.AfterFunc(ctx, r.shut)
	}
	go a.run()
}

// run is the body of the actor's goroutine, and of each replacement. All the
// user code it runs (init, receive, the handlers) runs inside step, under one
// catch.Call: a panic returns here and is handled by the next step; a
// runtime.Goexit ends the goroutine, and exiting starts the replacement.
func (a *actor[S, M]) run() {
	a.ref.consumer.Store(goid.ID())
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
			s := a.slot(a.i)
			e := s.e
			s.e = envelope[M]{}
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
	a.head += uint64(a.taken)
	a.taken, a.i = 0, 0
	if n := a.ready(); n > 0 {
		r.head.Store(a.head) // give the slots back
		r.passSpace()
		a.taken = n
		return true
	}
	// The store that marks the actor idle gives the slots back as well.
	if !a.park(a.head) {
		return false
	}
	a.taken = a.ready()
	return true
}

// ready counts the messages published from a.head on, up to maxBatch.
func (a *actor[S, M]) ready() int {
	n := 0
	for n < maxBatch && a.published(a.head+uint64(n)) {
		n++
	}
	return n
}

// published reports whether the message at position p is written.
func (a *actor[S, M]) published(p uint64) bool {
	r := a.ref
	return r.ring[p&r.mask].seq.Load() == p+1
}

// park waits until the message at position p (at or after a.head) is
// published, and reports true; or, for p == a.head, until the mailbox is
// closed and empty, and reports false. It stores head with the idle bit
// (which also gives back the slots below a.head), looks again, and only then
// blocks: a producer that publishes after the bit is set clears it and sends
// the token; one that published before is seen by the second look.
func (a *actor[S, M]) park(p uint64) bool {
	r := a.ref
	idle := a.head | idleBit
	for {
		r.head.Store(idle)
		r.passSpace()
		if a.published(p) || a.drained(p) {
			// Too late to sleep: take the bit back, unless a producer (or
			// Stop) already did and sends the token.
			if !r.head.CompareAndSwap(idle, a.head) {
				<-r.wake
			}
			return a.published(p)
		}
		<-r.wake // whoever sends it has cleared the bit
		if a.published(p) {
			return true
		}
		if a.drained(p) {
			return false
		}
		// Woken for a later position, or by Stop, while the producer of p
		// still writes its message: wait again.
	}
}

// drained reports whether the mailbox is closed and position p is its end.
func (a *actor[S, M]) drained(p uint64) bool {
	t := a.ref.tail.Load()
	return t&closedBit != 0 && t&^closedBit == p
}

// release gives back the slots of the batch, counting them as handled or
// not.
func (a *actor[S, M]) release(handled bool) {
	r := a.ref
	if a.taken > 0 {
		a.head += uint64(a.taken)
		if handled {
			r.head.Store(a.head)
		} else {
			r.mu.Lock()
			r.unhandled += uint64(a.taken)
			r.head.Store(a.head)
			r.mu.Unlock()
		}
	}
	a.taken, a.i = 0, 0
	r.passSpace()
}

// slot returns the slot of the k-th message of the batch.
func (a *actor[S, M]) slot(k int) *slot[M] {
	r := a.ref
	return &r.ring[(a.head+uint64(k))&r.mask]
}
