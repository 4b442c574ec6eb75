package actor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
)

// A Ref is the address of an actor: the only way to reach its state is to
// send it a message through the Ref. [Spawn] and [Supervise] return it.
//
// A Ref is safe for concurrent use by any number of goroutines. Its zero value
// is not usable; make one with Spawn. Do not copy a Ref: share the pointer.
//
// Blocking and cancellation: Tell waits while the mailbox is full, until
// there is room or its ctx is done; TryTell and Stats never wait; Stop waits
// for the actor's goroutine to end. Once Stop was called, the spawn context
// is done, or the actor stopped after a panic, Tell and TryTell refuse every
// message (Tell returns an error wrapping [tame.ErrClosed]).
//
// A message that Tell accepted is handled exactly once; only when the actor
// stops after a panic is it not, and then it is handed to the [DeadLetter]
// handler and counted in what Stop returns. A panic in receive never reaches
// the sender: the actor restarts or stops (see [Restart]), and Stop returns
// errors.Join of every panic, joined with a [*DeadLetterError] when messages
// were left. The actor runs on one goroutine, started by Spawn, which ends
// once the actor has stopped and handled what it accepted; Stop returns only
// after it has ended.
type Ref[M any] struct {
	// The mailbox (see mailbox.go): tail is written by the producers, head
	// by the actor (and by a producer or Stop clearing its idle bit); each
	// sits on its own cache line.
	_    pad
	tail atomic.Uint64 // next position to reserve | closedBit once stopping
	_    pad
	head atomic.Uint64 // first position not given back yet | idleBit while parked
	_    pad

	ring     []slot[M]
	mask     uint64        // len(ring) - 1
	capacity uint64        // positions reserved and not given back, at most
	waiters  atomic.Int32  // producers waiting for room
	space    chan struct{} // 1-buffered: a token for the producers waiting for room
	wake     chan struct{} // 1-buffered: one token per idle period of the actor, see wakeActor
	done     chan struct{} // closed once the actor's goroutine has ended
	err      error         // what Stop returns; written before done is closed

	// mu guards the counters of the slow paths, and makes Stats see
	// unhandled and head together.
	mu        sync.Mutex
	unhandled uint64 // positions given back without being handled (dead letters, failed asks)
	restarts  int
	dead      int // dead letters

	cells    cellCache // reply cells of the asks to this actor
	panics   catch.Collector
	consumer atomic.Uint64 // id of the goroutine running receive, for Stop from inside
	unwatch  func() bool   // stops watching the spawn context
}

// Stats is a snapshot of an actor's counters, as returned by [Ref.Stats]. It
// is a plain value: copy it freely; it does not change after it was taken.
type Stats struct {
	Mailbox  int    // messages accepted and not handled yet
	Handled  uint64 // messages passed to receive (including those whose receive panicked)
	Restarts int    // restarts after a panic
	Panics   int    // panics recorded (of init, receive and the handlers)
	Stopped  bool   // the actor accepts no more messages
}

// Spawn starts an actor: a goroutine that owns a state made by init and
// handles the messages sent to the returned Ref one at a time, in the order
// they were accepted, by calling receive with a pointer to the state.
//
// init and receive run only on the actor's goroutine (a replacement goroutine
// takes over only after a runtime.Goexit), so the state needs no lock: no
// other goroutine may touch it. init runs again at every restart (see
// [Restart]). The ctx passed to receive carries the values of ctx, is done
// when ctx is done, and marks the actor, so that [Ask] and [Ref.Tell] called
// with it detect deadlocks (see [ErrDeadlock]); use it only while handling the
// message.
//
// When ctx is done the actor stops as if [Ref.Stop] were called: it accepts
// no more messages, handles those already accepted, and ends. Without the
// [Restart] option, a panic in init or receive stops the actor (see the
// package documentation). A nil init or receive, or a [DeadLetter] handler for
// another message type, panics.
func Spawn[S, M any](ctx context.Context, init func() S,
	receive func(ctx context.Context, state *S, msg M), opts ...Option) *Ref[M] {
	if init == nil {
		panic("actor: Spawn needs an init function, got nil")
	}
	if receive == nil {
		panic("actor: Spawn needs a receive function, got nil")
	}
	cfg := newConfig(opts)
	a := newActor(ctx, init, receive, cfg)
	if cfg.restarts > 0 {
		w := &window{max: cfg.restarts, within: cfg.within}
		a.allow = w.allow
	}
	a.start(ctx)
	return a.ref
}

