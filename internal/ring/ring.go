// Package ring is the bounded line that many producers fill and one consumer
// empties in order: the engine under queue.Queue and the actor mailbox.
//
// Producers claim positions without a lock; the consumer takes the items in
// the order of their positions. The capacity counts the items waiting, not
// the one the consumer has in hand, and is exact. Producers that find the
// line full wait in a FIFO ([Waiters]), with a context; the consumer lets
// them in, oldest first, as soon as it makes room, and no producer overtakes
// them. Close refuses the waiters and every later put; the items accepted
// before it are still taken.
package ring

import (
	"context"
	"math"
	"math/bits"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tamego/tame/internal/goid"
	"github.com/tamego/tame/internal/kinds"
	"github.com/tamego/tame/internal/pad"
)

// A Ring is a bounded many-producer, one-consumer line. Its producer
// methods ([Ring.TryPut], [Ring.Put], [Ring.Close] and the counts) are safe
// for concurrent use; its consumer methods ([Ring.Next], [Ring.Pop],
// [Ring.Settle], [Ring.At], [Ring.Pos], [Ring.SetOwner]) are called by one
// goroutine at a time: the consumer, or its replacement once it has ended.
//
// The n-th item accepted has position n and lives in slots[n&mask].
// Producers claim a position by advancing tail with a compare-and-swap
// while fewer than capacity items wait. The consumer's position is
// published in two words: head, stored every publishEvery items and read by
// every claim (a store per item to a word every producer reads would cost
// more than the rest of the consumer's work), and taken, stored per item on
// a line of its own and read only when head says the ring is full. So a
// claim may pass on head, never refuses on it: the capacity is exact.
//
// The consumer parks when the next slot is not written yet, after a
// handshake: it sets parked, then looks at the slot once more; a producer
// writes its slot, then looks at parked. One of the two sees the other.
type Ring[T any] struct {
	slots    []slot[T]
	mask     uint64
	capacity uint64
	clear    bool          // T may hold pointers: a slot is zeroed once its item is taken
	wake     chan struct{} // one signal per park; made with the ring
	// Read by every put and every take, written only on the slow paths
	// (waits, a new high-water mark, a new consumer): kept off the lines
	// the consumer writes as it goes, so that reading them costs no miss.
	nwait    atomic.Int32 // waiters.Len(): claims refuse while there are any
	maxDepth atomic.Uint64
	owner    atomic.Uint64 // the consumer's goroutine id

	_    pad.Line
	tail atomic.Uint64 // the next position to claim, with closedBit once closed
	_    pad.Line
	// Read by every put, written by the consumer now and then.
	head   atomic.Uint64 // at most the consumer's position
	parked atomic.Bool   // the consumer waits on wake; whoever swaps it to false signals
	_      pad.Line
	// taken is twice the consumer's position, plus one while the consumer
	// has the item before it in hand: the exact position, and whether the
	// consumer works on an item.
	taken atomic.Uint64
	_     pad.Line

	mu      sync.Mutex // guards waiters; Close sets closedBit under it
	waiters Waiters[T]
	_       pad.Line

	// Owned by the consumer goroutine.
	pos uint64 // the next position to take
	pub uint64 // the last position stored in head
}

// A slot holds the item of one position. seq is position+1 once the item is
// written; the consumer sets it to nothing else, and a position a lap
// earlier or later never has the same seq.
type slot[T any] struct {
	seq atomic.Uint64
	v   T
}

const (
	// closedBit is set in tail when the ring is closed: no position is
	// claimed after it, so the last position is fixed.
	closedBit = 1 << 63
	// publishEvery is how often the consumer stores its position in head.
	publishEvery = 64
	// maxBytes bounds the memory of a ring to what the runtime can
	// allocate in one piece.
	maxBytes = min(1<<47, math.MaxInt>>1)
)

// A Result is the outcome of a put.
type Result int

const (
	Done      Result = iota // the item was accepted
	Full                    // TryPut: capacity items wait, or producers wait for room
	Closed                  // the ring is closed
	Cancelled               // Put: the context ended first
	Self                    // Put: called by the consumer, which would wait for itself
)

// Fits reports whether a ring of capacity items of type T fits in memory:
// a ring allocates a power of two of slots, at least capacity, when made.
func Fits[T any](capacity int) bool {
	if capacity < 1 {
		return true
	}
	size := uint64(1) << bits.Len64(uint64(capacity-1))
	return size <= maxBytes/uint64(unsafe.Sizeof(slot[T]{}))
}

