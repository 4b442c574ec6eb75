package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// ErrCloseFromTask is what Close returns when it is called from a task
// running on a Pool: the pool stopped accepting, but Close did not wait,
// because it would have waited for the task that called it.
var ErrCloseFromTask = errors.New("pool: Close called from a task: the pool stopped accepting, but a task cannot wait for its own pool")

// A Pool is a long-lived executor for services: it runs submitted tasks on
// at most limit goroutines, and a task's failure does not stop the others.
//
// A Pool is safe for concurrent use. The zero Pool is not usable: make one
// with [NewPool]; a Pool must not be copied.
//
// Submit puts the task in a bounded backlog (1024 tasks unless [Backlog]
// says otherwise) and returns; up to limit worker goroutines run the
// backlog, started when there is work and ended when there is none, so an
// idle Pool holds no goroutine. Submit blocks only while limit tasks run and
// the backlog is full, and gives up when its context is done.
//
// Panics: a panic in a task, panic(nil) and runtime.Goexit included, is
// recovered; the pool keeps its capacity and goes on with the next task. The
// panic is reported at once to the [OnPanic] handler, if any, and Close
// returns every panic: errors.Join of the [*tame.PanicError] values (the
// first 32, then a count). A Pool has no error channel: a task that can
// fail handles its own error.
//
// Close stops accepting, runs every task already accepted, waits for them
// and returns; after it no task code runs and the workers are gone.
type Pool struct {
	core     core[func()]
	closedCh chan struct{} // closed by the first Close: wakes blocked submitters
	closed   bool          // guarded by core.mu
	result   error         // guarded by core.mu; valid once done
	done     bool
	panics   catch.Collector
	failed   atomic.Uint64
	onPanic  func(*tame.PanicError)
}

// poolWorkers keeps the workers of closed pools for new ones.
var poolWorkers sync.Pool

// NewPool returns a Pool that runs at most limit tasks at once (use
// [NoLimit] for no limit). NewPool panics when limit < 1.
func NewPool(limit int, opts ...Option) *Pool {
	if limit < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", limit))
	}
	o := options{backlog: defaultBacklog}
	for _, opt := range opts {
		if opt == nil {
			panic("pool: NewPool called with a nil Option")
		}
		opt.apply(&o)
	}
	p := &Pool{closedCh: make(chan struct{}), onPanic: o.onPanic}
	p.core.init(limit, o.backlog, &poolWorkers, p.runTask, p.taskPanicked)
	return p
}

// runTask runs one task. Its name is looked for on the stack by Submit and
// Close (see calledFromTask).
func (p *Pool) runTask(task func()) { task() }

func (p *Pool) taskPanicked(pe *tame.PanicError) {
	p.failed.Add(1)
	p.panics.Add(pe)
	if p.onPanic == nil {
		return
	}
	// A panicking handler must not take the worker down with it: its
	// panic is reported by Close like a task's.
	if hpe := catch.Call(func() { p.onPanic(pe) }, func(hpe *tame.PanicError) { p.panics.Add(hpe) }); hpe != nil {
		p.panics.Add(hpe)
	}
}

