package pool

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/sched"
	"github.com/tamego/tame/internal/scope"
)

// NoLimit, passed as a limit, asks for none: every task starts at once, as
// with the go statement.
const NoLimit = math.MaxInt

// A Group runs tasks on at most limit goroutines and waits for them: a batch
// that succeeds or fails as a whole. A Group is safe for concurrent use.
// Make one with [NewGroup]; a Group must not be copied, nor reused after
// Wait has returned.
//
// The first task error or panic cancels the group's context, with that error
// or [*tame.PanicError] as its cause ([context.Cause]); Wait returns the
// error or re-panics once every task has ended. Later errors are dropped.
// With [JoinErrors], errors do not cancel the group and Wait returns all of
// them, joined. Tasks accepted before the context was done still run.
type Group struct {
	engine engine[func(context.Context) error]
	scope  *scope.Scope
	ctx    context.Context // scope.Context(), what the tasks get
	done   <-chan struct{}
	waited bool // guarded by engine.mu: Go checks it on its hot path
}

// groupWorkers keeps the workers of finished groups for the next ones, so
// that a group made per batch does not allocate its workers every time.
var groupWorkers sync.Pool

// NewGroup returns a Group that runs at most limit tasks at once; the tasks'
// context, [Group.Context], is derived from ctx. Its options are [Backlog]
// and [JoinErrors]. NewGroup panics when limit < 1, when ctx or an option is
// nil, and when given [OnPanic].
func NewGroup(ctx context.Context, limit int, opts ...Option) *Group {
	if limit < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", limit))
	}
	if ctx == nil {
		panic("pool: NewGroup called with a nil context")
	}
	o := newOptions("NewGroup", opts)
	if o.onPanic != nil {
		panic("pool: OnPanic applies to a Pool, not to a Group (a Group re-panics in Wait)")
	}
	mode := scope.FirstError
	if o.join {
		mode = scope.JoinErrors
	}
	// A Go blocked for room is woken when the group stops, by the scope,
	// not by selecting on the context's Done channel: a Group made outside
	// a synctest bubble then works inside one too.
	g := &Group{}
	g.scope = scope.NewOnStop(ctx, mode, g.wakeBlocked)
	g.ctx = g.scope.Context()
	g.done = g.ctx.Done()
	g.engine.init(limit, o.backlog, &groupWorkers, g.runTask, g.scope.Panic)
	g.engine.idleNoWaiters = true
	return g
}

// Context returns the context the group's tasks get: done at the first task
// error (unless [JoinErrors]) or panic, when the context given to [NewGroup]
// is done, and once Wait has returned.
func (g *Group) Context() context.Context {
	g.check("Context")
	return g.ctx
}

func (g *Group) check(name string) {
	if g.done == nil {
		panic("pool: " + name + " called on a Group not made by NewGroup")
	}
}

func (g *Group) wakeBlocked() {
	g.engine.mu.Lock()
	g.engine.wakeAll()
	g.engine.mu.Unlock()
}

func (g *Group) runTask(task func(context.Context) error) { g.scope.Fail(task(g.ctx)) }

// Go calls task in a goroutine of the group, with the group's context. It
// returns once the task is accepted: handed to a worker, or queued in the
// backlog. While the group is full, Go waits; once the group's context is
// done, it returns without starting the task (Wait then returns the
// context's cause, unless a task failed first). Go from the group's own
// tasks never deadlocks the group: see the package doc.
//
// A nil task, or Go after Wait returned, panics.
func (g *Group) Go(task func(ctx context.Context) error) {
	sched.Point(sched.Push)
	if task == nil {
		panic("pool: Go called with a nil task")
	}
	g.check("Go")
	c := &g.engine
	c.mu.Lock()
	who := unknown
	for {
		if g.waited {
			c.mu.Unlock()
			panic("pool: Go called after Wait returned")
		}
		if g.ctx.Err() != nil || g.scope.Stopped() {
			c.mu.Unlock()
			g.scope.Skip()
			return
		}
		ok, w := c.admit(task)
		if ok {
			c.mu.Unlock()
			if w != nil {
				w.start()
			}
			return
		}
		if who == unknown && c.mustIdentify() {
			// Full, and the caller may be needed to avoid a deadlock: find
			// out whether it is one of the tasks.
			who = c.identity()
			continue
		}
		if c.overflow(task, who) {
			c.mu.Unlock()
			return
		}
		c.wait(who, nil) // woken by room, or by wakeBlocked once the group stops
	}
}

// TryGo calls task in a goroutine of the group if it can be accepted without
// waiting, and reports whether it was. It returns false once the group's
// context is done. It panics as [Group.Go] does.
func (g *Group) TryGo(task func(ctx context.Context) error) bool {
	sched.Point(sched.Push)
	if task == nil {
		panic("pool: TryGo called with a nil task")
	}
	g.check("TryGo")
	c := &g.engine
	c.mu.Lock()
	if g.waited {
		c.mu.Unlock()
		panic("pool: TryGo called after Wait returned")
	}
	if g.ctx.Err() != nil {
		c.mu.Unlock()
		return false
	}
	ok, w := c.admit(task)
	c.mu.Unlock()
	if w != nil {
		w.start()
	}
	return ok
}

// Wait blocks until every task accepted by Go or TryGo has returned, also
// those of a Go still waiting for room when Wait was called, then cancels
// the group's context. It returns the first task error (every error, joined,
// with [JoinErrors]), or the context's cause when Go left a task out, or
// nil. If a task panicked, Wait panics instead with a [*tame.PanicError].
// Wait returns (or panics) the same way every time, also when called
// concurrently.
//
// Called from one of the group's own tasks, Wait returns at once an error
// wrapping [tame.ErrDeadlock].
func (g *Group) Wait() error {
	sched.Point(sched.Close)
	g.check("Wait")
	c := &g.engine
	c.mu.Lock()
	if c.running > 0 && c.fromTask() {
		c.mu.Unlock()
		return fmt.Errorf("pool: Wait called from a task of the group: it cannot wait for its own task: %w", tame.ErrDeadlock)
	}
	c.waitIdle(nil)
	c.retire()
	g.waited = true
	c.mu.Unlock()
	return g.scope.Wait()
}
