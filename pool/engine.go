package pool

import (
	"sync"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/goid"
)

// defaultBacklog is how many tasks wait while limit tasks run, unless the
// Backlog option says otherwise.
const defaultBacklog = 1024

// An engine is what Group and Pool share: at most limit worker goroutines
// and a bounded backlog of tasks (a ring under a mutex) that they drain.
//
// Workers follow Mills' advice: a task that arrives while fewer than limit
// run is handed to a new worker at once, and a worker exits as soon as the
// backlog is empty. None idles, so once the last worker has exited nothing
// is left, and a value made outside a synctest bubble never has a goroutine
// of its own waiting inside one. The counts are exact: a task handed to a
// worker that has not been scheduled yet is running, not waiting, so the
// backlog holds backlog tasks however late the workers start.
type engine[T any] struct {
	mu      sync.Mutex
	ring    []T // len is a power of two; grows up to the first power >= backlog
	head    int
	n       int // tasks in the ring
	backlog int // bound on the tasks waiting: n + the batched tasks not started

	// batchers are the workers that hold a batch of several tasks; each
	// publishes how far it got, and batched is the bound on what they have
	// not started (the batch sizes less one), so that admission reads their
	// progress only when the backlog might be full.
	batchers   []*worker[T]
	batched    int
	wakeAt     int // free backlog slots at which a blocked submitter is woken
	limit      int
	running    int // workers alive; each holds one task from its start to its exit
	maxRunning int
	maxWaiting int
	submitted  uint64
	refused    uint64
	finished   uint64
	failedN    atomic.Uint64

	free           *worker[T] // retired workers, for reuse
	nfree          int
	spare          *sync.Pool      // retired workers shared by every engine of this T
	waiters        int             // submitters blocked until there is room
	taskWaiters    int             // the waiters that are tasks of this engine (see overflow)
	unknownWaiters int             // the waiters that did not look up who they are
	identify       bool            // a task asked the unknown waiters to identify
	blocked        []chan struct{} // one per blocked submitter, oldest first: closed to wake it
	waking         bool            // a submitter was woken and has not looked yet
	idle           []chan struct{} // closed once idle (one per waiting call; see isIdle)
	idleNoWaiters  bool            // idle also needs no blocked submitter (a Group's)

	// live are the workers that hold a slot (those counted in running),
	// each at its lidx; with their goroutine ids, the exact "called from a
	// task" check (see fromTask).
	live []*worker[T]

	run    func(T)                // runs one task; its panics are recovered by the worker
	failed func(*tame.PanicError) // told of every panic and Goexit of a task
}

func (c *engine[T]) init(limit, backlog int, spare *sync.Pool, run func(T), failed func(*tame.PanicError)) {
	c.spare = spare
	c.limit = limit
	c.backlog = backlog
	c.wakeAt = max(1, backlog/2)
	c.run = run
	c.failed = failed
}

// waiting returns how many accepted tasks have not started. It is called with
// c.mu held.
func (c *engine[T]) waiting() int {
	w := c.n
	for _, b := range c.batchers {
		w += max(0, b.end-int(b.claimed.Load()))
	}
	return w
}

// steal claims a task that a worker took in a batch and has not started,
// and reports whether there was one: the ring is empty, so it is the task
// that has waited longest that nobody runs. It is called with c.mu held.
func (c *engine[T]) steal() (t T, ok bool) {
	if c.n > 0 {
		return t, false // the ring's tasks come first
	}
	for _, b := range c.batchers {
		if int(b.claimed.Load()) >= b.end {
			continue
		}
		if i := int(b.claimed.Add(1)) - 1; i < b.end {
			t = b.batch[i]
			var zero T
			b.batch[i] = zero
			return t, true
		}
	}
	return t, false
}

// hasRoom reports whether fewer than backlog tasks wait, reading the
// batchers' progress only when the bound says the backlog might be full.
// It is called with c.mu held.
func (c *engine[T]) hasRoom() bool {
	return c.n+c.batched < c.backlog || c.waiting() < c.backlog
}

// noteWaiting updates the high-water mark of the waiting tasks after one
// was queued. It is called with c.mu held.
func (c *engine[T]) noteWaiting() {
	if c.n+c.batched > c.maxWaiting {
		c.maxWaiting = max(c.maxWaiting, c.waiting())
	}
}

// admit accepts t when there is room, and reports whether it did; w is not
// nil when the caller must start a worker for it (after unlocking, with
// w.start). t is handed to a new worker when fewer than limit run,
// and queued in the backlog otherwise. It is called with c.mu held.
func (c *engine[T]) admit(t T) (ok bool, w *worker[T]) {
	if c.running < c.limit {
		c.submitted++
		return true, c.handoff(t)
	}
	if c.hasRoom() {
		c.submitted++
		c.put(t)
		c.noteWaiting()
		return true, nil
	}
	return false, nil
}

