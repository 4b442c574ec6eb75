package queue

import "reflect"

// room reports whether fewer than capacity items wait. The items of the
// current run that the consumer has already taken on do not count; the
// ring has room for them (run <= maxRun), so room implies a free slot.
//
// Reading progress costs a cache miss (the consumer writes it per item), so
// producers keep the last value they read in seen and read it again only
// when the old value says full. progress only grows during a run, so seen
// is never more than the truth: a stale seen can only make a Push look
// again, never let one in without room.
func (q *Queue[T]) room() bool {
	if q.n-q.seen < q.capacity {
		return true
	}
	q.seen = int(q.progress.Load())
	return q.n-q.seen < q.capacity
}

// accept stores v, unlocks mu and wakes the consumer if it was parked.
func (q *Queue[T]) accept(v T) {
	q.put(v)
	wake := q.parked
	q.parked = false
	q.mu.Unlock()
	if wake {
		q.wake <- struct{}{} // never blocks: one signal per park
	}
}

// put stores v after the last item; mu is held and there is room.
func (q *Queue[T]) put(v T) {
	i := q.head + q.n
	if i >= len(q.ring) {
		i -= len(q.ring)
	}
	q.ring[i] = v
	q.n++
	if q.n-q.seen > q.maxDepth { // cheap test first: the depth is at most n-seen
		q.seen = int(q.progress.Load())
		q.maxDepth = max(q.maxDepth, q.n-q.seen)
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
