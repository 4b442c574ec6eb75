package actor

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/tamego/tame/internal/pad"
)

// A mailbox is a bounded ring that many producers fill without a lock and
// one consumer empties in order. Nothing in it knows about actors.
//
// Every message has a position. A producer claims the next one by moving
// tail on with a compare-and-swap, writes its message in the position's slot
// and publishes it by setting the slot's seq to position+1. The consumer
// takes the messages in order: it copies a message out, clears the slot and
// stores the next position in pos before it handles the message, so a
// message in hand never counts against the capacity. A position is free
// while it is less than pos + capacity; the ring is at least capacity long,
// so no producer writes a slot whose message was not taken.
//
// Producers look at head, which the consumer stores every publishEvery
// messages and whenever it parks, and read pos only when head says the
// mailbox is full: the common claim reads a line that rarely changes, and a
// claim on a full mailbox sees the exact count. A producer that finds room
// that head did not show moves head on to pos itself.
//
// Two bits carry the hand-offs that need a wake-up. closedBit in tail stops
// the claims: once it is set no compare-and-swap on tail succeeds, and the
// positions below it are what the consumer still owes. idleBit in head says
// the consumer is parked on wake (or about to be): whoever clears it with a
// compare-and-swap (a producer that published a message, or close) sends the
// one wake token of that idle period. Both sides write their side first and
// then read the other's (the atomics are sequentially consistent), so either
// the consumer sees the message or the producer sees the idle bit: no
// wake-up is lost, and the consumer never spins.
//
// Producers that wait for room wait for the token on space, which the
// consumer sends when it takes a message while producers wait, and each
// producer woken by it passes on while there is room and others wait.
// Every channel is made by newMailbox, never later, so that a mailbox made
// outside a testing/synctest bubble works inside and outside one.
type mailbox[T any] struct {
	_    pad.Line
	tail atomic.Uint64 // next position to claim | closedBit once closed
	_    pad.Line
	head atomic.Uint64 // a position the consumer has passed | idleBit while it parks
	_    pad.Line
	pos  atomic.Uint64 // the consumer's true position: every message below it is taken
	_    pad.Line

	// Read by everyone, written rarely.
	ring       []slot[T]
	mask       uint64 // len(ring) - 1
	capacity   uint64
	maxWaiting atomic.Uint64  // the high-water mark of tail - pos
	maxSeen    atomic.Uint64  // the high-water mark of tail - head
	gate       *atomic.Uint64 // maxWaiting for a small mailbox, maxSeen for a large one
	space      chan struct{}  // 1-buffered: the token of the producers waiting for room
	wake       chan struct{}  // 1-buffered: one token per idle period of the consumer
	waiters    atomic.Int32   // producers waiting for room
	ended      atomic.Bool    // closed with every message taken and the consumer between messages
	_          pad.Line

	// The consumer's own.
	next  uint64 // the first position not taken (what pos holds)
	given uint64 // the last position stored in head
	_     pad.Line
}

const (
	closedBit = 1 << 63
	idleBit   = 1 << 63
)

// publishEvery is how often the consumer stores its position in head while
// it keeps taking messages.
const publishEvery = 64

// slot is one place in the ring: seq is position+1 once the message for that
// position is written (a value of an earlier round means empty or taken).
type slot[T any] struct {
	seq atomic.Uint64
	v   T
}

// maxRingBytes is the largest ring a mailbox makes: half of a 48-bit address
// space, or what an int can count on 32-bit platforms.
const maxRingBytes = min(math.MaxInt, 1<<47)

// newMailbox makes a mailbox for capacity messages. It panics, with a
// message that names the capacity, when the ring would not fit in memory.
func newMailbox[T any](capacity int) *mailbox[T] {
	size := uint64(1) << bits.Len64(uint64(capacity-1))
	elem := uint64(unsafe.Sizeof(slot[T]{}))
	if uint64(capacity) > 1<<62 || size > maxRingBytes/elem {
		panic(fmt.Sprintf("actor: mailbox capacity too large: %d messages of %d bytes do not fit in memory", capacity, elem))
	}
	m := &mailbox[T]{
		ring:     make([]slot[T], size),
		mask:     size - 1,
		capacity: uint64(capacity),
		space:    make(chan struct{}, 1),
		wake:     make(chan struct{}, 1),
	}
	m.gate = &m.maxWaiting
	if capacity > publishEvery {
		m.gate = &m.maxSeen
	}
	return m
}