// Submit hands task to the pool. It returns nil once the task is accepted
// (started, or queued in the backlog): it will run exactly once, also when
// Close is called. While limit tasks run and the backlog is full, Submit
// waits. It returns ctx.Err() without accepting the task when ctx is done
// first (also when it is done on entry), and an error for which
// errors.Is(err, tame.ErrClosed) once Close has been called. Submit panics
// when task or ctx is nil.
//
// A task may Submit to its own pool (to retry, say). When the pool is full
// and every running task is itself waiting in Submit, nothing could ever make
// room: the last of them queues its task past the backlog bound instead of
// deadlocking, as [Group.Go] does, with the same caveat about tasks of other
// pools.
func (p *Pool) Submit(ctx context.Context, task func()) error {
	if task == nil {
		panic("pool: Submit called with a nil task")
	}
	if p.closedCh == nil {
		panic("pool: Submit called on a Pool not made by NewPool")
	}
	if ctx == nil {
		panic("pool: Submit called with a nil context")
	}
	c := &p.core
	c.mu.Lock()
	checked, inTask := false, false
	for {
		if p.closed {
			c.mu.Unlock()
			return tame.ErrClosed
		}
		if err := ctx.Err(); err != nil {
			c.mu.Unlock()
			return err
		}
		ok, start, w := c.admit(task)
		if ok {
			c.mu.Unlock()
			if start {
				c.launch(w)
			}
			return nil
		}
		if !checked {
			c.mu.Unlock()
			checked, inTask = true, calledFromTask(poolTaskFuncs)
			c.mu.Lock()
			continue
		}
		if c.overflow(task, inTask) {
			c.mu.Unlock()
			return nil
		}
		c.wait(inTask, ctx.Done(), p.closedCh)
	}
}

// TrySubmit hands task to the pool if it can be accepted without waiting,
// and reports whether it was; it returns false once Close has been called.
// TrySubmit panics when task is nil.
func (p *Pool) TrySubmit(task func()) bool {
	if task == nil {
		panic("pool: TrySubmit called with a nil task")
	}
	if p.closedCh == nil {
		panic("pool: TrySubmit called on a Pool not made by NewPool")
	}
	c := &p.core
	c.mu.Lock()
	if p.closed {
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

// Close stops accepting (blocked and later Submit calls return
// tame.ErrClosed), runs every task already accepted, and waits for them to
// end and for the workers to exit. It returns nil, or the panics of the
// pool's tasks (see [Pool]). Close may be called more than once, also
// concurrently: every call waits and returns the same value.
//
// Called from a task running on a Pool (or from an OnPanic handler), Close
// cannot wait for the task that called it: it stops the pool accepting and
// returns [ErrCloseFromTask] at once; the tasks already accepted still run,
// and a Close from outside the pool waits for them as usual. Close tells a
// task from another caller by its stack, so this holds for a task of any
// Pool: a task that must wait for another pool to finish should not do it
// from inside a pool.
func (p *Pool) Close() error {
	if p.closedCh == nil {
		panic("pool: Close called on a Pool not made by NewPool")
	}
	c := &p.core
	c.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.closedCh)
	}
	if p.done {
		defer c.mu.Unlock()
		return p.result
	}
	c.mu.Unlock()
	if calledFromTask(poolTaskFuncs) {
		return ErrCloseFromTask
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waitIdle()
	c.retire()
	if !p.done {
		p.done, p.result = true, p.panics.Err()
	}
	return p.result
}

// Stats is a snapshot of a Pool's counters, from [Pool.Stats].
type Stats struct {
	// Running is how many workers are running tasks now; a worker whose
	// task has just returned may still count for an instant.
	Running int
	// MaxRunning is the high-water mark of Running: the most tasks that
	// ever ran at once. It never exceeds the limit.
	MaxRunning int
	// Queued is how many accepted tasks wait in the backlog. When the
	// backlog is long, a worker takes a few at once (at most 16), and those
	// count in neither Queued nor Running until they start.
	Queued int
	// Waiting is how many Submit calls are blocked until there is room.
	Waiting int
	// Completed is how many tasks returned normally.
	Completed uint64
	// Failed is how many tasks panicked or called runtime.Goexit.
	Failed uint64
}

// Stats returns a snapshot of the pool's counters. It is safe to call at any
// time, also during and after Close; once Close has returned, Completed +
// Failed counts every task accepted.
func (p *Pool) Stats() Stats {
	c := &p.core
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Running:    c.busy,
		MaxRunning: c.maxBusy,
		Queued:     c.n,
		Waiting:    c.waiters,
		Completed:  c.finished,
		Failed:     p.failed.Load(),
	}
}
