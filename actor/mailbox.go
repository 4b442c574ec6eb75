package actor

import (
	"context"
	"fmt"
	"sync/atomic"
)

// The mailbox is a ring of slots that producers fill without a lock. Every
// message has a position: producers reserve the next one by moving tail on
// with a compare-and-swap, write the message in its slot and publish it by
// setting the slot's seq to position+1; the actor reads the slots in order
// and gives them back by moving head on. A position is free while it is less
// than head + capacity, so a producer never writes a slot being read. The
// ring's length is a power of two at least the capacity, so that a position
// maps to its slot with a mask.
//
// Two bits carry the hand-offs that need a wake-up. closedBit in tail stops
// the reservations: once it is set, no compare-and-swap on tail succeeds, and
// the positions below it are what the actor still owes. idleBit in head says
// the actor is parked on wake (or about to be): whoever clears it with a
// compare-and-swap (a producer that published a message, or Stop) sends the
// one wake token of that idle period. Both sides write their side first and
// then read the other's (the atomics are sequentially consistent), so either
// the actor sees the message or the producer sees the idle bit: no wake-up is
// lost, and the actor never spins.
const (
	closedBit = 1 << 63
	idleBit   = 1 << 63
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

// slot is one place in the ring: seq is position+1 once the message for that
// position is written (a value of an earlier round means empty or read).
type slot[M any] struct {
	seq atomic.Uint64
	e   envelope[M]
}

// pad keeps the fields written by the producers, by the actor and by
// neither apart, on cache lines of their own.
type pad [64]byte

// put adds e to the mailbox, waiting for room while ctx allows it.
//
// Producers that wait for room are counted in r.waiters and wait for a token
// on r.space (1-buffered, so a token sent before the wait is not lost). The
// actor sends one when it gives slots back, and each producer woken by it
// passes it on while there is still room (or the mailbox is closed) and
// others still wait: one token wakes them in turn, with no allocation.
func (r *Ref[M]) put(ctx context.Context, e envelope[M], checkDeadlock bool) error {
	woken := false
	for {
		switch r.tryPut(&e) {
		case putDone:
			if woken && r.waiters.Load() > 0 && r.room() {
				r.passSpace()
			}
			return nil
		case putClosed:
			r.passSpace()
			return errClosed
		}
		if checkDeadlock {
			// Full. Waiting is fine unless the only one who can make room
			// is waiting on the caller: the actor itself, or one that
			// asked it (directly or through others).
			if fromContext(ctx).has(r) {
				return fmt.Errorf("%w: Tell to a full mailbox that only the sender's own wait could empty", ErrDeadlock)
			}
			checkDeadlock = false
			continue
		}
		// Count this producer as waiting before looking again: the actor
		// gives slots back before it looks at the count, so one of the two
		// sees the other.
		r.waiters.Add(1)
		if r.room() || r.tail.Load()&closedBit != 0 {
			r.waiters.Add(-1)
			continue
		}
		select {
		case <-r.space:
			r.waiters.Add(-1)
			woken = true
		case <-ctx.Done():
			r.waiters.Add(-1)
			return context.Cause(ctx)
		}
	}
}

type putResult int

const (
	putDone putResult = iota
	putFull
	putClosed
)

// tryPut adds *e to the mailbox if there is room and it is open, and wakes
// the actor if it is parked. It never waits.
func (r *Ref[M]) tryPut(e *envelope[M]) putResult {
	for {
		t := r.tail.Load()
		if t&closedBit != 0 {
			return putClosed
		}
		h := r.head.Load() &^ idleBit
		if t >= h && t-h >= r.capacity {
			return putFull
		}
		if !r.tail.CompareAndSwap(t, t+1) {
			continue
		}
		s := &r.ring[t&r.mask]
		s.e = *e
		s.seq.Store(t + 1)
		r.wakeActor()
		return putDone
	}
}

// room reports whether the mailbox has a free position.
func (r *Ref[M]) room() bool {
	h := r.head.Load() &^ idleBit
	return (r.tail.Load()&^closedBit)-h < r.capacity
}

// wakeActor sends the wake token if the actor is parked; the one who clears
// the idle bit sends it, so the 1-buffered channel never blocks.
func (r *Ref[M]) wakeActor() {
	if h := r.head.Load(); h&idleBit != 0 && r.head.CompareAndSwap(h, h&^idleBit) {
		r.wake <- struct{}{}
	}
}

// passSpace wakes one producer waiting for room, if any.
func (r *Ref[M]) passSpace() {
	if r.waiters.Load() > 0 {
		select {
		case r.space <- struct{}{}:
		default: // a token is already there
		}
	}
}

// shut stops accepting messages. It wakes the producers that wait for room
// (they return ErrClosed) and the actor if it is parked, so that it sees the
// mailbox closed, and ends once it has handled what was accepted.
func (r *Ref[M]) shut() {
	if r.tail.Or(closedBit)&closedBit != 0 {
		return
	}
	r.passSpace()
	r.wakeActor()
}
