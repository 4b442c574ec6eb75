package pool

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// NoLimit, passed as the limit to [New], [NewPool], [Map] or [ForEach], asks
// for no limit: every task starts at once, on a goroutine of its own when the
// running ones are busy, as with the go statement. A limit of 0 is a mistake
// (it panics), never a synonym for this.
const NoLimit = math.MaxInt

// A Group runs tasks on at most limit goroutines and waits for them. The
// first task error or panic cancels the context passed to the other tasks.
// It is the unit of work that succeeds or fails as a whole: a request's
// fan-out, a batch of files.
//
// A Group is safe for concurrent use. The zero Group is not usable: make one
// with [New]; a Group must not be copied after first use, nor reused after
// Wait has returned.
//
// Go puts the task in a bounded backlog (1024 tasks) and returns; up to
// limit worker goroutines run the backlog, started when there is work and
// ended when there is none, so no goroutine of the group is left once Wait
// has returned. Go blocks only while limit tasks run and the backlog is
// full; it stops waiting once the group's context is done. Tasks that were
// accepted before the context was done still run, with that context.
//
// Errors: Wait returns the first error a task returned (later ones are
// dropped, as with errgroup), and that error is the cause of the group's
// context ([context.Cause]).
//
// Panics: a panic in a task, panic(nil) and runtime.Goexit included, is
// recovered in the worker, the group's context is cancelled at once with the
// [*tame.PanicError] as its cause, and Wait re-panics with it in its
// caller's goroutine, once every task has ended. The first panic wins, also
// over an earlier error; the later ones are in its Later field.
type Group struct {
	core   core[func(context.Context) error]
	ctx    context.Context
	done   <-chan struct{}
	cancel context.CancelCauseFunc
	panics catch.Collector

	mu     sync.Mutex // guards err
	err    error
	waited bool // guarded by core.mu: Go checks it on its hot path
}

// groupWorkers keeps the workers of finished groups for the next ones, so
// that a group made per batch does not allocate its workers every time.
var groupWorkers sync.Pool

// New returns a Group that runs at most limit tasks at once (use [NoLimit]
// for no limit). The context passed to the tasks is derived from ctx: it is
// cancelled when ctx is, when a task fails, and when Wait returns.
// New panics when limit < 1.
func New(ctx context.Context, limit int) *Group {
	if limit < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", limit))
	}
	if ctx == nil {
		panic("pool: New called with a nil context")
	}
	g := &Group{}
	g.ctx, g.cancel = context.WithCancelCause(ctx)
	g.done = g.ctx.Done()
	g.core.init(limit, defaultBacklog, &groupWorkers, g.runTask, g.taskPanicked)
	return g
}

// runTask runs one task. Its name is looked for on the stack by Go (see
// calledFromTask).
func (g *Group) runTask(task func(context.Context) error) {
	if err := task(g.ctx); err != nil {
		g.fail(err)
	}
}

func (g *Group) fail(err error) {
	g.mu.Lock()
	if g.err == nil {
		g.err = err
	}
	g.mu.Unlock()
	g.cancel(err) // only the first cause counts
}

func (g *Group) taskPanicked(pe *tame.PanicError) {
	g.panics.Add(pe)
	g.cancel(pe)
}

// Go calls task in a goroutine of the group, with the group's context.
//
// Go returns as soon as the task is accepted: started, or queued in the
// backlog. While limit tasks run and the backlog is full it waits; once the
// group's context is done it returns without accepting the task (Wait then
// returns the context's cause, unless a task failed first).
//
// A task may call Go on its own group. When the group is full and every
// running task is itself waiting in Go, nothing could ever make room: the
// last of them queues its task past the backlog bound and returns, instead
// of deadlocking. Go tells a task from another caller by its stack, and
// cannot tell a task of this group from a task of another Group, so tasks of
// other groups count too: when as many tasks of any groups wait in Go on a
// full group as it has running tasks (one, for a limit of 1), they queue past
// the bound instead of waiting. The limit holds either way.
//
// Go panics when task is nil, and when it is called after Wait returned.
func (g *Group) Go(task func(ctx context.Context) error) {
	if task == nil {
		panic("pool: Go called with a nil task")
	}
	if g.done == nil {
		panic("pool: Go called on a Group not made by New")
	}
	c := &g.core
	c.mu.Lock()
	checked, inTask := false, false
	for {
		if g.waited {
			c.mu.Unlock()
			panic("pool: Go called after Wait returned")
		}
		if g.ctx.Err() != nil {
			c.mu.Unlock()
			g.skipped()
			return
		}
		ok, start, w := c.admit(task)
		if ok {
			c.mu.Unlock()
			if start {
				c.launch(w)
			}
			return
		}
		if !checked {
			// Full. Before waiting, find out whether the caller is a task
			// (looking at the stack takes a while: not under the lock).
			c.mu.Unlock()
			checked, inTask = true, calledFromTask(groupTaskFuncs)
			c.mu.Lock()
			continue
		}
		if c.overflow(task, inTask) {
			c.mu.Unlock()
			return
		}
		c.wait(inTask, g.done, nil)
	}
}

// TryGo calls task in a goroutine of the group if it can be accepted
// (started or queued) without waiting, and reports whether it was. It
// returns false once the group's context is done. TryGo panics when task is
// nil, and when it is called after Wait returned.
func (g *Group) TryGo(task func(ctx context.Context) error) bool {
	if task == nil {
		panic("pool: TryGo called with a nil task")
	}
	if g.done == nil {
		panic("pool: TryGo called on a Group not made by New")
	}
	c := &g.core
	c.mu.Lock()
	if g.waited {
		c.mu.Unlock()
		panic("pool: TryGo called after Wait returned")
	}
	if g.ctx.Err() != nil {
		c.mu.Unlock()
		return false
	}
	ok, start, w := c.admit(task)
	c.mu.Unlock()
	if start {
		c.launch(w)
	}
	return ok
}

// skipped records that Go left a task out because the context was done.
func (g *Group) skipped() {
	g.mu.Lock()
	if g.err == nil {
		g.err = context.Cause(g.ctx)
	}
	g.mu.Unlock()
}

// Wait blocks until every task accepted by Go or TryGo has returned, then
// cancels the group's context. It returns the first error a task returned,
// or the context's cause when Go left a task out because the context was
// done, or nil. When a task panicked, Wait panics instead with a
// [*tame.PanicError] holding the first panic's value and stack, the later
// ones in its Later field. Wait may be called more than once, also
// concurrently, and returns (or panics) the same way every time.
//
// Wait must not be called from one of the group's own tasks: it would wait
// for the task that called it, like sync.WaitGroup.Wait in that position.
func (g *Group) Wait() error {
	if g.done == nil {
		panic("pool: Wait called on a Group not made by New")
	}
	c := &g.core
	c.mu.Lock()
	c.waitIdle()
	c.retire()
	g.waited = true
	c.mu.Unlock()
	g.cancel(context.Canceled)
	if pe := g.panics.First(); pe != nil {
		panic(pe)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}
