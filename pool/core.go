package pool

import (
	"runtime"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// defaultBacklog is how many tasks wait in a Group's backlog, and in a Pool's
// unless the Backlog option says otherwise, while limit tasks run.
const defaultBacklog = 1024

// core is what Group and Pool share: a bounded backlog of tasks (a ring under
// a mutex) and at most limit worker goroutines that drain it.
//
// Workers follow Mills' advice: one is started when a task arrives and fewer
// than limit are running, and it exits as soon as the backlog is empty. None
// idles, so once the last worker has exited nothing of the group or pool is
// left. A submitter never hands a task over with a rendezvous: it puts the
// task in the ring and returns, so the cost per task is one short critical
// section on each side.
type core[T any] struct {
	mu       sync.Mutex
	ring     []T // len is a power of two; grows up to the first power >= backlog
	head     int
	n        int // tasks in the ring
	backlog  int // bound on n, except for the overflow of Group.Go from a task
	wakeAt   int // free backlog slots at which a blocked submitter is woken
	limit    int
	workers  int // worker goroutines alive
	busy     int // the workers that hold a task (taken from the ring, not yet done)
	maxBusy  int // high-water mark of busy
	spinning int // the workers that found the ring empty and look again before exiting
	finished uint64
	waiters  int // submitters blocked until there is room
	tasks    int // the waiters that are themselves tasks (see Group.Go)

	space chan struct{} // one token: "there may be room", for a blocked submitter
	idle  chan struct{} // made by a waiter; closed when workers drops to 0

	run     func(T)                // runs one task; its panics are recovered by the worker
	failed  func(*tame.PanicError) // told of every panic and Goexit of a task
	drainF  func()                 // c.drain, made once so that starting a worker does not allocate it
	failedF func(*tame.PanicError) // c.taskFailed, the same
}

// spins is how many times a worker that finds the backlog empty yields and
// looks again before it exits. A submitter that is a little slower than the
// workers (tiny tasks) then finds a worker still there instead of paying for
// a new goroutine per task; an idle group or pool still has no goroutine a
// few microseconds after its last task.
const spins = 8

func (c *core[T]) init(limit, backlog int, run func(T), failed func(*tame.PanicError)) {
	c.limit = limit
	c.backlog = backlog
	c.wakeAt = max(1, backlog/2)
	c.space = make(chan struct{}, 1)
	c.run = run
	c.failed = failed
	c.drainF = c.drain
	c.failedF = c.taskFailed
}

// admit puts t in the backlog when there is room, and reports whether it
// did and whether the caller must start a worker (after unlocking). It is
// called with c.mu held.
func (c *core[T]) admit(t T) (ok, start bool) {
	if c.workers < c.limit && c.n >= c.spinning {
		// Every worker is busy, or about to take a task already queued:
		// start one more for this task.
		c.put(t)
		c.workers++
		return true, true
	}
	if c.workers < c.limit {
		c.put(t) // a spinning worker takes it within a moment
		return true, false
	}
	if c.n < c.backlog {
		c.put(t)
		return true, false
	}
	return false, false
}

// put appends t to the ring, growing it when it is full. The ring starts
// small so that a group of three tasks does not pay for a backlog of 1024.
func (c *core[T]) put(t T) {
	if c.n == len(c.ring) {
		grown := make([]T, max(8, 2*len(c.ring)))
		for i := range c.n {
			grown[i] = c.ring[(c.head+i)&(len(c.ring)-1)]
		}
		c.ring, c.head = grown, 0
	}
	c.ring[(c.head+c.n)&(len(c.ring)-1)] = t
	c.n++
}

// room reports whether a blocked submitter could be admitted now. It is
// called with c.mu held.
func (c *core[T]) room() bool { return c.workers < c.limit || c.n < c.backlog }

// taskFailed is told of a task's panic or Goexit by catch.Loop.
func (c *core[T]) taskFailed(pe *tame.PanicError) {
	c.mu.Lock()
	c.busy--
	c.mu.Unlock()
	c.failed(pe)
}

// signal wakes one blocked submitter, if none is already being woken. It is
// called with c.mu held, when c.waiters > 0. The woken one passes the token
// on when there is still room (see passOn), so every waiter is reached.
func (c *core[T]) signal() {
	select {
	case c.space <- struct{}{}:
	default: // a token is already pending
	}
}

// passOn wakes the next blocked submitter when there is room for it. A
// submitter calls it, with c.mu held, when it leaves the waiting state, so
// that a token it consumed is never lost.
func (c *core[T]) passOn() {
	if c.waiters > 0 && c.room() {
		c.signal()
	}
}

// worker is the body of every worker goroutine. catch.Loop sets up the
// recovery once per panic, not once per task.
func (c *core[T]) worker() {
	goexit := true
	defer func() {
		if goexit {
			// A task called runtime.Goexit: this goroutine is ending inside
			// the task. Its slot is still counted in c.workers, so a
			// replacement takes it over and drains what is left.
			go c.worker()
		}
	}()
	catch.Loop(c.drainF, c.failedF)
	goexit = false
}

// drain runs tasks from the backlog until it is empty, then retires the
// worker. After a panic, catch.Loop calls it again: the task that panicked
// was already taken out of the ring, so nothing is run twice.
func (c *core[T]) drain() {
	ran := false
	spun := 0
	var zero T
	c.mu.Lock()
	for {
		if ran {
			c.finished++
			c.busy--
			ran = false
		}
		if c.n == 0 && spun < spins {
			spun++
			c.spinning++
			c.mu.Unlock()
			runtime.Gosched()
			c.mu.Lock()
			c.spinning--
			continue
		}
		if c.n == 0 {
			c.workers--
			if c.workers == 0 && c.idle != nil {
				close(c.idle)
				c.idle = nil
			}
			if c.waiters > 0 {
				c.signal() // a worker slot is free
			}
			c.mu.Unlock()
			return
		}
		t := c.ring[c.head]
		c.ring[c.head] = zero // the ring must not keep a finished task's closure alive
		c.head = (c.head + 1) & (len(c.ring) - 1)
		c.n--
		c.busy++
		c.maxBusy = max(c.maxBusy, c.busy)
		spun = 0
		if c.waiters > 0 && c.backlog-c.n >= c.wakeAt {
			// Hysteresis: wake a blocked submitter only once half the
			// backlog is free, so that it can add many tasks before it
			// blocks again instead of paying a wake-up per task.
			c.signal()
		}
		c.mu.Unlock()
		c.run(t)
		t = zero
		ran = true
		c.mu.Lock()
	}
}

// waitIdle blocks until no worker is left, with c.mu held on entry and on
// return. It waits on a channel, so a synctest bubble sees it as blocked.
func (c *core[T]) waitIdle() {
	for c.workers > 0 {
		if c.idle == nil {
			c.idle = make(chan struct{})
		}
		ch := c.idle
		c.mu.Unlock()
		<-ch
		c.mu.Lock()
	}
}