// handoff counts t as running and returns the new worker that will run
// it. It is called with c.mu held, when running < limit.
func (c *engine[T]) handoff(t T) *worker[T] {
	c.running++
	c.maxRunning = max(c.maxRunning, c.running)
	w := c.free
	if w != nil {
		c.free, w.nextFree = w.nextFree, nil
		c.nfree--
	} else if v := c.spare.Get(); v != nil {
		w = v.(*worker[T])
		w.c = c
	} else {
		w = &worker[T]{c: c}
		w.runF, w.drainF = w.run, w.drain
	}
	w.batch[0] = t
	w.held, w.end = 0, 1
	w.lidx = len(c.live)
	c.live = append(c.live, w)
	return w
}

// setLimit changes the limit and returns the workers to start for waiting
// tasks when it was raised (see grow). When it is lowered, the workers that
// hold a batch are told to come back to the lock before they start its next
// task: there they give their slot up while more run than the limit allows
// (see take). It is called with c.mu held.
func (c *engine[T]) setLimit(n int) []*worker[T] {
	if n < c.limit {
		for _, b := range c.batchers {
			b.recheck.Store(true)
		}
	}
	c.limit = n
	return c.grow()
}

// grow starts workers for waiting tasks while fewer than limit run (after
// the limit was raised): the ring's, then the ones other workers took in a
// batch and have not started. It is called with c.mu held; the caller
// starts the returned workers after unlocking.
func (c *engine[T]) grow() []*worker[T] {
	var ws []*worker[T]
	for c.running < c.limit {
		if c.n > 0 {
			ws = append(ws, c.handoff(c.pop()))
		} else if t, ok := c.steal(); ok {
			ws = append(ws, c.handoff(t))
		} else {
			break
		}
	}
	return ws
}

// put appends t to the ring.
func (c *engine[T]) put(t T) {
	c.fit()
	c.ring[(c.head+c.n)&(len(c.ring)-1)] = t
	c.n++
}

// fit grows the ring when it is full. The ring starts small so that a group
// of three tasks does not pay for a long backlog.
func (c *engine[T]) fit() {
	if c.n == len(c.ring) {
		grown := make([]T, max(8, 2*len(c.ring)))
		for i := range c.n {
			grown[i] = c.ring[(c.head+i)&(len(c.ring)-1)]
		}
		c.ring, c.head = grown, 0
	}
}

// putFront puts t back at the head of the ring, as the oldest task.
func (c *engine[T]) putFront(t T) {
	c.fit()
	c.head = (c.head - 1) & (len(c.ring) - 1)
	c.ring[c.head] = t
	c.n++
}

// pop removes the oldest task from the ring, which must not be empty.
func (c *engine[T]) pop() T {
	var zero T
	t := c.ring[c.head]
	c.ring[c.head] = zero // the ring must not keep a task alive
	c.head = (c.head + 1) & (len(c.ring) - 1)
	c.n--
	return t
}

// isIdle reports whether no worker is left and, for a Group, no Go call is
// blocked waiting for room: a Go called before Wait returned is accepted
// and waited for, never refused because Wait got there first. It is called
// with c.mu held.
func (c *engine[T]) isIdle() bool {
	return c.running == 0 && (!c.idleNoWaiters || c.waiters == 0)
}

// wakeIdle wakes the waitIdle calls once the engine is idle. It is called
// with c.mu held.
func (c *engine[T]) wakeIdle() {
	if len(c.idle) > 0 && c.isIdle() {
		for _, ch := range c.idle {
			close(ch)
		}
		c.idle = nil
	}
}

// waitIdle blocks until the engine is idle (see isIdle) or done is closed,
// with c.mu held on entry and on return, and reports whether it is idle.
// Each call waits on a channel of its own, so a value made outside a
// synctest bubble works inside one, and a bubble sees the caller as blocked.
func (c *engine[T]) waitIdle(done <-chan struct{}) bool {
	for !c.isIdle() {
		ch := make(chan struct{})
		c.idle = append(c.idle, ch)
		c.mu.Unlock()
		select {
		case <-ch:
			c.mu.Lock()
		case <-done:
			c.mu.Lock()
			for i, x := range c.idle {
				if x == ch {
					c.idle = append(c.idle[:i], c.idle[i+1:]...)
					break
				}
			}
			return c.isIdle()
		}
	}
	return true
}

// fromTask reports whether the caller is one of the engine's worker
// goroutines: a task, or a handler it runs. It costs a goroutine id look-up
// and a walk over the live workers: slow paths only. It is called with
// c.mu held.
//
// The check is exact: a worker publishes its goroutine's id when the
// goroutine starts (one store, no lock) and is taken out of c.live, its id
// cleared, under c.mu when it retires, after its last task; a goroutine
// id is never 0.
func (c *engine[T]) fromTask() bool {
	id := goid.ID()
	for _, w := range c.live {
		if w.gid.Load() == id {
			return true
		}
	}
	return false
}

// unlive takes w out of c.live when it retires. It is called with c.mu
// held.
func (c *engine[T]) unlive(w *worker[T]) {
	w.gid.Store(0)
	last := len(c.live) - 1
	moved := c.live[last]
	c.live[w.lidx], moved.lidx = moved, w.lidx
	c.live[last] = nil
	c.live = c.live[:last]
}