type putResult int

const (
	putDone putResult = iota
	putFull
	putClosed
)

// tryPut adds *v if there is room and the mailbox is open, and wakes the
// consumer if it is parked. It never waits.
func (m *mailbox[T]) tryPut(v *T) putResult {
	for {
		t := m.tail.Load()
		if t&closedBit != 0 {
			return putClosed
		}
		hv := m.head.Load()
		h := hv &^ idleBit
		exact := false
		if t >= h && t-h >= m.capacity {
			// Full as far as head tells, which may lag: ask pos, and move
			// head on to it for the claims after this one, so that a
			// producer that keeps the mailbox full reads pos once per
			// round of room, not once per message. (The consumer only
			// stores positions at or past pos; an idle head is exact.)
			p := m.pos.Load()
			if t >= p && t-p >= m.capacity {
				return putFull
			}
			if p > h && hv&idleBit == 0 && m.head.CompareAndSwap(hv, p) {
				h, exact = p, true
			}
		}
		if !m.tail.CompareAndSwap(t, t+1) {
			continue
		}
		s := &m.ring[t&m.mask]
		s.v = *v
		s.seq.Store(t + 1)
		m.wakeConsumer()
		if exact {
			raise(&m.maxWaiting, t+1-h)
		} else if est := t + 1 - h; est > m.gate.Load() {
			m.noteWaiting(t+1, est)
		}
		return putDone
	}
}

// noteWaiting raises the high-water mark to what waits below end, counted
// from the consumer's true position. est, the count from head, is never
// lower than the true count: a small mailbox reads pos whenever est passes
// the mark, so the mark is exact; a large one only when est is a new high
// of its own, so that producers do not read pos per message, and the mark
// may miss a peak by less than publishEvery.
func (m *mailbox[T]) noteWaiting(end, est uint64) {
	if m.gate == &m.maxSeen && !raise(&m.maxSeen, est) {
		return
	}
	if p := m.pos.Load(); p < end {
		raise(&m.maxWaiting, end-p)
	}
}

// raise sets *x to v if v is greater, and reports whether it did.
func raise(x *atomic.Uint64, v uint64) bool {
	for {
		old := x.Load()
		if v <= old {
			return false
		}
		if x.CompareAndSwap(old, v) {
			return true
		}
	}
}

// put adds *v, waiting for room until ctx is done; it returns ctx.Err()
// then, and errClosed once the mailbox is closed.
func (m *mailbox[T]) put(ctx context.Context, v *T) error {
	woken := false
	for {
		switch m.tryPut(v) {
		case putDone:
			if woken && m.waiters.Load() > 0 && m.room() {
				m.passSpace()
			}
			return nil
		case putClosed:
			m.passSpace()
			return errClosed
		}
		// Count this producer as waiting before looking again: the consumer
		// stores pos before it looks at the count, so one of the two sees
		// the other.
		m.waiters.Add(1)
		if m.room() || m.tail.Load()&closedBit != 0 {
			m.waiters.Add(-1)
			continue
		}
		select {
		case <-m.space:
			m.waiters.Add(-1)
			woken = true
		case <-ctx.Done():
			m.waiters.Add(-1)
			return ctx.Err()
		}
	}
}

// room reports whether the mailbox has a free position.
func (m *mailbox[T]) room() bool {
	p := m.pos.Load()
	return (m.tail.Load()&^closedBit)-p < m.capacity
}

// passSpace wakes one producer waiting for room, if any.
func (m *mailbox[T]) passSpace() {
	if m.waiters.Load() > 0 && len(m.space) == 0 {
		select {
		case m.space <- struct{}{}:
		default: // a token is already there
		}
	}
}

// wakeConsumer sends the wake token if the consumer is parked; the one who
// clears the idle bit sends it, so the 1-buffered channel never blocks.
func (m *mailbox[T]) wakeConsumer() {
	if h := m.head.Load(); h&idleBit != 0 && m.head.CompareAndSwap(h, h&^idleBit) {
		m.wake <- struct{}{}
	}
}

