package queue

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/tamego/tame/internal/pad"
)

// A ring is the bounded line of a Queue: many producers claim positions
// without a lock, one consumer takes the items in the order of their
// positions. The n-th item accepted has position n and lives in
// slots[n&mask].
//
// Producers claim a position by advancing tail with a compare-and-swap while
// fewer than capacity items wait. The consumer's position is published in
// two words: head, stored every publishEvery items and read by every claim
// (a store per item to a word every producer reads would cost more than the
// rest of the consumer's work), and taken, stored per item on a line of its
// own and read only when head says the ring is full. So a claim may pass on
// head, never refuses on it: the capacity is exact.
//
// The consumer parks when the next slot is not written yet, after a
// handshake: it sets parked, then looks at the slot once more; a producer
// writes its slot, then looks at parked. One of the two sees the other.
type ring[T any] struct {
	slots    []slot[T]
	mask     uint64
	capacity uint64
	clear    bool          // T may hold pointers: a slot is zeroed once its item is taken
	wake     chan struct{} // one signal per park; made with the ring

	_    pad.Line
	tail atomic.Uint64 // the next position to claim, with closedBit once closed
	_    pad.Line
	head atomic.Uint64 // at most the consumer's position
	_    pad.Line
	// taken is twice the consumer's position, plus one while the handler
	// has the item before it: the exact position, and whether a call runs.
	taken    atomic.Uint64
	_        pad.Line
	parked   atomic.Bool // the consumer waits on wake; whoever swaps it to false signals
	_        pad.Line
	nwait    atomic.Int32 // Pushes waiting for room: claims refuse while there are any
	maxDepth atomic.Uint64
	_        pad.Line

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
	publishEvery = 16
	// maxRingBytes bounds the memory of a ring to what the runtime can
	// allocate in one piece.
	maxRingBytes = min(1<<47, math.MaxInt>>1)
)

// A claim is the outcome of an attempt to claim a position.
type claim int

const (
	claimed claim = iota
	full          // capacity items wait, or Pushes wait for room
	closed        // the ring is closed
)

// newRing makes a ring for capacity items: a power of two slots, all
// allocated now. It panics when capacity is below 1 or the slots would not
// fit in memory.
func newRing[T any](capacity int) ring[T] {
	if capacity < 1 {
		panic(fmt.Sprintf("queue: capacity must be at least 1, got %d", capacity))
	}
	size := uint64(1) << bits.Len64(uint64(capacity-1))
	if size > maxRingBytes/uint64(unsafe.Sizeof(slot[T]{})) {
		panic(fmt.Sprintf("queue: capacity too large: %d (a Queue allocates a slot per item of capacity when it is made)", capacity))
	}
	return ring[T]{
		slots:    make([]slot[T], size),
		mask:     size - 1,
		capacity: uint64(capacity),
		clear:    mayPoint(reflect.TypeFor[T]()),
		wake:     make(chan struct{}, 1),
	}
}

// claim claims the next position for a producer when fewer than capacity
// items wait and no Push waits for room (it would be overtaken).
func (r *ring[T]) claim() (uint64, claim) {
	for {
		t := r.tail.Load()
		if t&closedBit != 0 {
			return 0, closed
		}
		if r.nwait.Load() > 0 {
			return 0, full
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
			return t, claimed
		}
	}
}

// claimExact claims the next position when fewer than capacity items wait,
// measured from the consumer's exact position, whether or not Pushes wait:
// the consumer calls it to let them in, and the first waiting Push to take
// room that came just before it waited.
func (r *ring[T]) claimExact() (uint64, claim) {
	for {
		t := r.tail.Load()
		if t&closedBit != 0 {
			return 0, closed
		}
		h := r.taken.Load() >> 1
		if h > t {
			continue
		}
		if t-h >= r.capacity {
			return 0, full
		}
		if r.tail.CompareAndSwap(t, t+1) {
			r.noteDepth(t + 1 - h)
			return t, claimed
		}
	}
}

