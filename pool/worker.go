package pool

import (
	"github.com/tamego/tame/internal/catch"
)

// maxBatch is the most tasks a worker takes from the ring at once. Taking
// several per lock halves the lock traffic when the backlog is long; a
// worker takes a batch only when there are plenty of tasks for every worker
// (see take), so a long task cannot hold back many others while the other
// workers idle.
const maxBatch = 16

// A worker is the state of one worker goroutine. It lives on the heap so
// that it survives a panic (catch.Loop calls drain again) and a Goexit (a
// replacement goroutine takes it over), and nothing taken is lost.
type worker[T any] struct {
	c     *core[T]
	batch [maxBatch]T
	next  int // batch[next:end] are taken and not started
	end   int
	done  int // tasks that returned since the last report under c.mu
	// holding reports whether the worker is counted in c.busy: from the
	// batch it takes until it finds the ring empty.
	holding bool

	nextFree *worker[T] // in c.free

	// The method values, made once per worker so that starting a goroutine
	// for a recycled worker allocates nothing.
	runF   func()
	drainF func()
}

// maxFree is how many retired workers a core keeps for reuse.
const maxFree = 64

// launch starts a worker goroutine with the state admit returned: a retired
// worker's, or nil for a fresh one.
func (c *core[T]) launch(w *worker[T]) {
	if w == nil {
		if v := c.spare.Get(); v != nil {
			w = v.(*worker[T])
			w.c = c
		} else {
			w = &worker[T]{c: c}
			w.runF, w.drainF = w.run, w.drain
		}
	}
	go w.runF()
}

// retire hands the core's retired workers to the shared spares, once no
// worker runs (after Wait or Close). It is called with c.mu held.
func (c *core[T]) retire() {
	for c.free != nil {
		w := c.free
		c.free, w.nextFree = w.nextFree, nil
		w.c = nil // do not keep this core alive
		c.spare.Put(w)
	}
	c.nfree = 0
}

// run is the body of a worker goroutine. catch.Loop sets up the recovery
// once per panic, not once per task.
func (w *worker[T]) run() {
	goexit := true
	defer func() {
		if goexit {
			// A task called runtime.Goexit: this goroutine is ending inside
			// the task. Its slot is still counted in c.workers, so a
			// replacement takes over this worker and what it holds.
			go w.runF()
		}
	}()
	catch.Loop(w.drainF, w.c.failed)
	goexit = false
}

// drain runs the tasks the worker holds, then takes more from the ring,
// until the ring is empty; then it retires the worker. After a panic,
// catch.Loop calls it again: the task that panicked was already consumed,
// so nothing runs twice and nothing taken is dropped.
func (w *worker[T]) drain() {
	c := w.c
	var zero T
	for {
		for w.next < w.end {
			t := w.batch[w.next]
			w.batch[w.next] = zero // must not keep a finished task's closure alive
			w.next++
			c.run(t)
			w.done++
		}
		c.mu.Lock()
		c.finished += uint64(w.done)
		w.done = 0
		if !w.take() {
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

// take moves a batch of tasks from the ring to the worker, or, when the
// ring is empty, retires the worker and reports false. It is called with
// c.mu held and returns with it held.
func (w *worker[T]) take() bool {
	c := w.c
	var zero T
	if c.n == 0 {
		// Nothing left: retire at once. A worker that yielded and looked
		// again would keep submitters from starting a new one, and under
		// CPU load a yield waits a whole time slice (tens of milliseconds,
		// BenchmarkLatencyUnderLoad) while the task it could run waits too.
		if w.holding {
			c.busy--
			w.holding = false
		}
		c.workers--
		if c.nfree < maxFree {
			w.next, w.end = 0, 0
			w.nextFree, c.free = c.free, w
			c.nfree++
		}
		if c.workers == 0 && c.idle != nil {
			close(c.idle)
			c.idle = nil
		}
		if c.waiters > 0 {
			c.signal() // a worker slot is free
		}
		return false
	}
	if !w.holding {
		c.busy++
		w.holding = true
	}
	// A batch only when every worker could have as much: a long ring.
	k := min(maxBatch, max(1, c.n/c.limit/2))
	for i := range k {
		w.batch[i] = c.ring[c.head]
		c.ring[c.head] = zero
		c.head = (c.head + 1) & (len(c.ring) - 1)
	}
	c.n -= k
	w.next, w.end = 0, k
	c.maxBusy = max(c.maxBusy, c.busy)
	if c.waiters > 0 && c.backlog-c.n >= c.wakeAt {
		// Hysteresis: wake a blocked submitter only once half the
		// backlog is free, so that it can add many tasks before it
		// blocks again instead of paying a wake-up per task.
		c.signal()
	}
	return true
}
