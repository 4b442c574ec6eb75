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
	"github.com/tamego/tame/internal/sched"
)

// A Ref is the address of an actor: the only way to reach its state is to
// send it a message through the Ref. [Spawn] and [Supervise] return it.
//
// A Ref is safe for concurrent use by any number of goroutines. Its zero value
// is not usable; make one with Spawn. Do not copy a Ref: share the pointer.
// A Ref made outside a testing/synctest bubble works inside and outside one;
// a goroutine of a bubble that waits on it (Tell for room, Ask for the
// answer, Stop or Shutdown for the end) is not durably blocked, since the
// actor's goroutine, outside the bubble, is the one that wakes it.
//
// Blocking and cancellation: Tell and Ask wait while the mailbox is full,
// until there is room or their ctx is done; TryTell and Stats never wait;
// Stop waits for the actor's goroutine to end, Shutdown until its ctx is
// done. Once Stop or Shutdown was called, the spawn context is done, or the
// actor stopped after a panic, every message is refused with an error
// wrapping [tame.ErrClosed].
//
// A message that was accepted is handled exactly once; only when the actor
// stops after a panic is it not, and then it is handed to the [DeadLetter]
// handler and counted in what Stop returns. A panic in receive never reaches
// the sender: the actor restarts or stops (see [Restart]), and Stop returns
// errors.Join of every panic, joined with a [*DeadLetterError] when messages
// were left. The actor runs on one goroutine, started by Spawn, which ends
// once the actor has stopped and handled what it accepted.
type Ref[M any] struct {
	mb        *mailbox[envelope[M]]
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

	replies  replies
	panics   catch.Collector
	consumer atomic.Uint64   // id of the goroutine running receive, for Stop from inside
	unwatch  func() bool     // stops watching the spawn context
	stop     <-chan struct{} // the spawn context's Done; nil if it never ends
	inInit   atomic.Bool     // init runs
}

// Stats is a snapshot of an actor's counters, returned by [Ref.Stats], in
// the vocabulary every tame package uses. It is a plain value.
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
// handles the messages sent to the returned Ref one at a time, in the order
// they were accepted, by calling receive with a pointer to the state.
//
// init and receive run only on the actor's goroutine (a replacement goroutine
// takes over only after a runtime.Goexit), so the state needs no lock: no
// other goroutine may touch it. init runs again at every restart (see
// [Restart]). The ctx passed to receive carries the values of ctx, is done
// when ctx is done, and marks the actor, so that [Ask] and [Ref.Tell] called
// with it detect deadlocks; use it only while handling the message.
//
// When ctx is done the actor stops as if [Ref.Stop] were called. Without
// the [Restart] option, a panic in init or receive stops the actor. Spawn
// allocates the whole mailbox at once, memory in proportion to its
// capacity. A nil ctx, init or receive, a [DeadLetter] handler for another
// message type, or a mailbox too large to fit in memory panics.
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

// Tell sends msg to the actor. It waits while the mailbox is full, until
// there is room or ctx is done (it returns ctx.Err() then); it returns an
// error wrapping [tame.ErrClosed] once the actor is stopping or stopped. nil
// means the message was accepted: it will be handled (or, if the actor stops
// after a panic first, reported as a dead letter). A ctx that is already
// done refuses the message even when there is room.
//
// Called on the actor's own goroutine (from receive, init or a handler,
// whatever the ctx), or with the ctx of the receive of an actor that an
// actor waiting on this one asked, Tell to a full mailbox returns an error
// wrapping [tame.ErrDeadlock] instead of waiting for room that only the
// waiting actor could make. A nil ctx panics.
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
	switch r.mb.tryPut(&e) {
	case putDone:
		return nil
	case putClosed:
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
	if err := r.mb.put(ctx, &e); err != nil {
		r.refused.Add(1)
		return err
	}
	return nil
}

