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

// NoLimit, passed as the limit to [NewGroup], [NewPool], [Pool.SetLimit],
// [Map] or [ForEach], asks for no limit: every task starts at once, as with
// the go statement. A limit of 0 is a mistake (it panics), never a synonym
// for this.
const NoLimit = math.MaxInt

// A Group runs tasks on at most limit goroutines and waits for them. The
// first task error or panic cancels the context passed to the other tasks.
// It is the unit of work that succeeds or fails as a whole: a request's
// fan-out, a batch of files.
//
// A Group is safe for concurrent use. The zero Group is not usable: make one
// with [NewGroup]; a Group must not be copied, nor reused after Wait has
// returned.
//
// Go hands the task to a worker goroutine when fewer than limit tasks run,
// and otherwise puts it in a bounded backlog ([Backlog]) and returns. Worker
// goroutines are started when there is work and end when there is none, so
// no goroutine of the group is left once Wait has returned. Tasks that were
// accepted before the context was done still run, with that context.
//
// Errors: Wait returns the first error a task returned (later ones are
// dropped, as with errgroup), and that error is the cause of the group's
// context ([context.Cause]). With [JoinErrors], errors do not cancel the
// group and Wait returns all of them, joined.
//
// Panics: a panic in a task, panic(nil) and runtime.Goexit included, cancels
// the group's context at once, with the [*tame.PanicError] as its cause, and
// Wait re-panics with it in its caller's goroutine once every task has
// ended; [tame.Recover] turns it into an error. See the [tame] panic rules.
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

// NewGroup returns a Group that runs at most limit tasks at once (use
// [NoLimit] for no limit). The context passed to the tasks, returned by
// [Group.Context], is derived from ctx: it is cancelled when ctx is, when a
// task fails, and when Wait returns. Its options are [Backlog] and
// [JoinErrors]. NewGroup panics when limit < 1, when ctx or an option is
// nil, and when given [OnPanic] (a Group re-panics in Wait instead).
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
	g := &Group{scope: scope.New(ctx, mode)}
	g.ctx = g.scope.Context()
	g.done = g.ctx.Done()
	g.engine.init(limit, o.backlog, &groupWorkers, g.runTask, g.scope.Panic)
	g.engine.idleNoWaiters = true
	return g
}

// Context returns the context the group's tasks get: done at the first task
// error (unless [JoinErrors]) or panic, when the context given to NewGroup
// is done, and once Wait has returned. A loop that feeds the group selects
// on it to stop early.
func (g *Group) Context() context.Context {
	g.check("Context")
	return g.ctx
}

func (g *Group) check(name string) {
	if g.done == nil {
		panic("pool: " + name + " called on a Group not made by NewGroup")
	}
}

func (g *Group) runTask(task func(context.Context) error) { g.scope.Fail(task(g.ctx)) }

// Go calls task in a goroutine of the group, with the group's context.
//
// Go returns as soon as the task is accepted: handed to a worker, or queued
// in the backlog. While limit tasks run and the backlog is full it waits;
// once the group's context is done it returns without starting the task
// (Wait then returns the context's cause, unless a task failed first).
//
// A task may call Go on its own group. On a full group it waits for room
// like any caller, unless every other running task of the group is waiting
// in Go too: then nothing could ever make room, so the last of them queues
// its task past the backlog bound and returns instead of deadlocking. The
// limit holds either way. Go tells the group's own tasks from other callers
// exactly: a task of another group or pool is an ordinary caller.
//
// Go panics when task is nil, and when it is called after Wait returned.
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
		if g.ctx.Err() != nil {
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
		c.wait(who, g.done, nil)
	}
}

// TryGo calls task in a goroutine of the group if it can be accepted
// without waiting, and reports whether it was: it accepts exactly while
// fewer than limit tasks run or the backlog has room. It returns false once
// the group's context is done. TryGo panics when task is nil, and when it is
// called after Wait returned.
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

// Wait blocks until every task accepted by Go or TryGo has returned, then
// cancels the group's context. A Go that is waiting for room when Wait is
// called is waited for too: its task is accepted and run. It returns the first error a task returned
// (every error, joined, with [JoinErrors]), or the context's cause when Go
// left a task out because the context was done, or nil. When a task
// panicked, Wait panics instead with a [*tame.PanicError] holding the first
// panic's value and stack, the later ones in its Later field. Wait may be
// called more than once, also concurrently, and returns (or panics) the same
// way every time.
//
// Called from one of the group's own tasks, Wait cannot wait for the task
// that called it: it returns at once an error wrapping [tame.ErrDeadlock].
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
