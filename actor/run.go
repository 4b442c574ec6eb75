package actor

import (
	"context"
	"fmt"
	"reflect"
	"time"
	"unsafe"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/ring"
	"github.com/tamego/tame/internal/sched"
)

// envelope is one message in a mailbox. For an Ask, ask is the reply cell
// (so that a message left behind by a stopped actor fails its asker) and
// chain is the asker's receive context when the asker is itself an actor
// handling a message (so that an ask cycle is detected).
type envelope[M any] struct {
	msg    M
	ask    failer
	ticket uint64
	chain  *actorCtx
}

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
	inReceive  bool             // receive was called and has not returned
	failed     bool             // stopped after a failure: what is left goes to dead letters
	asksFailed bool             // drop has failed the pending asks
	cur        ask              // the ask being handled, if any
	unanswered []ask            // asks handled and not answered yet: they fail when the actor ends
	base       *actorCtx
}

func newActor[S, M any](ctx context.Context, init func() S,
	receive func(context.Context, *S, M), cfg config) *actor[S, M] {
	a := &actor[S, M]{
		ref: &Ref[M]{
			mb:   newMailbox[M](cfg.mailbox),
			done: make(chan struct{}),
		},
		init:    init,
		receive: receive,
		onPanic: cfg.onPanic,
		fresh:   true,
	}
	a.ref.replies.init()
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
	if r.stop = ctx.Done(); r.stop != nil {
		r.unwatch = context.AfterFunc(ctx, r.mb.Close)
	}
	go a.run()
}

// run is the body of the actor's goroutine, and of each replacement. All the
// user code it runs (init, receive, the handlers) runs inside step, under one
// catch.Call: a panic returns here and is handled by the next step; a
// runtime.Goexit ends the goroutine, and exiting starts the replacement.
func (a *actor[S, M]) run() {
	a.ref.mb.SetOwner()
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
	a.ref.inInit.Store(false) // init may have failed
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
	r.ending.Store(true)
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
// it again (after fail), from where it was: the failing message was taken
// before receive ran, so it is not retried.
func (a *actor[S, M]) loop() {
	if a.failed {
		a.drop()
		return
	}
	if a.fresh {
		a.ref.inInit.Store(true)
		a.state = a.init()
		a.ref.inInit.Store(false)
		a.fresh = false
	}
	mb := a.ref.mb
	for {
		// next written out: a message returned by value from a generic
		// function costs more than the rest of the loop.
		v, ok := mb.Next()
		if !ok {
			return
		}
		e := *v
		mb.Pop()
		ctx := a.base
		if e.chain != nil {
			ctx = &actorCtx{Context: a.base.Context, self: a.ref, waiting: e.chain}
		}
		sched.Point(sched.Handoff)
		a.inReceive = true
		if e.ask == nil {
			a.receive(ctx, &a.state, e.msg)
		} else {
			a.cur = ask{e.ask, e.ticket}
			a.receive(ctx, &a.state, e.msg)
			if a.cur.pending() {
				a.keep(a.cur)
			}
			a.cur = ask{}
		}
		a.inReceive = false
	}
}

// next takes the next message out of the mailbox, parking while it is
// empty; it reports false once the mailbox is closed and empty. loop does
// the same, written out.
func (a *actor[S, M]) next() (envelope[M], bool) {
	mb := a.ref.mb
	v, ok := mb.Next()
	if !ok {
		return envelope[M]{}, false
	}
	e := *v
	mb.Pop()
	return e, true
}

// newMailbox makes the mailbox of an actor: a ring of capacity messages.
func newMailbox[M any](capacity int) *ring.Ring[envelope[M]] {
	if !ring.Fits[envelope[M]](capacity) {
		panic(fmt.Sprintf("actor: mailbox capacity too large: %d messages of %d bytes do not fit in memory", capacity, unsafe.Sizeof(envelope[M]{})))
	}
	return ring.New[envelope[M]](capacity)
}
