package actor

import (
	"fmt"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// fail accounts for a panic or Goexit of init, receive or a handler's
// replacement: it records it, restarts the actor with fresh state when the
// policy allows, or stops it, then tells OnPanic.
func (a *actor[S, M]) fail(pe *tame.PanicError) {
	r := a.ref
	r.panics.Add(pe)
	if a.cur.pending() {
		a.cur.c.fail(a.cur.ticket, fmt.Errorf("actor: receive panicked before replying: %w", pe))
	}
	a.cur = ask{}
	restart := !a.failed && a.allow != nil && a.allow(time.Now())
	r.mu.Lock()
	if a.inReceive {
		a.inReceive = false
		r.failed++
	}
	if restart {
		r.restarts++
		a.fresh = true
	} else if !a.failed {
		a.failed = true
		r.mb.Close()
	}
	r.mu.Unlock()
	if !restart {
		a.failAsks()
		if a.stopped != nil {
			a.stopped()
		}
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

// drop empties the mailbox of an actor stopped by a failure: the pending
// asks have failed (fail did it before OnPanic), the other messages go, in
// order, to the dead-letter handler. Each counts as failed. The mailbox is closed, so
// nothing new arrives; a replacement goroutine (after a handler's Goexit)
// continues with the next message.
func (a *actor[S, M]) drop() {
	r := a.ref
	a.failAsks()
	for {
		e, ok := a.next()
		if !ok {
			return
		}
		r.mu.Lock()
		r.failed++
		if e.ask == nil {
			r.dead++
		}
		r.mu.Unlock()
		if e.ask == nil && a.deadLetter != nil {
			a.hook(func() { a.deadLetter(e.msg) })
		}
	}
}

// failAsks fails every ask left in the mailbox of an actor stopped by a
// failure, once, before any handler runs: the askers need not wait for
// OnPanic or the dead letters in front of them.
func (a *actor[S, M]) failAsks() {
	if a.asksFailed {
		return
	}
	// Everything left: the positions below the end of the closed mailbox.
	// A producer may still be writing one it claimed before the close;
	// At waits for it.
	mb := a.ref.mb
	for p, end := mb.Pos(), mb.Claimed(); p < end; p++ {
		if e := mb.At(p); e.ask != nil {
			e.ask.fail(e.ticket, errStoppedAsk)
		}
	}
	a.asksFailed = true
}
