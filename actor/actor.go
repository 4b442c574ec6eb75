package actor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/ring"
	"github.com/tamego/tame/internal/sched"
)

// A Ref is the address of an actor, returned by Spawn and Supervise. It is
// safe for concurrent use. Its zero value is not usable. Do not copy a Ref:
// share the pointer. A goroutine of a testing/synctest bubble that waits on
// a Ref made outside the bubble is not durably blocked.
type Ref[M any] struct {
	mb        *ring.Ring[envelope[M]]
	done      chan struct{} // closed once the actor's goroutine has ended
	err       error         // what Stop returns; written before done is closed
	refused   atomic.Uint64
	ending    atomic.Bool   // the actor has handled its last message and ends
	completed atomic.Uint64 // the highest Completed that Stats returned

	// mu guards the counters of the slow paths.
	mu       sync.Mutex
	failed   uint64 // messages whose receive failed, or left by a stopped actor
	dead     int    // dead letters
	restarts uint64

	replies replies
	panics  catch.Collector
	unwatch func() bool     // stops watching the spawn context
	stop    <-chan struct{} // the spawn context's Done; nil if it never ends
	inInit  atomic.Bool     // init runs
}

// Stats is a snapshot of an actor's counters, in the vocabulary of [tame].
type Stats struct {
	Submitted  uint64 // messages accepted (Tell, TryTell and Ask)
	Refused    uint64 // calls that accepted nothing: full, stopped, ctx done or a deadlock
	Waiting    int    // messages accepted and not yet given to receive
	MaxWaiting int    // the most messages that ever waited at once, never below Waiting (in a large mailbox, a brief peak may be missed by a little)
	Running    int    // 1 while receive (or, after a failure, the actor) is at work, else 0
	Completed  uint64 // messages whose receive returned
	Failed     uint64 // messages whose receive panicked or called runtime.Goexit, or that a stopped actor never handled
	Restarts   uint64 // restarts after a failure
	Stopped    bool   // the actor accepts no more messages
}

// Spawn starts an actor: a goroutine that owns a state made by init and
// calls receive with a pointer to it for each message sent to the returned
// Ref, one at a time, in the order they were accepted. init and receive run
// only on the actor's goroutine, so the state needs no lock.
//
// The ctx passed to receive carries ctx's values, is done when ctx is done,
// and lets Ask and Ref.Tell called with it detect deadlocks; use it only
// while handling the message. When ctx is done the actor stops as if
// [Ref.Stop] were called; its goroutine ends once it has handled what it
// accepted.
//
// A nil ctx, init or receive panics, as do the misused options (see each).
func Spawn[S, M any](ctx context.Context, init func() S,
	receive func(ctx context.Context, state *S, msg M), opts ...Option) *Ref[M] {
	if ctx == nil {
		panic("actor: Spawn called with a nil context")
	}
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

// Tell sends msg to the actor, waiting while the mailbox is full. It returns
// nil once msg is accepted, ctx.Err() if ctx is done first or already done,
// and an error wrapping [tame.ErrClosed] once the actor is stopping or
// stopped.
//
// Tell to a full mailbox returns at once an error wrapping
// [tame.ErrDeadlock] when called on the actor's own goroutine (with any
// ctx), or with the ctx of the receive of an actor that an actor waiting on
// this one asked. A nil ctx panics.
func (r *Ref[M]) Tell(ctx context.Context, msg M) error {
	sched.Point(sched.Tell)
	if ctx == nil {
		panic("actor: Tell called with a nil context")
	}
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			r.refused.Add(1)
			return ctx.Err()
		default:
		}
	}
	if r.stop != nil && r.spawnDone() {
		r.refused.Add(1)
		return errClosed
	}
	e := envelope[M]{msg: msg}
	switch r.mb.TryPut(&e) {
	case ring.Done:
		return nil
	case ring.Closed:
		r.refused.Add(1)
		return errClosed
	}
	// Full. Waiting is fine unless the only one who can make room is waiting
	// on the caller: the actor itself, or one that asked it (directly or
	// through others).
	if fromContext(ctx).has(r) || r.onOwnGoroutine() {
		r.refused.Add(1)
		return errTellDeadlock
	}
	if err := r.put(ctx, &e); err != nil {
		r.refused.Add(1)
		return err
	}
	return nil
}

// TryTell sends msg if the mailbox has room and the actor is not stopping, and
// reports whether it did. It never waits, and refuses while Tells or Asks
// wait for room (they come first).
func (r *Ref[M]) TryTell(msg M) bool {
	sched.Point(sched.Tell)
	if r.stop != nil && r.spawnDone() {
		r.refused.Add(1)
		return false
	}
	e := envelope[M]{msg: msg}
	if r.mb.TryPut(&e) != ring.Done {
		r.refused.Add(1)
		return false
	}
	return true
}

var (
	errClosed       = fmt.Errorf("actor: stopped: %w", tame.ErrClosed)
	errTellDeadlock = fmt.Errorf("actor: Tell to a full mailbox that only the sender's own wait could empty: %w", tame.ErrDeadlock)
	errStopInside   = fmt.Errorf("actor: Stop called from the actor's own goroutine cannot wait for it (the actor ends after the messages it accepted): %w", tame.ErrDeadlock)
)