// TryTell sends msg if the mailbox has room and the actor is not stopping, and
// reports whether it did. It never waits.
func (r *Ref[M]) TryTell(msg M) bool {
	sched.Point(sched.Tell)
	if r.stop != nil && r.spawnDone() {
		r.refused.Add(1)
		return false
	}
	e := envelope[M]{msg: msg}
	if r.mb.tryPut(&e) != putDone {
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

// Stop stops the actor: it accepts no more messages, the actor handles the
// messages it had accepted, then its goroutine ends. Stop waits for that and
// returns what the actor recorded: errors.Join of the *tame.PanicError of
// every panic, and a *[DeadLetterError] when messages were left unhandled
// because the actor stopped after a panic; nil when there was neither. Stop
// is Shutdown with a context that is never done. It is idempotent and safe
// to call concurrently with Stop and Shutdown: every call from outside the
// actor returns the same value, and once one returns no init, receive or
// handler of the actor runs any more.
//
// Called on the actor's own goroutine (from receive, init or a handler),
// Stop cannot wait for itself: it stops the actor from accepting and returns
// at once an error wrapping [tame.ErrDeadlock]; the actor ends after the
// current message and the ones already accepted. Like any wait, Stop from
// another actor's receive deadlocks if this actor is waiting on that one (an
// Ask in the other direction): stop it from outside instead.
func (r *Ref[M]) Stop() error {
	return r.Shutdown(context.Background())
}

// Shutdown is Stop bounded by ctx. It stops the actor from accepting and
// waits until the actor has handled every message it accepted and ended, or
// until ctx is done. In the first case it returns what Stop returns. In the
// second it returns ctx.Err(), and the actor goes on handling what it
// accepted: nothing is dropped, and a later Stop or Shutdown waits for it.
// When the actor has already handled every message it accepted (also when
// it accepted none and init has not begun: Shutdown then waits for init),
// Shutdown returns Stop's result even with a ctx that is done; while init
// or receive runs, it returns ctx.Err(). Called on the actor's
// own goroutine, it returns at once, as Stop does. A nil ctx panics.
func (r *Ref[M]) Shutdown(ctx context.Context) error {
	sched.Point(sched.Close)
	if ctx == nil {
		panic("actor: Shutdown called with a nil context")
	}
	drained := r.mb.close()
	select {
	case <-r.done:
		return r.err
	default:
	}
	if r.onOwnGoroutine() {
		return errStopInside
	}
	if drained || r.idleForGood() {
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
// it accepted nothing and init has not begun): another call (Stop,
// Shutdown, the spawn ctx) closed its mailbox while it was parked, or it
// has seen the end, or it accepted nothing and init is not running.
func (r *Ref[M]) idleForGood() bool {
	return r.ending.Load() || r.mb.settled() || (r.mb.end() == 0 && !r.inInit.Load())
}

// Stats returns a snapshot of the actor's counters. It never waits for the
// actor. Waiting is exact, and at most the mailbox capacity. Once Stop has
// returned, Submitted == Completed + Failed.
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
	claimed, taken, idle := r.mb.counts()
	s := Stats{
		Submitted:  claimed,
		Refused:    r.refused.Load(),
		Waiting:    int(claimed - taken),
		MaxWaiting: int(r.mb.maxWaiting.Load()),
		Failed:     r.failed,
		Restarts:   r.restarts,
		Stopped:    r.mb.closed(),
	}
	r.mu.Unlock()
	if s.Waiting > s.MaxWaiting {
		// The senders of a large mailbox may have missed this peak.
		raise(&r.mb.maxWaiting, uint64(s.Waiting))
		s.MaxWaiting = s.Waiting
	}
	// The actor stores no count when a receive returns: the last message
	// taken is running unless the actor has ended or parked since. It may
	// also be between two messages; Completed never goes back.
	if !ended && !idle && taken > s.Failed {
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
		r.mb.close()
		return true
	default:
		return false
	}
}

// onOwnGoroutine reports whether the caller runs on the actor's goroutine.
func (r *Ref[M]) onOwnGoroutine() bool {
	return r.consumer.Load() == goid.ID()
}
