package actor

import (
	"context"
	"fmt"
	"slices"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/sched"
)

// Ask sends the message made by msg, which puts the given Reply in it, and
// waits for the answer. It returns the value passed to [Reply.Send]; an
// error wrapping the *[tame.PanicError] if receive panics before replying;
// an error wrapping [tame.ErrClosed] if the actor is stopped or stops before
// replying; or ctx.Err() if ctx is done first (a ctx already done sends
// nothing). It waits for room as [Ref.Tell] does, and for an actor that
// never replies until ctx is done.
//
// Called on the target's own goroutine (with any ctx), or with the ctx of
// the receive of an actor the target is waiting on, directly or through
// others, Ask returns at once an error wrapping [tame.ErrDeadlock].
//
// msg runs in the caller's goroutine; a panic in it propagates. A nil ctx,
// ref or msg panics.
func Ask[M, R any](ctx context.Context, ref *Ref[M], msg func(Reply[R]) M) (R, error) {
	sched.Point(sched.Ask)
	var zero R
	if ref == nil {
		panic("actor: Ask needs a Ref, got nil")
	}
	if msg == nil {
		panic("actor: Ask needs a msg function, got nil")
	}
	if ctx == nil {
		panic("actor: Ask called with a nil context")
	}
	waiting := fromContext(ctx)
	if waiting.has(ref) || ref.onOwnGoroutine() {
		ref.refused.Add(1)
		return zero, errAskDeadlock
	}
	done := ctx.Done()
	if done != nil {
		select {
		case <-done: // already over: send nothing
			ref.refused.Add(1)
			return zero, ctx.Err()
		default:
		}
	}
	if ref.stop != nil && ref.spawnDone() {
		ref.refused.Add(1)
		return zero, errClosed
	}
	rs := &ref.replies
	c := get[R](rs)
	t := c.ticket.Load()
	e := envelope[M]{msg: makeMsg(msg, rs, c, t), ask: c, ticket: t, chain: waiting}
	if err := ref.put(ctx, &e); err != nil {
		ref.refused.Add(1)
		c.abandon(t) // msg may have sent, or kept the Reply: retire the ticket
		put(rs, c)
		return zero, err
	}
	// Every accepted ask gets an answer or a failure notice: from Send, from
	// a receive that panicked, from the actor stopping with the ask
	// unanswered, or from a stopped actor's mailbox being emptied.
	a, ok := c.wait(ctx, t)
	sched.Point(sched.Wake)
	put(rs, c)
	if !ok {
		return zero, ctx.Err()
	}
	return a.v, a.err
}

var errAskDeadlock = fmt.Errorf("actor: ask cycle (the target is waiting on the caller): %w", tame.ErrDeadlock)

// makeMsg calls msg with the Reply of ticket t of c. When msg panics (or
// calls runtime.Goexit), it retires the ticket and frees c before the panic
// goes on: msg may have kept the Reply, and the cell must not stay taken.
func makeMsg[M, R any](msg func(Reply[R]) M, rs *replies, c *cell[R], t uint64) M {
	made := false
	defer func() {
		if !made {
			c.abandon(t)
			put(rs, c)
		}
	}()
	m := msg(Reply[R]{c: c, ticket: t})
	made = true
	return m
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

var (
	errNoReply    = fmt.Errorf("actor: stopped before replying: %w", tame.ErrClosed)
	errStoppedAsk = fmt.Errorf("actor: stopped after a panic before handling the ask: %w", tame.ErrClosed)
)
