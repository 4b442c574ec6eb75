package pool

import (
	"context"
	"fmt"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/sched"
)

// A Pool is a long-lived executor: it runs submitted tasks on at most limit
// goroutines, and a task's failure does not stop the others. A Pool is safe
// for concurrent use. Make one with [NewPool]; a Pool must not be copied.
//
// A panic in a task is recovered: the pool keeps its capacity, tells the
// [OnPanic] handler, if any, and Close returns the panic. A Pool has no
// error channel: a task handles its own errors.
type Pool struct {
	engine  engine[func()]
	closed  bool  // guarded by engine.mu
	done    bool  // guarded by engine.mu: every accepted task has run, result is set
	result  error // guarded by engine.mu
	panics  catch.Collector
	onPanic func(*tame.PanicError)
}

// poolWorkers keeps the workers of closed pools for new ones.
var poolWorkers sync.Pool

// NewPool returns a Pool that runs at most limit tasks at once. Its options
// are [Backlog] and [OnPanic]. NewPool panics when limit < 1, when an option
// is nil, and when given [JoinErrors].
func NewPool(limit int, opts ...Option) *Pool {
	if limit < 1 {
		panic(fmt.Sprintf("pool: limit must be at least 1, got %d", limit))
	}
	o := newOptions("NewPool", opts)
	if o.join {
		panic("pool: JoinErrors applies to a Group, not to a Pool")
	}
	p := &Pool{onPanic: o.onPanic}
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
	if p.engine.run == nil {
		panic("pool: " + name + " called on a Pool not made by NewPool")
	}
}

// Submit hands task to the pool and returns nil once it is accepted (handed
// to a worker, or queued): it will run exactly once, also when Close is
// called. While the pool is full, Submit waits. It returns ctx.Err() without
// accepting the task when ctx is done first or on entry, and an error
// wrapping [tame.ErrClosed] once Close or Shutdown has been called. Submit
// from the pool's own tasks never deadlocks the pool: see the package doc. A
// nil task or ctx panics.
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
		c.wait(who, ctx.Done())
	}
}

// TrySubmit hands task to the pool if it can be accepted without waiting,
// and reports whether it was. It returns false once Close or Shutdown has
// been called. A nil task panics.
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

// SetLimit changes how many tasks may run at once, at any time. A larger
// limit starts waiting tasks at once; a smaller one stops no running task,
// but no task starts until fewer than n run. SetLimit panics when n < 1.
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
// wrapping [tame.ErrClosed]), runs every task already accepted, waits for
// them and the workers, and returns nil or [errors.Join] of the tasks'
// [*tame.PanicError] values. Close is Shutdown with a context never done.
// Called from a task of the pool or from its OnPanic handler, Close returns
// at once an error wrapping [tame.ErrDeadlock].
func (p *Pool) Close() error {
	sched.Point(sched.Close)
	p.check("Close")
	return p.shutdown("Close", nil)
}

// Shutdown is Close bounded by ctx. It returns what Close returns once every
// accepted task has run, also when ctx is done by then; otherwise it returns
// ctx.Err() and the tasks go on, still owned, and a later Close or Shutdown
// waits for them. Called from a task of the pool, it returns at once as
// Close does. A nil ctx panics.
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
		c.wakeAll() // blocked Submit calls return tame.ErrClosed
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

// Stats returns a snapshot of the pool's counters, at any time, also during
// and after Close.
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

// Stats is a snapshot of a Pool's counters, in tame's shared vocabulary.
type Stats struct {
	// Submitted counts accepted tasks.
	Submitted uint64
	// Refused counts Submit and TrySubmit calls that accepted nothing.
	Refused uint64
	// Waiting is how many accepted tasks wait in the backlog.
	Waiting int
	// MaxWaiting is the high-water mark of Waiting.
	MaxWaiting int
	// Running is how many tasks were handed to a worker and have not
	// finished; a task that has just returned may still count for an
	// instant.
	Running int
	// MaxRunning is the high-water mark of Running; it never exceeds the
	// limit in force when it was reached.
	MaxRunning int
	// Blocked is how many Submit calls wait for room now.
	Blocked int
	// Completed counts tasks that returned normally.
	Completed uint64
	// Failed counts tasks that panicked or called runtime.Goexit.
	Failed uint64
}