// Tell sends msg to the actor. It waits while the mailbox is full, until
// there is room or ctx is done (it returns context.Cause(ctx) then); it
// returns an error wrapping [tame.ErrClosed] once the actor is stopping or
// stopped. nil means the message was accepted: it will be handled (or, if the
// actor stops after a panic first, reported as a dead letter). Like a send
// on a buffered channel, Tell accepts a message when there is room even if
// ctx is already done.
//
// Called from the actor's own receive with its ctx (or from an actor that
// an actor waiting on this one asked), Tell returns an error wrapping
// [ErrDeadlock] instead of waiting for room that only the waiting actor
// could make.
func (r *Ref[M]) Tell(ctx context.Context, msg M) error {
	return r.put(ctx, envelope[M]{msg: msg}, true)
}

// TryTell sends msg if the mailbox has room and the actor is not stopping, and
// reports whether it did. It never waits.
func (r *Ref[M]) TryTell(msg M) bool {
	e := envelope[M]{msg: msg}
	return r.tryPut(&e) == putDone
}

var errClosed = fmt.Errorf("actor: stopped: %w", tame.ErrClosed)

// Stop stops the actor: it accepts no more messages, the actor handles the
// messages it had accepted, then its goroutine ends. Stop waits for that and
// returns what the actor recorded: errors.Join of the *tame.PanicError of
// every panic (the first 32, then a count), and a *[DeadLetterError] when
// messages were left unhandled because the actor stopped after a panic; nil
// when there was neither. Stop is idempotent and safe to call concurrently:
// every call returns the same value, and once one returns no init, receive or
// handler of the actor runs any more.
//
// Called on the actor's own goroutine (from receive, init or a handler), Stop
// cannot wait for itself: it marks the actor stopping and returns nil at
// once; the actor ends after the current message and the ones already
// accepted. Call Stop from outside to get the result. Like any wait, Stop
// from another actor's receive deadlocks if this actor is waiting on that one
// (an Ask in the other direction): stop it from outside instead.
func (r *Ref[M]) Stop() error {
	r.shut()
	select {
	case <-r.done:
		return r.err
	default:
	}
	if r.onOwnGoroutine() {
		return nil
	}
	<-r.done
	return r.err
}

// Stats returns a snapshot of the actor's counters. The actor updates them
// each time it takes a new batch from its mailbox (at most a few dozen
// messages), so Mailbox may still count messages of the batch in progress.
func (r *Ref[M]) Stats() Stats {
	r.mu.Lock()
	// Read head again after tail, so that the two are of the same moment
	// (head only moves on): the depth is then at most the capacity.
	h := r.head.Load() &^ idleBit
	t := r.tail.Load()
	for h2 := r.head.Load() &^ idleBit; h2 != h; h2 = r.head.Load() &^ idleBit {
		h, t = h2, r.tail.Load()
	}
	s := Stats{Mailbox: int(t&^closedBit - h), Handled: h - r.unhandled, Restarts: r.restarts, Stopped: t&closedBit != 0}
	r.mu.Unlock()
	s.Panics = r.panics.Len()
	return s
}

// A DeadLetterError reports how many accepted messages an actor did not
// handle because it stopped after a panic (pending asks not included: their
// askers got an error). [Ref.Stop] returns it, joined with the panics; find
// it with errors.As.
type DeadLetterError struct {
	Count int
}

func (e *DeadLetterError) Error() string {
	return fmt.Sprintf("actor: %d messages left unhandled after the actor stopped on a panic", e.Count)
}

// result is what Stop returns; called once, by the ending goroutine.
func (r *Ref[M]) result() error {
	var dl error
	r.mu.Lock()
	if r.dead > 0 {
		dl = &DeadLetterError{Count: r.dead}
	}
	r.mu.Unlock()
	return errors.Join(r.panics.Err(), dl)
}

// onOwnGoroutine reports whether the caller runs on the actor's goroutine.
func (r *Ref[M]) onOwnGoroutine() bool {
	return r.consumer.Load() == goid.ID()
}
