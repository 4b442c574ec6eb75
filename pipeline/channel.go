package pipeline

import (
	"fmt"
	"sync/atomic"

	"github.com/tamego/tame/internal/pad"
)

// A link is what a stage knows about its output channel: whether a stage of
// the same pipeline receives from it. It is read for every item sent, so the
// padding keeps it off the cache line of whatever is allocated after it,
// maybe a counter that another goroutine writes for every item.
type link struct {
	consumed atomic.Bool
	_        pad.Line
}

// output makes the output channel of a stage and records that p owns it.
func output[T any](p *Pipeline) (chan T, *link) {
	sh := p.shared()
	ch := make(chan T, p.buffer)
	l := new(link)
	sh.mu.Lock()
	if sh.owned == nil {
		sh.owned = make(map[any]*link)
	}
	sh.owned[(<-chan T)(ch)] = l
	sh.mu.Unlock()
	return ch, l
}

// owns reports whether in is the output of a stage of p, a channel whose
// sender closes it as soon as the pipeline is stopped, and records that a
// stage receives from it: the caller promises to drain it once the pipeline
// is stopped (see send).
func owns[T any](p *Pipeline, in <-chan T) bool {
	sh := p.shared()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	l := sh.owned[in]
	if l != nil {
		l.consumed.Store(true)
	}
	return l != nil
}

// drain receives from in, when own, until it is closed. Every stage that
// receives from a channel of its own pipeline drains it when it ends, after
// the pipeline is stopped (or in is closed): the sender may be blocked in a
// plain send (see send), and stops at its next item.
func drain[T any](in <-chan T, own bool) {
	if own {
		for range in {
		}
	}
}

// fast reports whether the pipeline is running and nobody watches its
// counters: one atomic load. Then recv from a channel of the pipeline's own
// (own) is a plain receive, and send on a channel that another stage reads
// (l.consumed) a plain send, with no publish before waiting. The hot loops
// (Map, the sources, the sinks) write these fast paths out, and call recv or
// send otherwise.
func (sh *shared) fast() bool { return sh.sc.State() == 0 }

// recv receives the next item from in. It reports false when in is closed
// or the pipeline is stopped; it never takes an item once the pipeline is
// stopped. Before it waits, it publishes t when the counters are watched.
//
// own says that in is closed by its sender once the pipeline is stopped
// (the output of a stage of the same pipeline): then a plain receive is
// enough to wake up at the end. Any other channel, one of the caller's, is
// received from in a select with the pipeline's done channel.
func recv[T any](sh *shared, in <-chan T, own bool, t *tally) (v T, ok bool) {
	if sh.stopped() {
		return v, false
	}
	if own {
		if sh.watching() && len(in) == 0 {
			t.publish()
		}
		v, ok = <-in
		return v, ok
	}
	select {
	case v, ok = <-in:
		return v, ok
	default:
	}
	t.waiting(sh)
	select {
	case v, ok = <-in:
		return v, ok
	case <-sh.done:
		return v, false
	}
}

// send sends v on out. It reports false, without sending, when the pipeline
// is stopped. Before it waits, it publishes t when the counters are watched.
//
// When a stage of the same pipeline receives from out (l.consumed), the send
// is a plain one: that stage drains out once the pipeline is stopped, so the
// send cannot block forever. A plain send that waits costs much less than a
// select, which locks and queues on both channels every time it waits and
// again when it wakes. A send on a channel read by anyone else (the caller,
// by hand) waits in a select with the pipeline's done channel.
func send[T any](sh *shared, out chan<- T, v T, l *link, t *tally) bool {
	if sh.stopped() {
		return false
	}
	if l != nil && l.consumed.Load() {
		if sh.watching() && len(out) == cap(out) {
			t.publish()
		}
		out <- v
		return true
	}
	select {
	case out <- v:
		return true
	default:
	}
	t.waiting(sh)
	select {
	case out <- v:
		return true
	case <-sh.done:
		return false
	}
}

// mustFunc panics when fn is nil, naming the stage function and argument.
func mustFunc(kind, arg string, isNil bool) {
	if isNil {
		panic("pipeline: " + kind + ": " + arg + " must not be nil")
	}
}

// mustChan panics when the input channel is nil: a nil channel never
// delivers, so the stage could only wait for the pipeline to be cancelled.
func mustChan(kind string, isNil bool) {
	if isNil {
		panic("pipeline: " + kind + ": nil input channel")
	}
}

// mustWorkers panics when workers < 1.
func mustWorkers(kind string, workers int) {
	if workers < 1 {
		panic(fmt.Sprintf("pipeline: %s: workers must be at least 1, got %d", kind, workers))
	}
}
