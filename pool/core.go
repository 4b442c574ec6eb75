package pool

import (
	"sync"

	"github.com/tamego/tame"
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
// left. A submitter
// never hands a task over with a rendezvous: it puts the task in the ring and
// returns, so the cost per task is one short critical section for the
// submitter and at most one for the worker (less when it takes a batch).
type core[T any] struct {
	mu       sync.Mutex
	ring     []T // len is a power of two; grows up to the first power >= backlog
	head     int
	n        int // tasks in the ring
	backlog  int // bound on n, except for the overflow (see overflow)
	wakeAt   int // free backlog slots at which a blocked submitter is woken
	limit    int
	workers  int        // worker goroutines alive
	busy     int        // the workers that hold tasks (taken from the ring, not all done)
	maxBusy  int        // high-water mark of busy
	free     *worker[T] // retired workers, for reuse
	nfree    int
	spare    *sync.Pool // retired workers shared by every core of this T
	finished uint64
	waiters  int // submitters blocked until there is room
	tasks    int // the waiters that are themselves tasks (see overflow)

	space chan struct{} // one token: "there may be room", for a blocked submitter
	idle  chan struct{} // made by a waiter; closed when workers drops to 0

	run    func(T)                // runs one task; its panics are recovered by the worker
	failed func(*tame.PanicError) // told of every panic and Goexit of a task
}

func (c *core[T]) init(limit, backlog int, spare *sync.Pool, run func(T), failed func(*tame.PanicError)) {
	c.spare = spare
	c.limit = limit
	c.backlog = backlog
	c.wakeAt = max(1, backlog/2)
	c.space = make(chan struct{}, 1)
	c.run = run
	c.failed = failed
}

// admit puts t in the backlog when there is room, and reports whether it
// did and whether the caller must start a worker for it (after unlocking,
// with c.launch(w)); w is a retired worker to reuse, or nil. It is called
// with c.mu held.
func (c *core[T]) admit(t T) (ok, start bool, w *worker[T]) {
	if c.workers < c.limit {
		// Every worker is busy or about to take a task already queued:
		// start one more for this task.
		c.put(t)
		c.workers++
		if w = c.free; w != nil {
			c.free, w.nextFree = w.nextFree, nil
			c.nfree--
		}
		return true, true, w
	}
	if c.workers < c.limit || c.n < c.backlog {
		c.put(t) // a busy worker takes it when it is done
		return true, false, nil
	}
	return false, false, nil
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
