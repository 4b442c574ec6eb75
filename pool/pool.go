package pool

import (
	"context"
	"fmt"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/sched"
)

// A Pool is a long-lived executor for services: it runs submitted tasks on
// at most limit goroutines, and a task's failure does not stop the others.
//
// A Pool is safe for concurrent use. The zero Pool is not usable: make one
// with [NewPool]; a Pool must not be copied.
//
// Submit hands the task to a worker goroutine when fewer than limit tasks
// run, and otherwise puts it in a bounded backlog ([Backlog]) and returns.
// Worker goroutines are started when there is work and end when there is
// none, so an idle Pool holds no goroutine. Submit blocks only while limit
// tasks run and the backlog is full, and gives up when its context is done.
//
// Panics: a panic in a task, panic(nil) and runtime.Goexit included, is
// recovered; the pool keeps its capacity and goes on with the next task. The
// panic is reported at once to the [OnPanic] handler, if any, and Close
// returns every panic (see the [tame] panic rules). A task that can fail
// handles its own error: a Pool has no error channel.
//
// Close stops accepting, runs every task already accepted, waits for them
// and returns; after it no task code runs and the workers are gone.
type Pool struct {
	engine   engine[func()]
	closedCh chan struct{} // closed by the first Close or Shutdown: wakes blocked submitters
	closed   bool          // guarded by engine.mu
	done     bool          // guarded by engine.mu: every accepted task has run, result is set
	result   error         // guarded by engine.mu
	panics   catch.Collector
	onPanic  func(*tame.PanicError)
}

// poolWorkers keeps the workers of closed pools for new ones.
var poolWorkers sync.Pool

// NewPool returns a Pool that runs at most limit tasks at once (use
// [NoLimit] for no limit). Its options are [Backlog] and [OnPanic]. NewPool
// panics when limit < 1, when an option is nil, and when given
// [JoinErrors] (a Pool has no errors to join: see [Pool]).
func NewPool(limit int, opts ...Option) *Pool {
	if limit < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", limit))
	}
	o := newOptions("NewPool", opts)
	if o.join {
		panic("pool: JoinErrors applies to a Group, not to a Pool")
	}
	p := &Pool{closedCh: make(chan struct{}), onPanic: o.onPanic}
	p.engine.init(limit, o.backlog, &poolWorkers, runFunc, p.taskPanicked)
	return p
}

func runFunc(task func()) { task() }

func (p *Pool) taskPanicked(pe *tame.PanicError) {
	p.engine.failedN.Add(1)
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

func (p *Pool) check(name string) {
	if p.closedCh == nil {
		panic("pool: " + name + " called on a Pool not made by NewPool")
	}
}

// Submit hands task to the pool. It returns nil once the task is accepted
// (handed to a worker, or queued in the backlog): it will run exactly once,
// also when Close is called. While limit tasks run and the backlog is full,
// Submit waits. It returns ctx.Err() without accepting the task when ctx is
// done first (also when it is done on entry, whatever the room), and an
// error for which errors.Is(err, tame.ErrClosed) once Close or Shutdown has
// been called. Submit panics when task or ctx is nil.
//
// A task may Submit to its own pool (to retry, say). On a full pool it
// waits for room like any caller, unless every other running task of the
// pool is waiting in Submit too: then nothing could ever make room, so the
// last of them queues its task past the backlog bound instead of
// deadlocking. The limit holds either way. Submit tells the pool's own
// tasks from other callers exactly: a task of another pool or group is an
// ordinary caller.
func (p *Pool) Submit(ctx context.Context, task func()) error {
	sched.Point(sched.Push)
	if task == nil {
		panic("pool: Submit called with a nil task")
	}
	p.check("Submit")
	if ctx == nil {
		panic("pool: Submit called with a nil context")
	}
	c := &p.engine
	c.mu.Lock()
	who := unknown
	for {
		if p.closed {
			c.refused++
			c.mu.Unlock()
			return fmt.Errorf("pool: Submit: %w", tame.ErrClosed)
		}
		if err := ctx.Err(); err != nil {
			c.refused++
			c.mu.Unlock()
			return err
		}
		ok, w := c.admit(task)
		if ok {
			c.mu.Unlock()
			if w != nil {
				w.start()
			}
			return nil
		}
		if who == unknown && c.mustIdentify() {
			// Full, and the caller may be needed to avoid a deadlock: find
			// out whether it is one of the tasks.
			who = c.identity()
			continue
		}
		if c.overflow(task, who) {
			c.mu.Unlock()
			return nil
		}
		c.wait(who, ctx.Done(), p.closedCh)
	}
}

// TrySubmit hands task to the pool if it can be accepted without waiting,
// and reports whether it was: it accepts exactly while fewer than limit
// tasks run or the backlog has room. It returns false once Close or
// Shutdown has been called. TrySubmit panics when task is nil.
func (p *Pool) TrySubmit(task func()) bool {
	sched.Point(sched.Push)
	if task == nil {
		panic("pool: TrySubmit called with a nil task")
	}
	p.check("TrySubmit")
	c := &p.engine
	c.mu.Lock()
	if p.closed {
		c.refused++
		c.mu.Unlock()
		return false
	}
	ok, w := c.admit(task)
	if !ok {
		c.refused++
	}
	c.mu.Unlock()
	if w != nil {
		w.start()
	}
	return ok
}

// SetLimit changes how many tasks may run at once. A larger limit starts
// waiting tasks at once; a smaller one never stops a running task: the
// tasks above the new limit finish, and no task starts until fewer than n
// run. SetLimit may be called at any time, also concurrently with Submit and
// Close. It panics when n < 1.
func (p *Pool) SetLimit(n int) {
	if n < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", n))
	}
	p.check("SetLimit")
	c := &p.engine
	c.mu.Lock()
	ws := c.setLimit(n)
	if c.waiters > 0 && c.room() {
		c.signal()
	}
	c.mu.Unlock()
	for _, w := range ws {
		w.start()
	}
}

