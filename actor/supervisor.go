package actor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tamego/tame"
)

// A Supervisor restarts its child actors one for one: a child whose init or
// receive panics is restarted alone, with fresh state, while the others keep
// running. Beyond the Supervisor's limit, the failing child stops as an
// actor does after a panic, and the Supervisor stops every child in the
// reverse order of their start.
//
// A Supervisor is safe for concurrent use. Its zero value is not usable;
// make one with NewSupervisor. Do not copy it. It starts a goroutine only to
// stop the children when it gives up or its context is done; Stop waits for
// it.
type Supervisor struct {
	base context.Context // the values of the supervisor's ctx, without its cancellation

	mu       sync.Mutex
	restarts window
	children []child // in start order
	stopping bool

	done    chan struct{} // closed once every child has stopped
	err     error         // written before done is closed
	unwatch func() bool
}

var errSupervisorStopInside = fmt.Errorf("actor: Supervisor.Stop called from a child's goroutine cannot wait for it: %w", tame.ErrDeadlock)

// child is what a Supervisor needs from a *Ref[M] of any M.
type child interface {
	Stop() error
	onOwnGoroutine() bool
}

// NewSupervisor returns a Supervisor that allows its children maxRestarts
// restarts in total within any window of length within. When ctx is done it
// stops as if Stop were called. maxRestarts below 1, within <= 0 or a nil
// ctx panics.
func NewSupervisor(ctx context.Context, maxRestarts int, within time.Duration) *Supervisor {
	if ctx == nil {
		panic("actor: NewSupervisor called with a nil context")
	}
	if maxRestarts < 1 {
		panic(fmt.Sprintf("actor: maxRestarts must be at least 1, got %d", maxRestarts))
	}
	if within <= 0 {
		panic(fmt.Sprintf("actor: restart window must be positive, got %v", within))
	}
	s := &Supervisor{
		base:     context.WithoutCancel(ctx),
		restarts: window{max: maxRestarts, within: within},
		done:     make(chan struct{}),
	}
	if ctx.Done() != nil {
		s.unwatch = context.AfterFunc(ctx, s.shutdown)
	}
	return s
}

// Supervise spawns an actor as a child of s, as Spawn does, but restarted by
// s (passing Restart panics). Its receive's ctx carries the values of
// NewSupervisor's context but is not cancelled with it: s stops its children
// in order instead. Once s is stopping, Supervise starts nothing and returns
// an error wrapping [tame.ErrClosed]. It does not block.
func Supervise[S, M any](s *Supervisor, init func() S,
	receive func(ctx context.Context, state *S, msg M), opts ...Option) (*Ref[M], error) {
	if init == nil {
		panic("actor: Supervise needs an init function, got nil")
	}
	if receive == nil {
		panic("actor: Supervise needs a receive function, got nil")
	}
	cfg := newConfig(opts)
	if cfg.restarts > 0 {
		panic("actor: a supervised actor restarts under its Supervisor's policy; do not pass Restart to Supervise")
	}
	a := newActor(s.base, init, receive, cfg)
	a.allow = s.allow
	a.stopped = func() { go s.shutdown() }
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return nil, errClosed
	}
	s.children = append(s.children, a.ref)
	a.start(s.base)
	return a.ref, nil
}

// allow is the children's restart policy: one window for all of them. It
// holds while the Supervisor stops too, so that a child that fails while
// handling what it accepted before the stop restarts and goes on handling it.
func (s *Supervisor) allow(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts.allow(now)
}

// Stop stops every child in the reverse order of their start, as [Ref.Stop]
// does, and returns errors.Join of their results, latest child first; nil
// when none failed. Every call returns the same value once every child has
// ended. Called from a child's goroutine, it starts the shutdown and returns
// at once an error wrapping [tame.ErrDeadlock].
func (s *Supervisor) Stop() error {
	select {
	case <-s.done:
		return s.err
	default:
	}
	s.mu.Lock()
	kids := s.children
	s.mu.Unlock()
	for _, k := range kids {
		if k.onOwnGoroutine() {
			go s.shutdown()
			return errSupervisorStopInside
		}
	}
	s.shutdown()
	<-s.done
	return s.err
}

// Done returns a channel closed once the Supervisor has stopped every child:
// after Stop, after its context ended, or after it gave up.
func (s *Supervisor) Done() <-chan struct{} {
	return s.done
}

// shutdown stops the children, latest first. Only its first call does it.
func (s *Supervisor) shutdown() {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	s.stopping = true
	kids := s.children
	s.mu.Unlock()
	var errs []error
	for i := len(kids) - 1; i >= 0; i-- {
		errs = append(errs, kids[i].Stop())
	}
	if s.unwatch != nil {
		s.unwatch()
	}
	s.err = errors.Join(errs...)
	close(s.done)
}
