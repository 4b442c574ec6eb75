package pipeline

import "sync/atomic"

// publishEvery is how many items a stage goroutine counts locally before it
// adds them to the counters that [Pipeline.Stats] reads. Publishing costs
// three atomic adds, about as much as a channel handoff here: done for every
// item, it would make a pipeline of small stages a third slower. So a stage
// goroutine publishes every 64 items and when it ends; and, once Stats has
// been called, also before it waits on a channel, so that the counters of a
// stage that waits are exact (in a pipeline whose stages take turns item by
// item, that is once per item again: the cost is paid only when someone
// watches).
const publishEvery = 64

// StageStats is a snapshot of the counters of one stage.
//
// In counts the items the stage received (for a source, the items it took
// from its slice or sequence), Out the values it sent on its output channel
// (for [Batch], the batches; for [Broadcast], one per item and output), and
// InFlight the items received and not yet finished: being handled by the
// stage function, waiting in the reordering window of [OrderedMap], or held
// in the current batch of [Batch]. Items waiting in the channel between two
// stages belong to neither: they are the upstream stage's Out minus the
// downstream stage's In. Once a stage has ended, InFlight is 0: what it had
// not sent when the pipeline stopped is dropped.
//
// A StageStats is a plain value, a snapshot that does not change once
// [Pipeline.Stats] has returned it; copy it freely.
type StageStats struct {
	Name     string // given with [Pipeline.Named], or the stage function: "Map", "Batch", ...
	In       int64
	Out      int64
	InFlight int64
}

// Stats returns a snapshot of the counters of every stage, sinks included,
// in the order the stages were added. It is safe to call at any time, also
// while the pipeline runs, and never blocks on the stages.
//
// Each stage goroutine counts locally and publishes its counts every 64
// items and when it ends, so a running stage's figures lag by at most 63
// items per goroutine; once Stats has been called, a goroutine also
// publishes before it waits on a channel, so that the figures of a stage
// that waits (on its input, or on a full output) are exact. Call Stats once
// when the pipeline starts, if a later snapshot of a stall must be exact:
// a goroutine that was already waiting publishes when it next waits. The
// figures of a stage that has ended are exact.
func (p *Pipeline) Stats() []StageStats {
	c := p.core()
	c.state.Or(watched)
	c.mu.Lock()
	stages := append([]*stage(nil), c.stages...)
	c.mu.Unlock()
	out := make([]StageStats, len(stages))
	for i, s := range stages {
		out[i] = s.snapshot()
	}
	return out
}

// stage holds the published counters of one stage.
type stage struct {
	name          string
	in, out, done atomic.Int64 // done: items finished, sent or dropped
	left          atomic.Int32 // goroutines of the stage still running
}

// sinkStage registers a stage that runs in the caller's goroutine (a sink).
func (p *Pipeline) sinkStage(kind string) *stage {
	c := p.core()
	s := &stage{name: p.stageName(kind)}
	s.left.Store(1)
	c.mu.Lock()
	c.stages = append(c.stages, s)
	c.mu.Unlock()
	return s
}

// snapshot reads done before in: every goroutine adds its in before its
// done, so InFlight is never negative.
func (s *stage) snapshot() StageStats {
	done := s.done.Load()
	out := s.out.Load()
	in := s.in.Load()
	return StageStats{Name: s.name, In: in, Out: out, InFlight: max(in-done, 0)}
}

// exited is called by each goroutine of the stage when it ends, after it
// has published its tally. The last one marks every item received as
// finished (what was not sent was dropped because the pipeline stopped) and
// runs last, typically closing the output channel.
func (s *stage) exited(last func()) {
	if s.left.Add(-1) != 0 {
		return
	}
	s.done.Store(s.in.Load())
	if last != nil {
		last()
	}
}

// A tally counts the items of one stage goroutine locally; publish adds them
// to the stage's counters. It is written for every item, so it fills a
// 128-byte block of its own: the tallies of two stages, allocated one after
// the other, would otherwise share a cache line, and every item would move
// that line between the cores running them.
type tally struct {
	s             *stage
	in, out, done int64 // counted since the last publish
	_             [96]byte
}

// received counts an item taken in.
func (t *tally) received() {
	t.in++
	if t.in >= publishEvery {
		t.publish()
	}
}

// waiting publishes the local counts when Stats has been called: the
// goroutine is about to wait on a channel.
func (t *tally) waiting(c *core) {
	if c.watching() {
		t.publish()
	}
}

// publish adds the local counts to the stage, in before done (see snapshot).
func (t *tally) publish() {
	if t.in != 0 {
		t.s.in.Add(t.in)
		t.in = 0
	}
	if t.out != 0 {
		t.s.out.Add(t.out)
		t.out = 0
	}
	if t.done != 0 {
		t.s.done.Add(t.done)
		t.done = 0
	}
}
