package pool

import (
	"sync/atomic"

	"github.com/tamego/tame/internal/catch"
	"github.com/tamego/tame/internal/goid"
	"github.com/tamego/tame/internal/pad"
	"github.com/tamego/tame/internal/sched"
)

// maxBatch is the most tasks a worker takes from the ring at once. Taking
// several per lock halves the lock traffic when the backlog is long; a
// worker takes a batch only when there are plenty of tasks for every worker
// (see take). The tasks of a batch still wait: they count as waiting until
// each starts (engine.batchers), and a worker that finds the ring empty
// claims one of them (engine.steal), so a task that blocks never holds back
// the tasks behind it in its batch while a slot is free.
const maxBatch = 16

// maxFree is how many retired workers an engine keeps for reuse.
const maxFree = 64

// A worker is the state of one worker goroutine. It lives on the heap so
// that it survives a panic (catch.Loop calls drain again) and a Goexit (a
// replacement goroutine takes it over), and nothing taken is lost.
type worker[T any] struct {
	c     *engine[T]
	batch [maxBatch]T
	held  int // the index in batch of the task the worker holds and has not started, or -1
	end   int // batch[:end] were taken from the ring
	done  int // tasks that returned since the last report under c.mu

	// claimed is how many tasks of a batch were claimed, by the worker
	// (after batch[0], one at a time, as it goes) or by another worker that
	// found the ring empty (under c.mu); batch[i] belongs to whoever claimed
	// i. It is published for admission too (see engine.waiting). bidx is
	// the worker's index in c.batchers (moved by other workers under c.mu),
	// and batching reports whether it is there (changed by the worker
	// itself only).
	_        pad.Line
	claimed  atomic.Int64
	bidx     int
	batching bool
	recheck  atomic.Bool // the limit was lowered: back to the lock before the next task (see setLimit)

	nextFree *worker[T] // in c.free

	// gid is the id of the goroutine that runs the worker, published when
	// it starts, 0 before and once the worker has retired; lidx is the
	// worker's index in c.live (both under c.mu, but for the publication).
	gid  atomic.Uint64
	lidx int

	// The method values, made once per worker so that starting a goroutine
	// for a recycled worker allocates nothing.
	runF   func()
	drainF func()
}

// start starts the goroutine of a worker returned by admit, handoff or grow.
func (w *worker[T]) start() { go w.runF() }

// run is the body of a worker goroutine. catch.Loop sets up the recovery
// once per panic, not once per task.
func (w *worker[T]) run() {
	c := w.c
	w.gid.Store(goid.ID()) // c.live holds w since the handoff
	goexit := true
	defer func() {
		if goexit {
			// A task called runtime.Goexit: this goroutine is ending inside
			// the task. Its slot is still counted in c.running, so a
			// replacement takes over this worker and what it holds (and
			// publishes its own id: this goroutine runs no task code any
			// more).
			go w.runF()
		}
	}()
	catch.Loop(w.drainF, c.failed)
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
		for {
			i := w.held
			if i < 0 {
				if !w.batching || w.recheck.Load() {
					break // to take, which unbatches
				}
				// Claim the next task of the batch only now, after the
				// last one returned: while a task blocks, the ones behind
				// it stay claimable by the other workers.
				if i = int(w.claimed.Add(1)) - 1; i >= w.end {
					break
				}
			}
			w.held = -1
			t := w.batch[i]
			w.batch[i] = zero // must not keep a finished task's closure alive
			sched.Point(sched.Handoff)
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
// ring is empty or more workers run than the limit allows, retires the
// worker and reports false. It is called with c.mu held and returns with it
// held.
func (w *worker[T]) take() bool {
	c := w.c
	w.unbatch()
	if c.running > c.limit {
		// The limit was lowered: this worker's slot goes.
	} else if t, ok := c.steal(); ok {
		// The ring is empty, and another worker holds tasks it has not
		// started: run one of them here.
		w.batch[0], w.held, w.end = t, 0, 1
		if c.waiters > 0 {
			c.signal()
		}
		return true
	} else if c.n > 0 {
		// A batch only when every worker could have as much: a long ring.
		// The first task of the batch starts now; the others still wait.
		k := min(maxBatch, max(1, c.n/c.limit/2))
		for i := range k {
			w.batch[i] = c.pop()
		}
		w.held, w.end = 0, k
		if k > 1 {
			w.batching = true
			w.claimed.Store(1) // batch[0], held
			w.bidx = len(c.batchers)
			c.batchers = append(c.batchers, w)
			c.batched += k - 1
		}
		if c.waiters > 0 && c.backlog-(c.n+c.batched) >= c.wakeAt {
			// Hysteresis: wake a blocked submitter only once half the
			// backlog is free (by the bound on what waits, which reads no
			// other worker's progress), so that it can add many tasks
			// before it blocks again instead of paying a wake-up per task.
			c.signal()
		}
		return true
	}
	// Nothing left for this worker (or more run than the limit allows):
	// retire at once. A worker that yielded and looked again would keep
	// submitters from starting a new one, and under CPU load a yield waits
	// a whole time slice while the task it could run waits too
	// (BenchmarkLatencyUnderLoad).
	c.running--
	c.unlive(w)
	if c.nfree < maxFree {
		w.held, w.end = -1, 0
		w.nextFree, c.free = c.free, w
		c.nfree++
	}
	c.wakeIdle()
	if c.waiters > 0 {
		c.signal() // a worker slot is free
	}
	return false
}

// unbatch takes the worker out of c.batchers once its batch has started
// (all of it, or all but a task lost to a Goexit), or when the limit was
// lowered: then the tasks of the batch nobody claimed go back to the head of
// the ring, in their order. It is called with c.mu held.
func (w *worker[T]) unbatch() {
	c := w.c
	if !w.batching {
		return
	}
	if i := int(w.claimed.Load()); i < w.end {
		// Nobody else claims while c.mu is held.
		w.claimed.Store(int64(w.end))
		var zero T
		for j := w.end - 1; j >= i; j-- {
			c.putFront(w.batch[j])
			w.batch[j] = zero
		}
	}
	w.batching = false
	w.recheck.Store(false)
	c.batched -= w.end - 1
	last := len(c.batchers) - 1
	moved := c.batchers[last]
	c.batchers[w.bidx], moved.bidx = moved, w.bidx
	c.batchers[last] = nil
	c.batchers = c.batchers[:last]
}

// retire hands the engine's retired workers to the shared spares, once no
// worker runs (after Wait or Close). It is called with c.mu held.
func (c *engine[T]) retire() {
	for c.free != nil {
		w := c.free
		c.free, w.nextFree = w.nextFree, nil
		w.c = nil // do not keep this engine alive
		c.spare.Put(w)
	}
	c.nfree = 0
}
