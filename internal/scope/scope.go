// Package scope is the one implementation of a scope of work that succeeds or
// fails as a whole: a context cancelled with the first failure as its cause,
// a flag that says, in one atomic load, that the scope is stopped, the first
// error (or every error, joined, or the context's cause), the panics of every
// goroutine of the scope, and a Wait that waits for them and re-panics the
// first panic in its caller's goroutine. pool.Group, pool.Map, pool.ForEach
// and package pipeline are built on it.
package scope

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/pad"
)

// A Mode says how the errors of a scope combine.
type Mode int

const (
	// FirstError: the first error recorded by Fail stops the scope (its
	// context is cancelled with the error as its cause) and is what Wait
	// returns; later errors are dropped.
	FirstError Mode = iota
	// JoinErrors: errors do not stop the scope, and Wait returns
	// errors.Join of all of them, in the order they were recorded.
	JoinErrors
	// FirstCause: Fail stops the scope as with FirstError, and Wait returns
	// the cause of the context when it was done before Wait: the first error
	// recorded, or the parent's cause when the parent ended first. Skip has
	// no effect: what was left out is accounted for by that cause.
	FirstCause
)

// Stopped is the flag of [Scope.State] that the scope sets once its context
// is done. The other bits of the state word are the owner's (see Mark).
const Stopped uint32 = 1

// A Scope records the outcome of a piece of work done by several goroutines.
// It is safe for concurrent use. Make one with New; it must not be copied.
type Scope struct {
	// state holds Stopped and the owner's flags. Hot loops poll it before
	// every item: it is written once per flag and read far more often than
	// it changes, so it has a cache line of its own.
	_     pad.Line
	state atomic.Uint32
	_     pad.Line

	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	mode   Mode
	onStop func() // see NewOnStop

	// The context.AfterFunc that sets Stopped when the parent is done, and
	// a channel it closes when it has run (both nil when the parent can
	// never be done). A channel made here, not a sync.WaitGroup: a scope
	// made outside a synctest bubble may be settled inside one, and a
	// WaitGroup counted outside and done inside is a fatal error.
	stopWatch func() bool
	watched   chan struct{}

	wg     sync.WaitGroup // the goroutines counted by Add (and Go)
	panics catch.Collector

	mu      sync.Mutex
	closed  bool    // Settle was called: Add refuses
	settled bool    // the outcome is final: the first Settle computed it
	err     error   // the first error (FirstError), the cause (FirstCause)
	errs    []error // every error, in order (JoinErrors)
	skipped bool    // work was left out because the context was done
}

// New returns a Scope whose context is derived from parent, with errors
// combined as mode says. A panic stops the scope whatever the mode.
func New(parent context.Context, mode Mode) *Scope { return NewOnStop(parent, mode, nil) }

// NewOnStop is New with onStop, which the scope calls when a failure stops
// it (Fail, unless JoinErrors, and Panic) and when its parent is done, in
// the goroutine that stopped it, with no lock of the scope held; it may be
// called more than once. It is how an owner wakes what waits without
// selecting on the context's Done channel (a channel made outside a
// synctest bubble does not let a goroutine inside one block durably).
func NewOnStop(parent context.Context, mode Mode, onStop func()) *Scope {
	s := &Scope{mode: mode, parent: parent, onStop: onStop}
	s.ctx, s.cancel = context.WithCancelCause(parent)
	if parent.Err() != nil {
		s.state.Store(Stopped) // do not wait for the AfterFunc to run
	}
	if parent.Done() != nil {
		s.watched = make(chan struct{})
		s.stopWatch = context.AfterFunc(parent, func() {
			s.state.Or(Stopped)
			if s.onStop != nil {
				s.onStop()
			}
			close(s.watched)
		})
	}
	return s
}

// Context returns the scope's context: done at the first failure (the first
// error unless JoinErrors, or the first panic), when the parent is done, and
// once Settle or Wait has returned.
func (s *Scope) Context() context.Context { return s.ctx }

// State returns the state word: Stopped once the context is done, and the
// flags set with Mark. It is one atomic load, for the hot loops of the
// owner: State() == 0 tells at once that the scope runs and none of the
// owner's flags is set.
//
// Fail, Panic and Settle set Stopped before they cancel the context, so a
// goroutine that has seen the context done sees Stopped too; when the
// parent ends, Stopped is set shortly after (at once in New when the parent
// was already done). Once set, Stopped stays set.
func (s *Scope) State() uint32 { return s.state.Load() }

// Stopped reports whether the Stopped flag is set (see State).
func (s *Scope) Stopped() bool { return s.state.Load()&Stopped != 0 }