// close stops the claims, wakes the producers waiting for room (they get
// errClosed) and the consumer if it is parked. It reports whether it was
// the call that closed the mailbox and found the consumer parked with every
// message taken: the consumer then only has to see it and end.
func (m *mailbox[T]) close() (drained bool) {
	t := m.tail.Or(closedBit)
	if t&closedBit != 0 {
		return false
	}
	m.passSpace()
	h := m.head.Load()
	if h&idleBit == 0 {
		return false
	}
	drained = h&^idleBit == t
	if drained {
		// Before the bit is cleared: a second close or a Shutdown that
		// finds it cleared sees this.
		m.ended.Store(true)
	}
	if m.head.CompareAndSwap(h, h&^idleBit) {
		m.wake <- struct{}{}
		return drained
	}
	return false
}

// settled reports whether the mailbox is closed, every message was taken
// and the consumer is between messages for good: parked at the end (or
// about to be), or woken to end. The consumer runs no more receive.
func (m *mailbox[T]) settled() bool {
	h, t := m.head.Load(), m.tail.Load()
	if t&closedBit != 0 && h&idleBit != 0 && h&^idleBit == t&^closedBit {
		return true
	}
	return m.ended.Load() // stored before whoever cleared the bit did
}

// closed reports whether close was called.
func (m *mailbox[T]) closed() bool { return m.tail.Load()&closedBit != 0 }

// end returns the position after the last message claimed.
func (m *mailbox[T]) end() uint64 { return m.tail.Load() &^ closedBit }

// front returns the next message in place, parking while the mailbox is
// empty; it reports false once the mailbox is closed and every message was
// taken. The consumer copies the message out, clears it and calls pop.
// (Two calls rather than one that returns the message: the copies stay in
// the caller, where the message type is known.)
func (m *mailbox[T]) front() (*T, bool) {
	p := m.next
	s := &m.ring[p&m.mask]
	if s.seq.Load() != p+1 && !m.await(p) {
		return nil, false
	}
	return &s.v, true
}

// pop passes the message front returned, which the consumer has copied out
// and cleared: it waits no more, and its slot is free.
func (m *mailbox[T]) pop() {
	p := m.next + 1
	m.next = p
	m.pos.Store(p)
	if p-m.given >= publishEvery {
		m.given = p
		m.head.Store(p)
	}
	if m.waiters.Load() > 0 {
		m.passSpace()
	}
}

// peek returns the message at position p, at or after the next one and
// before end, waiting for its producer to write it. Only the consumer calls
// it.
func (m *mailbox[T]) peek(p uint64) *T {
	if !m.published(p) {
		m.await(p)
	}
	return &m.ring[p&m.mask].v
}

// published reports whether the message at position p is written.
func (m *mailbox[T]) published(p uint64) bool {
	return m.ring[p&m.mask].seq.Load() == p+1
}

// await parks until the message at position p (the next one or later) is
// published, and reports true; or, for p == next, until the mailbox is
// closed and empty, and reports false. It stores head with the idle bit,
// looks again, and only then blocks: a producer that publishes after the bit
// is set clears it and sends the token; one that published before is seen
// by the second look.
func (m *mailbox[T]) await(p uint64) bool {
	m.given = m.next
	idle := m.next | idleBit
	for {
		m.head.Store(idle)
		m.passSpace()
		end := m.drained(p)
		if end {
			m.ended.Store(true)
		}
		if end || m.published(p) {
			// Too late to sleep: take the bit back, unless a producer (or
			// close) already did and sends the token.
			if !m.head.CompareAndSwap(idle, m.next) {
				<-m.wake
			}
			return m.published(p)
		}
		<-m.wake // whoever sends it has cleared the bit
		if m.published(p) {
			return true
		}
		if m.drained(p) {
			m.ended.Store(true)
			return false
		}
		// Woken for a later position, or by close, while the producer of p
		// still writes its message: wait again.
	}
}

// drained reports whether the mailbox is closed and position p is its end.
func (m *mailbox[T]) drained(p uint64) bool {
	t := m.tail.Load()
	return t&closedBit != 0 && t&^closedBit == p
}

// counts returns, as of one moment, how many messages were claimed, how
// many were taken, and whether the consumer is parked.
func (m *mailbox[T]) counts() (claimed, taken uint64, idle bool) {
	// Read pos again after tail, so that the two are of the same moment
	// (pos only moves on): tail - pos is then at most the capacity.
	p := m.pos.Load()
	t := m.end()
	for p2 := m.pos.Load(); p2 != p; p2 = m.pos.Load() {
		p, t = p2, m.end()
	}
	return t, p, m.head.Load()&idleBit != 0
}