// Close stops accepting (blocked and later Submit calls return an error
// wrapping tame.ErrClosed), runs every task already accepted, waits for
// them to end and for the workers to exit, and returns nil or the panics of
// the pool's tasks: errors.Join of [*tame.PanicError] values. Close is
// Shutdown with a context that is never done: it may be called more than
// once, also concurrently with Shutdown, and returns the same value every
// time.
//
// Called from a task of the pool (or from its OnPanic handler), Close cannot
// wait for the task that called it: it stops the pool accepting and returns
// at once an error wrapping [tame.ErrDeadlock]; the tasks already accepted
// still run, and a Close from outside waits for them as usual.
func (p *Pool) Close() error {
	sched.Point(sched.Close)
	p.check("Close")
	return p.shutdown("Close", nil)
}

// Shutdown is Close bounded by ctx: it stops accepting and waits until every
// accepted task has run or ctx is done. It returns what Close returns once
// every accepted task has run, also when ctx is done by then; otherwise it
// returns ctx.Err(), and the tasks go on: nothing accepted is dropped, the
// workers are still the pool's, and a later Close or Shutdown waits for
// them. Called from a task of the pool, Shutdown returns at once, as Close
// does. Shutdown panics when ctx is nil.
func (p *Pool) Shutdown(ctx context.Context) error {
	sched.Point(sched.Close)
	if ctx == nil {
		panic("pool: Shutdown called with a nil context")
	}
	p.check("Shutdown")
	return p.shutdown("Shutdown", ctx)
}

func (p *Pool) shutdown(name string, ctx context.Context) error {
	c := &p.engine
	c.mu.Lock()
	defer c.mu.Unlock()
	if !p.closed {
		p.closed = true
		close(p.closedCh)
	}
	if p.done {
		return p.result
	}
	// Only a running task (or its OnPanic handler) can be the caller's
	// goroutine.
	if c.running > 0 && c.fromTask() {
		return fmt.Errorf("pool: %s called from a task of the pool: it cannot wait for its own task: %w", name, tame.ErrDeadlock)
	}
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	if !c.waitIdle(done) {
		return ctx.Err()
	}
	if !p.done {
		c.retire()
		p.done, p.result = true, p.panics.Err()
	}
	return p.result
}

// Stats returns a snapshot of the pool's counters. It is safe to call at any
// time, also during and after Close; once Close has returned, Submitted ==
// Completed + Failed.
func (p *Pool) Stats() Stats {
	p.check("Stats")
	c := &p.engine
	c.mu.Lock()
	defer c.mu.Unlock()
	return Stats{
		Submitted:  c.submitted,
		Refused:    c.refused,
		Waiting:    c.waiting(),
		MaxWaiting: c.maxWaiting,
		Running:    c.running,
		MaxRunning: c.maxRunning,
		Blocked:    c.waiters,
		Completed:  c.finished,
		Failed:     c.failedN.Load(),
	}
}

// Stats is a snapshot of a Pool's counters, from [Pool.Stats], in the
// vocabulary every tame package uses.
type Stats struct {
	// Submitted is how many tasks were accepted: Submit returned nil or
	// TrySubmit true.
	Submitted uint64
	// Refused is how many Submit and TrySubmit calls accepted nothing
	// (full, closed, or a done context). A Pool never drops a task it
	// accepted.
	Refused uint64
	// Waiting is how many accepted tasks wait in the backlog, not started.
	Waiting int
	// MaxWaiting is the high-water mark of Waiting.
	MaxWaiting int
	// Running is how many tasks run now, counted from the moment a task is
	// handed to a worker, also before that worker's goroutine is scheduled.
	// A worker whose task has just returned may still count for an instant.
	Running int
	// MaxRunning is the high-water mark of Running; it never exceeds the
	// limit in force when it was reached.
	MaxRunning int
	// Blocked is how many Submit calls are blocked now, waiting for room.
	Blocked int
	// Completed is how many tasks returned normally.
	Completed uint64
	// Failed is how many tasks panicked or called runtime.Goexit.
	Failed uint64
}