// Mark sets the owner's flags in the state word; they stay set. flags must
// not include Stopped.
func (s *Scope) Mark(flags uint32) {
	if flags&Stopped != 0 {
		panic("scope: Mark with the Stopped flag; only the scope stops itself")
	}
	s.state.Or(flags)
}

// Add counts n goroutines that the caller starts itself: Settle and Wait
// wait until each has called Done. It reports false, counting none, once
// Settle or Wait has been called.
func (s *Scope) Add(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(n)
	return true
}

// Done tells the scope that one goroutine counted by Add has ended.
func (s *Scope) Done() { s.wg.Done() }

// Go runs fn in a new goroutine of the scope, as Run: Wait waits for it. Go
// panics when Settle or Wait has been called.
func (s *Scope) Go(fn func() error) {
	if !s.Add(1) {
		panic("scope: Go called after Wait")
	}
	go func() {
		defer s.Done()
		s.Run(fn)
	}()
}

// Run calls fn in the calling goroutine and records how it ended: a non-nil
// error as by Fail; a panic or panic(nil), recovered, as by Panic; a
// runtime.Goexit as by Panic too, before the goroutine goes on exiting (so
// the deferred calls of Run's caller run once it is recorded).
func (s *Scope) Run(fn func() error) {
	var err error
	if pe := catch.Call(func() { err = fn() }, s.Panic); pe != nil {
		s.Panic(pe)
		return
	}
	s.Fail(err)
}

// Fail records err (nil is ignored). Unless the scope joins errors, it sets
// Stopped and cancels the context with err as its cause, unless the context
// was done already: the first cause wins. With FirstError the first error
// is kept for Wait, later ones are dropped.
func (s *Scope) Fail(err error) {
	if err == nil {
		return
	}
	switch s.mode {
	case JoinErrors:
		s.mu.Lock()
		s.errs = append(s.errs, err)
		s.mu.Unlock()
		return
	case FirstError:
		s.mu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.mu.Unlock()
	}
	s.state.Or(Stopped)
	s.cancel(err)
	if s.onStop != nil {
		s.onStop()
	}
}

// Panic records pe, sets Stopped and cancels the context with pe as its
// cause (unless a cause was set before). The first panic recorded is the one
// Wait re-raises, also when an error came first; the later ones are in its
// Later field.
func (s *Scope) Panic(pe *tame.PanicError) {
	s.panics.Add(pe)
	s.state.Or(Stopped)
	s.cancel(pe)
	if s.onStop != nil {
		s.onStop()
	}
}

// Skip records that work was left out because the context was done: Wait
// then returns the context's cause, unless an error was recorded before
// (with JoinErrors, the cause is added once to the errors).
func (s *Scope) Skip() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.skipped || s.mode == FirstCause {
		return
	}
	s.skipped = true
	cause := context.Cause(s.ctx)
	if cause == nil {
		// Stopped by the parent before the parent's end reached the
		// context (a parent of a type the context package does not know).
		cause = context.Cause(s.parent)
	}
	if s.mode == JoinErrors {
		s.errs = append(s.errs, cause)
	} else if s.err == nil {
		s.err = cause
	}
}

// Settle makes Add refuse, waits for every goroutine counted by Add or
// started by Go, then fixes the outcome, sets Stopped and cancels the
// context. It does not re-panic: a goroutine that is exiting (under
// runtime.Goexit) calls it to wait for the others, and a later Wait reports
// the outcome. It may be called more than once.
func (s *Scope) Settle() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wg.Wait()
	// Only now: until every goroutine has ended, the end of the parent
	// must still set Stopped.
	if s.stopWatch != nil {
		if s.stopWatch() {
			close(s.watched) // it will never run
		} else {
			<-s.watched // it ran, or is running, or an earlier Settle stopped it
		}
	}
	s.mu.Lock()
	if !s.settled {
		s.settled = true
		if s.mode == FirstCause && s.ctx.Err() != nil {
			s.err = context.Cause(s.ctx)
		}
	}
	s.mu.Unlock()
	s.state.Or(Stopped)
	s.cancel(context.Canceled)
}

// Wait settles the scope (see Settle), then returns its outcome: it
// re-panics the first panic recorded, as a *tame.PanicError with the later
// ones in its Later field, or returns the error (as the Mode says), or nil.
// It may be called more than once and returns (or panics) the same way
// every time. The caller must make sure that nothing is recorded once Wait
// has been called, except by the goroutines counted by Add or started by Go.
func (s *Scope) Wait() error {
	s.Settle()
	if pe := s.panics.First(); pe != nil {
		panic(pe)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mode == JoinErrors {
		return errors.Join(s.errs...)
	}
	return s.err
}