// Stop stops accepting messages, waits until the actor has handled those it
// had accepted and its goroutine has ended, and returns errors.Join of the
// *[tame.PanicError] of every panic and a *[DeadLetterError] if messages
// were left unhandled; nil when there was neither. Once a Stop returns, no
// init, receive or handler of the actor runs any more.
//
// Called on the actor's own goroutine, Stop returns at once an error
// wrapping [tame.ErrDeadlock]. Stop from another actor's receive deadlocks
// if this actor is waiting on that one.
func (r *Ref[M]) Stop() error {
	return r.Shutdown(context.Background())
}

// Shutdown is Stop bounded by ctx, as the rules of [tame] say. Once the
// actor has handled everything it accepted and runs no init or receive, it
// returns Stop's result even with a done ctx (if the actor accepted nothing
// and init has not begun, it waits for init); while init or receive runs, it
// returns ctx.Err(). A nil ctx panics.
func (r *Ref[M]) Shutdown(ctx context.Context) error {
	sched.Point(sched.Close)
	if ctx == nil {
		panic("actor: Shutdown called with a nil context")
	}
	r.mb.Close()
	select {
	case <-r.done:
		return r.err
	default:
	}
	if r.onOwnGoroutine() {
		return errStopInside
	}
	if r.idleForGood() {
		// Every message accepted was handled: the actor's goroutine runs
		// no user code any more, it only ends.
		<-r.done
		return r.err
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		if r.idleForGood() {
			<-r.done
			return r.err
		}
		return ctx.Err()
	}
}

// idleForGood reports whether the actor, closed, has handled every message
// it accepted and runs no user code, so that it only ends (after init, if
// it accepted nothing and init has not begun): it has seen the end, or its
// mailbox is settled and init is not running.
func (r *Ref[M]) idleForGood() bool {
	return r.ending.Load() || r.mb.Settled() && !r.inInit.Load()
}

// Stats returns a snapshot of the actor's counters without waiting for the
// actor. Waiting is exact.
func (r *Ref[M]) Stats() Stats {
	if r.stop != nil {
		r.spawnDone()
	}
	ended := false
	select {
	case <-r.done:
		ended = true
	default:
	}
	r.mu.Lock()
	claimed, taken, inHand := r.mb.Counts()
	s := Stats{
		Submitted: claimed,
		Refused:   r.refused.Load(),
		Waiting:   int(claimed - taken),
		Failed:    r.failed,
		Restarts:  r.restarts,
		Stopped:   r.mb.IsClosed(),
	}
	r.mu.Unlock()
	s.MaxWaiting = r.mb.MaxDepth(s.Waiting)
	// The actor stores no count when a receive returns: the last message
	// taken is running until the actor ends or looks for the next one and
	// finds none. It may also be between two messages; Completed never
	// goes back.
	if !ended && inHand && taken > s.Failed {
		s.Running = 1
	}
	if done := taken - uint64(s.Running); done > s.Failed {
		s.Completed = done - s.Failed
	}
	for {
		c := r.completed.Load()
		if s.Completed <= c {
			if s.Running > 0 && taken-s.Failed <= c {
				s.Running = 0
			}
			s.Completed = c
			break
		}
		if r.completed.CompareAndSwap(c, s.Completed) {
			break
		}
	}
	return s
}

// A DeadLetterError counts the accepted messages an actor did not handle
// because it stopped after a panic (pending Asks not included). Ref.Stop
// returns it joined with the panics: find it with errors.As.
type DeadLetterError struct {
	Count int
}

func (e *DeadLetterError) Error() string {
	return fmt.Sprintf("actor: %d messages left unhandled after the actor stopped on a panic", e.Count)
}

// result is what Stop returns; called once, by the ending goroutine. It is
// one errors.Join: the panics, then the dead letters.
func (r *Ref[M]) result() error {
	var errs []error
	if err := r.panics.Err(); err != nil {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = append(errs, j.Unwrap()...)
		} else {
			errs = append(errs, err)
		}
	}
	r.mu.Lock()
	if r.dead > 0 {
		errs = append(errs, &DeadLetterError{Count: r.dead})
	}
	r.mu.Unlock()
	return errors.Join(errs...)
}

// spawnDone reports whether the spawn context is done, and closes the
// mailbox then: the watch of the context does so too, but later, on a
// goroutine of its own, and a call made once the context is done must find
// the actor stopped.
func (r *Ref[M]) spawnDone() bool {
	select {
	case <-r.stop:
		r.mb.Close()
		return true
	default:
		return false
	}
}

// onOwnGoroutine reports whether the caller runs on the actor's goroutine.
func (r *Ref[M]) onOwnGoroutine() bool { return r.mb.Owned() }

// put is Tell and Ask when the mailbox was full: it waits for room.
func (r *Ref[M]) put(ctx context.Context, e *envelope[M]) error {
	switch r.mb.Put(ctx, e) {
	case ring.Done:
		return nil
	case ring.Closed:
		return errClosed
	case ring.Self:
		return errTellDeadlock
	default:
		return ctx.Err()
	}
}