// New makes a ring for capacity items. It panics if capacity < 1 or if
// !Fits[T](capacity): the caller checks both first, to panic with its own
// message.
func New[T any](capacity int) *Ring[T] {
	if capacity < 1 || !Fits[T](capacity) {
		panic("ring: capacity out of range")
	}
	size := uint64(1) << bits.Len64(uint64(capacity-1))
	return &Ring[T]{
		slots:    make([]slot[T], size),
		mask:     size - 1,
		capacity: uint64(capacity),
		clear:    kinds.MayPoint(reflect.TypeFor[T]()),
		wake:     make(chan struct{}, 1),
		waiters:  NewWaiters[T](),
	}
}

// TryPut adds *v at the end of the line if fewer than capacity items wait
// and no producer waits for room (it would be overtaken). It never waits.
// The item is copied: v is not kept.
func (r *Ring[T]) TryPut(v *T) Result {
	p, res := r.Claim()
	if res == Done {
		r.Write(p, v)
	}
	return res
}

// Put adds *v at the end of the line, waiting for room behind the producers
// already waiting. It returns Done, Closed, Cancelled when ctx ends first
// (the item is then never accepted), or Self when the line is full and the
// caller is the consumer (which would wait for itself; the producers
// waiting before it are let in if there is room). The item is copied: v is
// not kept.
func (r *Ring[T]) Put(ctx context.Context, v *T) Result {
	if done := ctx.Done(); done != nil {
		select {
		case <-done:
			return Cancelled
		default:
		}
	}
	if res := r.TryPut(v); res != Full {
		return res
	}
	// Wait at once. A producer that yielded to the consumer first, hoping
	// for room, would resume on another processor, beside the consumer, and
	// the two would pull the ring's lines from each other.
	return r.wait(ctx, v)
}

// wait is Put when the ring was full or producers were waiting: it
// queues v behind the producers already waiting, then looks once more,
// because the consumer looks for waiters only after it made room.
func (r *Ring[T]) wait(ctx context.Context, v *T) Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.IsClosed() {
		return Closed
	}
	w := r.waiters.Add(*v)
	r.nwait.Store(int32(r.waiters.Len()))
	// The consumer stores its position, then looks at nwait; this stored
	// nwait, now it looks at the position: one of the two sees the other.
	if r.waiters.First(w) {
		if p, res := r.claimExact(); res == Done {
			r.waiters.Remove(w)
			r.nwait.Store(int32(r.waiters.Len()))
			r.Write(p, v)
			return Done
		}
	}
	// Called by the consumer, this Put would wait for room only its own
	// goroutine can make. Its position is exact: let older waiters in if
	// there is room, then give up.
	if r.Owned() {
		r.letIn()
		if !w.Done() {
			r.waiters.Remove(w)
			r.nwait.Store(int32(r.waiters.Len()))
			return Self
		}
	}
	err := r.waiters.Await(ctx, &r.mu, w)
	r.nwait.Store(int32(r.waiters.Len()))
	switch {
	case err == nil:
		return Done
	case r.IsClosed():
		return Closed
	default:
		return Cancelled
	}
}

// Claim is the first half of TryPut: it claims the next position for a
// producer when fewer than capacity items wait and no producer waits for
// room. The producer must then Write it: the consumer waits for it.
func (r *Ring[T]) Claim() (uint64, Result) {
	for {
		t := r.tail.Load()
		if t&closedBit != 0 {
			return 0, Closed
		}
		if r.nwait.Load() > 0 {
			return 0, Full
		}
		h := r.head.Load()
		if h > t {
			continue // tail and head moved on since t was read: t-h would wrap
		}
		if t-h >= r.capacity {
			return r.claimExact() // head lags: look at the exact position
		}
		if r.tail.CompareAndSwap(t, t+1) {
			r.noteDepth(t + 1 - h)
			return t, Done
		}
	}
}

// claimExact claims the next position when fewer than capacity items wait,
// measured from the consumer's exact position, whether or not producers
// wait: the consumer calls it to let them in, and the first waiting
// producer to take room that came just before it waited.
func (r *Ring[T]) claimExact() (uint64, Result) {
	for {
		t := r.tail.Load()
		if t&closedBit != 0 {
			return 0, Closed
		}
		h := r.taken.Load() >> 1
		if h > t {
			continue
		}
		if t-h >= r.capacity {
			return 0, Full
		}
		if r.tail.CompareAndSwap(t, t+1) {
			r.noteDepth(t + 1 - h)
			return t, Done
		}
	}
}

