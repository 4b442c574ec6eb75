package actor

import (
	"context"
	"math/bits"
	"sync"
	"sync/atomic"
)

// A Reply is where the actor sends the answer to an Ask. It may be copied
// freely and sent from any goroutine. Only the first Send of an ask is
// delivered; later ones, and a Send after the asker gave up, are dropped and
// never reach a later ask. The zero Reply drops everything.
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

// A cell carries one answer at a time from an actor to an asker. ticket
// counts the asks the cell has served: an ask holds ticket t, and the first
// of Send, the actor's failure notice and the asker giving up moves it to
// t+1; only a Send or notice that moves it writes the answer and signals
// it. So a cell holds at most one answer, a Send never blocks, and a Send
// for an older ticket finds the ticket moved and drops its answer.
//
// Most cells signal on a channel of their own that the actor made at Spawn
// (sig). The asks beyond the nsig an actor serves that way use an overflow
// cell: a channel made by an asker in a testing/synctest bubble could not be
// used by an actor outside it. An overflow cell sets done and sends the
// token on the actor's one overflow channel; the askers waiting there pass
// the token on until the one whose answer is written takes it.
type cell[R any] struct {
	ticket atomic.Uint64
	a      answer[R]     // written by the one who moved the ticket, then signalled
	sig    chan struct{} // 1-buffered, empty whenever the cell is free; nil for an overflow cell
	idx    int           // sig's index in replies.sig; -1 for an overflow cell
	rs     *replies      // an overflow cell's
	done   atomic.Bool   // an overflow cell's answer is written
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
	if !c.ticket.CompareAndSwap(t, t+1) {
		return
	}
	c.a = a
	if c.sig != nil {
		c.sig <- struct{}{}
		return
	}
	c.done.Store(true)
	c.rs.ready.Add(1)
	c.rs.passToken()
}

func (c *cell[R]) fail(t uint64, err error) { c.deliver(t, answer[R]{err: err}) }

func (c *cell[R]) pending(t uint64) bool { return c.ticket.Load() == t }

// wait waits for the answer to ticket t and returns it, or, once ctx is
// done, retires t and reports false, unless an answer won the race: that
// answer is returned rather than lost.
func (c *cell[R]) wait(ctx context.Context, t uint64) (answer[R], bool) {
	done := ctx.Done()
	if c.sig != nil {
		if done == nil { // a context that never ends: a plain receive is cheapest
			<-c.sig
			return c.take(), true
		}
		select {
		case <-c.sig:
			return c.take(), true
		case <-done:
			if c.ticket.CompareAndSwap(t, t+1) {
				return answer[R]{}, false
			}
			<-c.sig // the winner signals right after moving the ticket
			return c.take(), true
		}
	}
	rs := c.rs
	for {
		if c.done.Load() {
			c.done.Store(false)
			if rs.ready.Add(-1) > 0 {
				rs.passToken()
			}
			return c.take(), true
		}
		select {
		case <-rs.token:
			if !c.done.Load() && rs.ready.Load() > 0 {
				rs.passToken() // another asker's answer
			}
		case <-done:
			if c.ticket.CompareAndSwap(t, t+1) {
				return answer[R]{}, false
			}
			done = nil // the answer is being written: wait for it
		}
	}
}

// abandon retires ticket t for an asker that will not wait: its message
// was refused, or msg panicked. When an answer won the race (msg may have
// sent on the Reply), it takes it, so that the cell is free.
func (c *cell[R]) abandon(t uint64) {
	if !c.ticket.CompareAndSwap(t, t+1) {
		c.wait(context.Background(), t)
	}
}

func (c *cell[R]) take() answer[R] {
	a := c.a
	c.a = answer[R]{}
	return a
}

// nsig is how many asks an actor serves at once with a channel of their
// own, made at Spawn; the others use overflow cells.
const nsig = 8

// replies holds an actor's reply cells. The cells of an answer type are made
// at its first Ask (plain memory, no channel), one per channel: only the ask
// holding channel i uses the cells of index i.
type replies struct {
	busy  atomic.Uint32 // bit i: sig[i] is held by an ask
	sig   [nsig]chan struct{}
	token chan struct{}       // 1-buffered: the signal of the overflow cells
	ready atomic.Int32        // overflow answers written and not taken yet
	first atomic.Pointer[any] // the *cells[R] of the first answer type asked for
	cells sync.Map            // cellsKey[R]{} to the *cells[R] of each answer type
}

// cells are the cells of one answer type.
type cells[R any] struct {
	fixed    [nsig]cell[R]
	overflow sync.Pool
}

func (rs *replies) init() {
	for i := range rs.sig {
		rs.sig[i] = make(chan struct{}, 1)
	}
	rs.token = make(chan struct{}, 1)
}

// passToken wakes an asker waiting on an overflow cell.
func (rs *replies) passToken() {
	select {
	case rs.token <- struct{}{}:
	default: // a token is already there
	}
}

// get returns a free cell for an answer of type R.
func get[R any](rs *replies) *cell[R] {
	cs := cellsOf[R](rs)
	for {
		b := rs.busy.Load()
		i := bits.TrailingZeros32(^b)
		if i >= nsig {
			return cs.overflow.Get().(*cell[R])
		}
		if rs.busy.CompareAndSwap(b, b|1<<i) {
			return &cs.fixed[i]
		}
	}
}

// put gives back a cell whose answer was taken or whose ticket was retired.
func put[R any](rs *replies, c *cell[R]) {
	if c.idx < 0 {
		cellsOf[R](rs).overflow.Put(c)
		return
	}
	rs.busy.And(^uint32(1 << c.idx))
}

// cellsKey[R] is the key of the cells of answer type R.
type cellsKey[R any] struct{}

// cellsOf returns the cells of answer type R, making them at the first use.
func cellsOf[R any](rs *replies) *cells[R] {
	if p := rs.first.Load(); p != nil {
		if cs, ok := (*p).(*cells[R]); ok {
			return cs
		}
	}
	if cs, ok := rs.cells.Load(cellsKey[R]{}); ok {
		return cs.(*cells[R])
	}
	cs := new(cells[R])
	for i := range cs.fixed {
		cs.fixed[i].sig, cs.fixed[i].idx = rs.sig[i], i
	}
	cs.overflow.New = func() any { return &cell[R]{idx: -1, rs: rs} }
	got, _ := rs.cells.LoadOrStore(cellsKey[R]{}, cs)
	rs.first.CompareAndSwap(nil, &got)
	return got.(*cells[R])
}
