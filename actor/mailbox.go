package actor

import (
	"context"
	"fmt"
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

// put adds e to the mailbox, waiting for room while ctx allows it.
//
// Producers that wait for room are counted in r.waiters and wait for a token
// on r.space (1-buffered, so a token sent before the wait is not lost). The
// consumer sends one when it gives slots back, and each producer woken by it
// passes it on while there is still room (or the mailbox is closed) and
// others still wait: one token wakes them in turn, with no allocation.
func (r *Ref[M]) put(ctx context.Context, e envelope[M], checkDeadlock bool) error {
	waiting := false
	for {
		r.mu.Lock()
		if waiting {
			r.waiters--
			waiting = false
		}
		if r.closed {
			r.passSpace()
			r.mu.Unlock()
			return errClosed
		}
		if r.count < len(r.ring) {
			r.push(e)
			return nil
		}
		if checkDeadlock {
			// Full. Waiting is fine unless the only one who can make room
			// is waiting on the caller: the actor itself, or one that
			// asked it (directly or through others).
			r.mu.Unlock()
			if fromContext(ctx).has(r) {
				return fmt.Errorf("%w: Tell to a full mailbox that only the sender's own wait could empty", ErrDeadlock)
			}
			checkDeadlock = false
			continue
		}
		r.waiters++
		waiting = true
		r.mu.Unlock()
		select {
		case <-r.space:
		case <-ctx.Done():
			r.mu.Lock()
			r.waiters--
			r.mu.Unlock()
			return context.Cause(ctx)
		}
	}
}

// passSpace wakes one producer waiting for room, if any; r.mu is held.
func (r *Ref[M]) passSpace() {
	if r.waiters > 0 {
		select {
		case r.space <- struct{}{}:
		default: // a token is already there
		}
	}
}

// push appends e; it is called with r.mu held and releases it.
func (r *Ref[M]) push(e envelope[M]) {
	i := r.head + r.count
	if i >= len(r.ring) {
		i -= len(r.ring)
	}
	r.ring[i] = e
	r.count++
	if r.count < len(r.ring) {
		r.passSpace()
	}
	wake := r.idle
	r.idle = false
	r.mu.Unlock()
	if wake {
		// The token is the count of messages (here: 1, as the idle
		// consumer left the mailbox empty), so that the consumer can take
		// them without locking again: the channel orders the writes of
		// the slot before its reads. It never blocks: one token per idle
		// period.
		r.wake <- 1
	}
}

// closeLocked stops accepting messages; r.mu is held. It wakes the producers
// that wait for room (they return ErrClosed) and the consumer if it is idle,
// so that it sees the mailbox empty and closed, and ends.
func (r *Ref[M]) closeLocked() {
	if r.closed {
		return
	}
	r.closed = true
	r.passSpace()
	if r.idle {
		r.idle = false
		r.wake <- 0 // no message: look again, under the lock
	}
}
