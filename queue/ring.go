package queue

import (
	"math/bits"
	"reflect"
	"sync/atomic"
)

// The ring holds the accepted items in the order of their positions: the
// n-th item accepted has position n and lives in ring[n&mask]. Producers
// claim positions without a lock, by advancing q.tail with a
// compare-and-swap; the consumer reads them in order from q.pos.
//
// A slot says that its item is written by its seq: position+1 once the
// producer that claimed the position has stored the item. (An older value,
// from a position a lap earlier, never equals it.) The consumer reads an
// item only after it has seen that seq, and a producer writes a slot only
// after the consumer has published (q.head) that it is done with the item a
// lap earlier.
type slot[T any] struct {
	seq atomic.Uint64
	v   T
}

// closedBit is set in q.tail by Close: once it is set, no position can be
// claimed, so the last position is fixed and the consumer knows when it
// has handled everything accepted.
const closedBit = 1 << 63

// ringSize is the number of slots for capacity items: a power of two, so a
// position's slot is found with a mask.
func ringSize(capacity int) int {
	return 1 << bits.Len(uint(capacity-1))
}

// A claim is the outcome of an attempt to claim a position.
type claim int

const (
	claimed claim = iota
	full          // no room, or Pushes are waiting for room
	closed        // Close was called
)

// claim claims the next position for a producer, without a lock, when
// fewer than capacity items wait and no Push waits for room (it would be
// overtaken). The room is measured from the position the consumer has
// published, which lags behind its true position by up to publishEvery-1
// items, so claim may report full a little early, never late: the items
// waiting never exceed the capacity.
func (q *Queue[T]) claim() (uint64, claim) {
	for {
		t := q.tail.Load()
		if t&closedBit != 0 {
			return 0, closed
		}
		if q.nwait.Load() > 0 {
			return 0, full
		}
		h := q.head.Load()
		if h > t {
			continue // tail and head moved on since t was read: t-h would wrap
		}
		if t-h >= q.capacity {
			return 0, full
		}
		if q.tail.CompareAndSwap(t, t+1) {
			q.noteDepth(t + 1 - h)
			return t, claimed
		}
	}
}

// put writes v at position p, which the caller has claimed, and wakes the
// consumer if it is parked.
func (q *Queue[T]) put(p uint64, v T) {
	s := &q.ring[p&q.mask]
	s.v = v
	s.seq.Store(p + 1)
	// The consumer sets parked before it looks at this slot a last time, and
	// this looks at parked after the store above: one of the two sees the
	// other, so a consumer never sleeps on a written item.
	if q.parked.Load() && q.parked.Swap(false) {
		q.wake <- struct{}{} // never blocks: one signal per park
	}
}

// noteDepth raises the high-water mark to d items if it is lower. It reads
// before it writes, so in a steady state it writes nothing.
func (q *Queue[T]) noteDepth(d uint64) {
	for {
		m := q.maxDepth.Load()
		if d <= m || q.maxDepth.CompareAndSwap(m, d) {
			return
		}
	}
}

// mayPoint reports whether values of type t may hold pointers, which a slot
// of the ring keeps alive until it is zeroed. Without pointers, the consumer
// skips zeroing the slots it has read, sparing a write per item to a cache
// line that the producers write next.
func mayPoint(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && mayPoint(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if mayPoint(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}