// put writes v at position p, which the caller has claimed, and wakes the
// consumer if it is parked.
func (r *ring[T]) put(p uint64, v T) {
	s := &r.slots[p&r.mask]
	s.v = v
	s.seq.Store(p + 1)
	if r.parked.Load() && r.parked.Swap(false) {
		r.wake <- struct{}{} // never blocks: one signal per park
	}
}

// take is called by the consumer: it takes the item at its position if it
// is written, and marks a handler call as running.
func (r *ring[T]) take() (v T, ok bool) {
	s := &r.slots[r.pos&r.mask]
	if s.seq.Load() != r.pos+1 {
		return v, false
	}
	v = s.v
	if r.clear {
		var zero T
		s.v = zero // the slot keeps nothing alive
	}
	r.pos++
	r.taken.Store(2*r.pos + 1)
	if r.pos-r.pub >= publishEvery {
		r.publish()
	}
	return v, true
}

// publish stores the consumer's position in head.
func (r *ring[T]) publish() {
	r.pub = r.pos
	r.head.Store(r.pos)
}

// settle is called by the consumer when no handler call runs: it publishes
// its exact position in head and taken.
func (r *ring[T]) settle() {
	r.taken.Store(2 * r.pos)
	if r.pub != r.pos {
		r.publish()
	}
}

// prepark is the consumer's half of the park handshake: it sets parked and
// reports whether the next item is still not written. When it is written,
// the consumer must not park (and must call unpark).
func (r *ring[T]) prepark() bool {
	r.parked.Store(true)
	p := r.pos
	return r.slots[p&r.mask].seq.Load() != p+1
}

// unpark takes the consumer out of the park: it waits for the signal of a
// producer that swapped parked first, so that the next park waits for a new
// one.
func (r *ring[T]) unpark() {
	if !r.parked.CompareAndSwap(true, false) {
		<-r.wake
	}
}

// close stops claims and wakes the consumer if it is parked.
func (r *ring[T]) close() {
	r.tail.Or(closedBit)
	if r.parked.Load() && r.parked.Swap(false) {
		r.wake <- struct{}{}
	}
}

// claimedCount is the number of positions claimed: the items accepted.
func (r *ring[T]) claimedCount() uint64 { return r.tail.Load() &^ closedBit }

// depth is the number of items waiting. It reads tail before taken: a
// position is claimed only while it is less than capacity past the
// consumer, so the difference never exceeds the capacity.
func (r *ring[T]) depth() int {
	t := r.claimedCount()
	h := r.taken.Load() >> 1
	if h >= t {
		return 0
	}
	return int(t - h)
}

// noteDepth raises the high-water mark to the depth after claiming position
// t (d counts from a position that may lag). It reads before it writes, so
// in a steady state it writes nothing, and it looks at the exact position
// only for a new mark.
func (r *ring[T]) noteDepth(d uint64) {
	m := r.maxDepth.Load()
	if d <= m {
		return
	}
	t := r.claimedCount()
	if h := r.taken.Load() >> 1; h < t {
		d = min(d, t-h)
	}
	for d > m && !r.maxDepth.CompareAndSwap(m, d) {
		m = r.maxDepth.Load()
	}
}

// mayPoint reports whether values of type t may hold pointers, which a slot
// keeps alive until it is zeroed. Without pointers, the consumer skips
// zeroing the slots it has read, sparing a write per item to a cache line
// that the producers write next.
func mayPoint(t reflect.Type) bool {
	return holds(t, func(k reflect.Kind) bool {
		switch k {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
			return false
		}
		return true
	})
}

// holds reports whether a value of type t may hold a part (t itself, an
// element of an array, a field of a struct, recursively) of a kind that
// leaf reports true for.
func holds(t reflect.Type, leaf func(reflect.Kind) bool) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && holds(t.Elem(), leaf)
	case reflect.Struct:
		for i := range t.NumField() {
			if holds(t.Field(i).Type, leaf) {
				return true
			}
		}
		return false
	}
	return leaf(t.Kind())
}