// Write is the second half of TryPut: it writes v at position p, which the
// caller has claimed, and wakes the consumer if it is parked.
func (r *Ring[T]) Write(p uint64, v *T) {
	s := &r.slots[p&r.mask]
	s.v = *v
	s.seq.Store(p + 1)
	if r.parked.Load() && r.parked.Swap(false) {
		r.wake <- struct{}{} // never blocks: one signal per park
	}
}

// Close stops the puts: the producers waiting for room and every later put
// get Closed. The items accepted before are still taken. Close is
// idempotent and safe for concurrent use.
func (r *Ring[T]) Close() {
	r.mu.Lock()
	if r.tail.Or(closedBit)&closedBit == 0 {
		r.waiters.CloseAll()
		r.nwait.Store(0)
		if r.parked.Load() && r.parked.Swap(false) {
			r.wake <- struct{}{}
		}
	}
	r.mu.Unlock()
}

// SetOwner records the calling goroutine as the consumer, for Owned. The
// consumer calls it before it takes anything, and so does a replacement.
func (r *Ring[T]) SetOwner() { r.owner.Store(goid.ID()) }

// Owned reports whether the caller is the consumer goroutine.
func (r *Ring[T]) Owned() bool { return r.owner.Load() == goid.ID() }

// Next returns the next item in place, parking while none is written; it
// reports false once the ring is closed and every item accepted was taken.
// The consumer copies the item out and calls Pop. While it parks, the
// consumer is between items: it lets waiting producers in, and Settled can
// report true.
func (r *Ring[T]) Next() (*T, bool) {
	for {
		s := &r.slots[r.pos&r.mask]
		if s.seq.Load() == r.pos+1 {
			return &s.v, true
		}
		if !r.idle() {
			return nil, false
		}
	}
}

// Pop passes the item Next returned, which the consumer has copied out: the
// slot is cleared and free, and the consumer has the item in hand until its
// next Settle or park. Producers waiting for room are let in.
func (r *Ring[T]) Pop() {
	if r.clear {
		var zero T
		r.slots[r.pos&r.mask].v = zero // the slot keeps nothing alive
	}
	r.pos++
	r.taken.Store(2*r.pos + 1)
	if r.pos-r.pub >= publishEvery {
		r.publish()
	}
	if r.nwait.Load() > 0 {
		r.mu.Lock()
		r.letIn()
		r.mu.Unlock()
	}
}

// Settle tells that the consumer has no item in hand (its work on the last
// one failed, say), and publishes its exact position.
func (r *Ring[T]) Settle() {
	r.taken.Store(2 * r.pos)
	if r.pub != r.pos {
		r.publish()
	}
}

// publish stores the consumer's position in head.
func (r *Ring[T]) publish() {
	r.pub = r.pos
	r.head.Store(r.pos)
}

// idle is called by the consumer when the next item is not written yet. It
// settles, lets waiting producers in, and parks until a producer writes an
// item or Close is called. It reports false when the ring is closed and
// every item accepted was taken.
//
// It takes no lock unless producers wait. The consumer stores its position
// (Settle), then looks at nwait; a producer that waits stores nwait, then
// looks at the position: one of the two sees the other. And it sets parked,
// then looks at the slot and at the closed bit; a producer writes the slot
// and Close sets the bit, then each looks at parked.
func (r *Ring[T]) idle() bool {
	s := &r.slots[r.pos&r.mask]
	r.Settle()
	if r.nwait.Load() > 0 {
		r.mu.Lock()
		in := r.letIn()
		r.mu.Unlock()
		if in {
			return true
		}
		// Full: the next position is claimed and its producer has not
		// written it yet. Park until it has, rather than look again and
		// again while that producer may be waiting for a processor.
	}
	// Park at once: a consumer that yielded first would not be woken by a
	// producer meanwhile, and under CPU load would wait a whole time slice.
	// A producer that begins to wait after the look at nwait finds the
	// room itself.
	r.parked.Store(true)
	if s.seq.Load() == r.pos+1 {
		r.unpark()
		return true
	}
	if r.drained() {
		r.unpark()
		return false
	}
	<-r.wake
	return true
}

