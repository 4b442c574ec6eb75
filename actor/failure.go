package actor

import (
	"fmt"
	"slices"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

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
		r.shut()
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
	if !a.asksFailed {
		a.taken = a.i // the part of the batch handled before the failure
		a.release(true)
		// Everything left, the rest of the batch included: the positions
		// below the end of the closed mailbox. A producer may still be
		// writing one it reserved before the close; wait for it.
		a.taken = int(r.tail.Load()&^closedBit - a.head)
		for k := range a.taken {
			p := a.head + uint64(k)
			if !a.published(p) {
				a.park(p) // below the end: returns once p is published
			}
			if e := &r.ring[p&r.mask].e; e.ask != nil {
				e.ask.fail(e.ticket, errStoppedAsk)
			}
		}
		a.asksFailed = true
	}
	for a.i < a.taken {
		s := a.slot(a.i)
		e := s.e
		s.e = envelope[M]{}
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
	a.release(false)
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
