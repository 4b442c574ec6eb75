package pipeline

import (
	"sync/atomic"

	"github.com/tamego/tame/internal/pad"
	"github.com/tamego/tame/internal/sched"
)

// statsEvery is how many items a stage goroutine counts locally before it
// adds them to the counters that [Pipeline.Stats] reads. Publishing costs
// atomic adds, about as much as a channel handoff: done for every item, it
// would slow a pipeline of small stages markedly (compare tame and
// tame-watched in BenchmarkPipeline). So a stage goroutine publishes every
// statsEvery items and when it ends; and, once Stats has been called, also
// before it waits on a channel, so that the counters of a stage that waits
// are exact (the cost is paid only when someone watches).
const statsEvery = 64

// StageStats is a snapshot of the counters of one stage. In counts the items
// it received, Out the values it sent (for Batch, the batches; for
// Broadcast, one per item and output), and Running the items received and
// not yet finished, those held by OrderedMap or Batch included. Items in a
// channel between two stages are the upstream Out minus the downstream In.
// Once a stage has ended, Running is 0: what it had not sent is dropped.
type StageStats struct {
	Name    string // given with [Pipeline.Named], or the stage function: "Map", "Batch", ...
	In      uint64
	Out     uint64
	Running int
}

// Stats returns a snapshot of the counters of every stage, sinks included,
// in the order the stages were added. It never blocks on the stages. The
// figures of a busy stage may lag behind; those of an ended stage, or of one
// that began waiting on a channel after a first call to Stats, are exact.
func (p *Pipeline) Stats() []StageStats {
	sh := p.shared()
	sh.sc.Mark(watched)
	sh.mu.Lock()
	stages := append([]*stage(nil), sh.stages...)
	sh.mu.Unlock()
	out := make([]StageStats, len(stages))
	for i, s := range stages {
		out[i] = s.snapshot()
	}
	return out
}

// stage holds the published counters of one stage.
type stage struct {
	name          string
	in, out, done atomic.Uint64 // done: items finished, sent or dropped
	left          atomic.Int32  // goroutines of the stage still running
}

// sinkStage registers a stage that runs in the caller's goroutine (a sink).
func (p *Pipeline) sinkStage(kind string) *stage {
	sh := p.shared()
	s := &stage{name: p.stageName(kind)}
	s.left.Store(1)
	sh.mu.Lock()
	sh.stages = append(sh.stages, s)
	sh.mu.Unlock()
	return s
}

// snapshot reads done before in: every goroutine adds its in before its
// done, so done <= in.
func (s *stage) snapshot() StageStats {
	done := s.done.Load()
	out := s.out.Load()
	in := s.in.Load()
	st := StageStats{Name: s.name, In: in, Out: out}
	if in > done {
		st.Running = int(in - done)
	}
	return st
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
// to the stage's counters. It is written for every item, so the padding
// keeps it off the cache line of the next allocation: the tallies of two
// stages, allocated one after the other, would otherwise share a line, and
// every item would move that line between the goroutines running them.
type tally struct {
	s             *stage
	in, out, done uint64 // counted since the last publish
	_             pad.Line
}

// received counts an item taken in.
func (t *tally) received() {
	sched.Point(sched.Handoff)
	t.in++
	if t.in >= statsEvery {
		t.publish()
	}
}

// waiting publishes the local counts when Stats has been called: the
// goroutine is about to wait on a channel.
func (t *tally) waiting(sh *shared) {
	if sh.watching() {
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
