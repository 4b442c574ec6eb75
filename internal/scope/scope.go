// Package scope is the one implementation of a scope of work that succeeds or
// fails as a whole: a context cancelled with the first failure as its cause,
// the first error (or every error, joined), the panics of every goroutine of
// the scope, and a Wait that waits for them and re-panics the first panic in
// its caller's goroutine. pool.Group, pool.Map and pool.ForEach are built on
// it; a pipeline can be.
package scope

import (
	"context"
	"errors"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// A Scope records the outcome of a piece of work done by several goroutines.
// It is safe for concurrent use. Make one with New; it must not be copied.
type Scope struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	join   bool // JoinErrors: errors do not cancel; Wait joins them all

	wg     sync.WaitGroup // the goroutines started by Go
	panics catch.Collector

	mu      sync.Mutex
	err     error   // the first error (not join)
	errs    []error // every error, in order (join)
	skipped bool    // work was left out because the context was done
}

// New returns a Scope whose context is derived from parent. With join false,
// the first error recorded by Fail cancels the context with that error as
// its cause and is what Wait returns; with join true, errors do not cancel
// the context and Wait returns errors.Join of all of them, in the order they
// were recorded. A panic cancels the context either way.
func New(parent context.Context, join bool) *Scope {
	s := &Scope{join: join}
	s.ctx, s.cancel = context.WithCancelCause(parent)
	return s
}

// Context returns the scope's context: done at the first failure (the first
// error unless join, or the first panic), when the parent is done, and once
// Wait has returned.
func (s *Scope) Context() context.Context { return s.ctx }

// Go runs fn in a new goroutine recorded in the scope: Wait waits for it. A
// non-nil error from fn is recorded as by Fail; a panic, panic(nil) or
// runtime.Goexit in fn as by Panic.
func (s *Scope) Go(fn func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var err error
		if pe := catch.Call(func() { err = fn() }, s.Panic); pe != nil {
			s.Panic(pe)
			return
		}
		s.Fail(err)
	}()
}

// Fail records err (nil is ignored). Unless the scope joins errors, the
// first error wins and cancels the context with err as its cause; later
// ones are dropped.
func (s *Scope) Fail(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	if s.join {
		s.errs = append(s.errs, err)
		s.mu.Unlock()
		return
	}
	first := s.err == nil
	if first {
		s.err = err
	}
	s.mu.Unlock()
	if first {
		s.cancel(err)
	}
}

// Panic records pe and cancels the context with pe as its cause (unless a
// cause was set before). The first panic recorded is the one Wait
// re-raises; the later ones are in its Later field.
func (s *Scope) Panic(pe *tame.PanicError) {
	s.panics.Add(pe)
	s.cancel(pe)
}

// Skip records that work was left out because the context was done: Wait
// then returns the context's cause, unless an error was recorded before
// (with join, the cause is added once to the errors).
func (s *Scope) Skip() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.skipped {
		return
	}
	s.skipped = true
	cause := context.Cause(s.ctx)
	if s.join {
		s.errs = append(s.errs, cause)
	} else if s.err == nil {
		s.err = cause
	}
}

// Wait waits for every goroutine started by Go, then cancels the context
// and returns the outcome: it re-panics the first panic recorded, as a
// *tame.PanicError with the later ones in its Later field, or returns the
// error (the first one, or all of them joined), or nil. It may be called
// more than once and returns (or panics) the same way every time. The
// caller must make sure no other goroutine records anything once Wait has
// been called, except those started by Go.
func (s *Scope) Wait() error {
	s.wg.Wait()
	s.cancel(context.Canceled)
	if pe := s.panics.First(); pe != nil {
		panic(pe)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.join {
		return errors.Join(s.errs...)
	}
	return s.err
}