// drained reports whether the ring is closed and every item accepted was
// taken. Only the consumer calls it.
func (r *Ring[T]) drained() bool {
	t := r.tail.Load()
	return t&closedBit != 0 && t&^closedBit == r.pos
}

// letIn lets waiting producers in, oldest first, while there is room: it
// claims their positions and writes their items itself, then tells them.
// It reports whether it let any in. The consumer calls it with mu held.
func (r *Ring[T]) letIn() (in bool) {
	r.waiters.Equip()
	for r.waiters.Len() > 0 {
		p, res := r.claimExact()
		if res != Done {
			break // full (closed is not possible: Close empties the list under mu)
		}
		v := r.waiters.Accept()
		r.Write(p, &v)
		in = true
	}
	r.nwait.Store(int32(r.waiters.Len()))
	return in
}

// Pos returns the consumer's position: the items before it were taken.
// Only the consumer calls it.
func (r *Ring[T]) Pos() uint64 { return r.pos }

// At returns the item at position p, at or after Pos and before Claimed,
// parking until its producer has written it. Only the consumer calls it;
// the item stays in the ring.
func (r *Ring[T]) At(p uint64) *T {
	s := &r.slots[p&r.mask]
	for s.seq.Load() != p+1 {
		// The same handshake as idle's; a write of any position, or
		// Close, wakes the consumer, which looks again.
		r.parked.Store(true)
		if s.seq.Load() == p+1 {
			r.unpark()
			break
		}
		<-r.wake
	}
	return &s.v
}

// unpark takes back a park that found the slot written meanwhile, or the
// signal of the producer that swapped parked first, so that the next park
// waits for a new one.
func (r *Ring[T]) unpark() {
	if !r.parked.CompareAndSwap(true, false) {
		<-r.wake
	}
}

// IsClosed reports whether Close was called.
func (r *Ring[T]) IsClosed() bool { return r.tail.Load()&closedBit != 0 }

// Claimed returns the number of positions claimed: the items accepted.
func (r *Ring[T]) Claimed() uint64 { return r.tail.Load() &^ closedBit }

// Counts returns, as of one moment, the items accepted, the consumer's
// position, and whether it has an item in hand.
func (r *Ring[T]) Counts() (claimed, pos uint64, inHand bool) {
	// Read taken again after tail, so that the two are of the same moment
	// (taken only moves on): claimed - pos is then at most the capacity.
	t := r.taken.Load()
	c := r.Claimed()
	for t2 := r.taken.Load(); t2 != t; t2 = r.taken.Load() {
		t, c = t2, r.Claimed()
	}
	return c, t >> 1, t&1 != 0
}

// Depth is the number of items waiting. It reads tail before taken: a
// position is claimed only while it is less than capacity past the
// consumer, so the difference never exceeds the capacity.
func (r *Ring[T]) Depth() int {
	t := r.Claimed()
	h := r.taken.Load() >> 1
	if h >= t {
		return 0
	}
	return int(t - h)
}

// MaxDepth is the most items that waited at once, raised first to depth, a
// depth the caller has seen (the mark of a claim may miss a peak that a
// count of the same moment sees).
func (r *Ring[T]) MaxDepth(depth int) int {
	d := uint64(depth)
	for {
		m := r.maxDepth.Load()
		if d <= m {
			return int(m)
		}
		if r.maxDepth.CompareAndSwap(m, d) {
			return depth
		}
	}
}

// Blocked is the number of producers waiting for room.
func (r *Ring[T]) Blocked() int { return int(r.nwait.Load()) }

// Settled reports whether the ring is closed, every item accepted was taken
// and the consumer has none in hand: it parks at the end, or has seen the
// end.
func (r *Ring[T]) Settled() bool {
	t := r.tail.Load()
	return t&closedBit != 0 && r.taken.Load() == 2*(t&^closedBit)
}

// noteDepth raises the high-water mark to the depth after claiming a
// position (d counts from a position that may lag). It reads before it
// writes, so in a steady state it writes nothing, and it looks at the exact
// position only for a new mark.
func (r *Ring[T]) noteDepth(d uint64) {
	m := r.maxDepth.Load()
	if d <= m {
		return
	}
	t := r.Claimed()
	if h := r.taken.Load() >> 1; h < t {
		d = min(d, t-h)
	}
	for d > m && !r.maxDepth.CompareAndSwap(m, d) {
		m = r.maxDepth.Load()
	}
}
