package actor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// A Reply is where the actor sends the answer to an [Ask]. Ask makes it and
// passes it to the msg function, which puts it in the message; receive calls
// Send once it knows the answer.
//
// A Reply is a small value: copy it freely and Send from any goroutine. Only
// the first Send of an ask is delivered; the others, and a Send after the
// asker gave up (its ctx ended, or the actor stopped), are dropped. A late
// Send can never reach a later ask: each ask has its own ticket. The zero
// Reply drops everything.
type Reply[R any] struct {
	c      *cell[R]
	ticket uint64
}

// Send delivers v to the asker if it is still waiting for this answer, and
// drops it otherwise. It never blocks.
func (r Reply[R]) Send(v R) {
	if r.c != nil {
		r.c.deliver(r.ticket, answer[R]{v: v})
	}
}

// Ask sends the message made by msg (msg gets the [Reply] to put in it) and
// waits for the answer. It returns the value passed to Reply.Send; or an
// error wrapping [tame.ErrClosed] when the actor is stopped, or stops before
// replying; or context.Cause(ctx) when ctx is done first (a late answer is
// then dropped). When the receive handling the message panics before
// replying, Ask returns an error wrapping its *tame.PanicError. It waits for
// room in a full mailbox like [Ref.Tell]. An actor that keeps running and
// never replies keeps Ask waiting until ctx is done: give it a deadline when
// the actor may not answer.
//
// Ask called with the ctx of the same actor's receive, or of an actor that
// the target is (directly or through others) waiting on, fails at once with
// an error wrapping [ErrDeadlock] instead of waiting forever: the target
// cannot handle the message while it waits for the caller.
//
// msg runs in the caller's goroutine; a panic in it propagates to the caller.
// A nil ref or msg panics. Ask allocates nothing in steady state: the reply cells
// are pooled.
func Ask[M, R any](ctx context.Context, ref *Ref[M], msg func(Reply[R]) M) (R, error) {
	var zero R
	if ref == nil {
		panic("actor: Ask needs a Ref, got nil")
	}
	if msg == nil {
		panic("actor: Ask needs a msg function, got nil")
	}
	waiting := fromContext(ctx)
	if waiting.has(ref) {
		return zero, fmt.Errorf("%w: ask cycle (the target is waiting on the caller)", ErrDeadlock)
	}
	done := ctx.Done()
	if done != nil {
		select {
		case <-done: // already over: send nothing
			return zero, context.Cause(ctx)
		default:
		}
	}
	pool := cellsOf[R](&ref.cells)
	c := pool.get()
	t := c.ticket.Load()
	e := envelope[M]{msg: makeMsg(msg, pool, c, t), ask: c, ticket: t, chain: waiting}
	if err := ref.put(ctx, e, false); err != nil {
		c.abandon(pool, t) // msg may have sent, or kept the Reply: retire the ticket
		return zero, err
	}
	// Every accepted ask gets an answer or a failure notice in c.ch: from
	// Send, from a receive that panicked, from the actor stopping with the
	// ask unanswered, or from a stopped actor's mailbox being emptied.
	if done == nil { // a context that never ends: a plain receive is cheapest
		a := <-c.ch
		pool.put(c)
		return a.v, a.err
	}
	select {
	case a := <-c.ch:
		pool.put(c)
		return a.v, a.err
	case <-done:
		if a, ok := c.abandon(pool, t); ok {
			return a.v, a.err
		}
		return zero, context.Cause(ctx)
	}
}

// makeMsg calls msg with the Reply of ticket t of c. When msg panics (or
// calls runtime.Goexit), it retires the ticket and gives c back before the
// panic goes on: msg may have kept the Reply, and the cell (the spare most
// often) must not stay taken.
func makeMsg[M, R any](msg func(Reply[R]) M, pool *cells[R], c *cell[R], t uint64) M {
	made := false
	defer func() {
		if !made {
			c.abandon(pool, t)
		}
	}()
	m := msg(Reply[R]{c: c, ticket: t})
	made = true
	return m
}

// A cell carries one answer at a time from an actor to an asker. ticket
// counts the asks the cell has served: an ask holds ticket t, and the first
// of Send, the actor's failure notice and the asker giving up moves it to
// t+1; only a Send or notice that moves it puts an answer in ch. So ch holds
// at most one answer, a Send never blocks, and a Send for an older ticket
// finds the ticket moved and drops its answer.
type cell[R any] struct {
	ticket atomic.Uint64
	ch     chan answer[R] // 1-buffered; empty whenever the cell is in the pool
}

type answer[R any] struct {
	v   R
	err error
}

// failer lets an actor fail an ask without knowing its answer type.
type failer interface {
	fail(ticket uint64, err error)
	pending(ticket uint64) bool // not answered, failed or given up yet
}

func (c *cell[R]) deliver(t uint64, a answer[R]) {
	if c.ticket.CompareAndSwap(t, t+1) {
		c.ch <- a
	}
}

func (c *cell[R]) fail(t uint64, err error) { c.deliver(t, answer[R]{err: err}) }

func (c *cell[R]) pending(t uint64) bool { return c.ticket.Load() == t }

// abandon retires ticket t for an asker that stops waiting, and puts the cell
// back in the pool. When an answer won the race, it takes it (it is in ch, or
// about to be: the winner sends right after moving the ticket) and reports
// true, so the answer is returned rather than lost.
func (c *cell[R]) abandon(pool *cells[R], t uint64) (answer[R], bool) {
	if c.ticket.CompareAndSwap(t, t+1) {
		pool.put(c)
		return answer[R]{}, false
	}
	a := <-c.ch
	pool.put(c)
	return a, true
}

// cellCache holds an actor's reply cells, one *cells[R] per answer type
// (usually one). The cells belong to the actor, not to the process: an actor
// and its askers share one synctest bubble, and so do their cells, whose
// channels are bound to the bubble that made them.
type cellCache struct {
	pools atomic.Pointer[[]any] // copied on write
	mu    sync.Mutex            // serializes writers
}

// cells is a pool of reply cells of one answer type. One cell, spare, is
// taken and given back with one atomic operation on a flag each: a single
// asker after another (the common case) reuses it without the sync.Pool's
// costs; concurrent askers fall back to the sync.Pool.
type cells[R any] struct {
	spare *cell[R]    // set once, when the cells are made
	busy  atomic.Bool // spare is taken
	pool  sync.Pool
}

func (p *cells[R]) get() *cell[R] {
	if !p.busy.Load() && p.busy.CompareAndSwap(false, true) {
		return p.spare
	}
	return p.pool.Get().(*cell[R])
}

func (p *cells[R]) put(c *cell[R]) {
	if c == p.spare {
		p.busy.Store(false)
		return
	}
	p.pool.Put(c)
}

func cellsOf[R any](cache *cellCache) *cells[R] {
	if l := cache.pools.Load(); l != nil {
		for _, p := range *l {
			if p, ok := p.(*cells[R]); ok {
				return p
			}
		}
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	var l []any
	if old := cache.pools.Load(); old != nil {
		for _, p := range *old {
			if p, ok := p.(*cells[R]); ok {
				return p
			}
		}
		l = append(l, *old...)
	}
	p := &cells[R]{spare: &cell[R]{ch: make(chan answer[R], 1)}}
	p.pool.New = func() any { return &cell[R]{ch: make(chan answer[R], 1)} }
	l = append(l, p)
	cache.pools.Store(&l)
	return p
}
