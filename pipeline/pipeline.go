package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tamego/tame/internal/sched"
	"github.com/tamego/tame/internal/scope"
)

// defaultBuffer is the capacity of the channel each stage returns, unless
// the stage was made through [Pipeline.Buffered]. A channel handoff that finds
// room in the buffer does not wake or park a goroutine, so a buffer is what
// lets neighbouring stages run without waiting for each other item by item
// (BenchmarkPipeline compares unbuffered channels). A larger buffer saves a
// little more CPU per item and costs memory at every stage
// (BenchmarkBuffer); this one keeps most of the gain while a stage of large
// values holds little memory, and Buffered asks for more.
const defaultBuffer = 64

// errBreak is the cause the pipeline is cancelled with when the loop over
// [All] stops early. Wait does not report it: stopping early is the
// consumer's choice, not a failure.
var errBreak = errors.New("pipeline: the consumer stopped early")

// A Pipeline owns the goroutines of a set of stages connected by channels.
// It is safe for concurrent use. Make one with [New]; copy the pointer
// freely. The views returned by [Pipeline.Named] and [Pipeline.Buffered]
// share the same pipeline. Stages must all be added before Wait is called (a
// sink calls it), and a Pipeline is not reused once Wait has returned.
type Pipeline struct {
	sh     *shared
	name   string // the name the next stages get in Stats, "" for their kind
	buffer int    // the capacity of the channels the next stages return
}

// shared is the state a pipeline and its views (Named, Buffered) share.
// The scope holds what makes the stages one unit of work: the context and
// its first cause, the panics, the count of stage goroutines and the state
// word the stages poll before every item (Stopped, and watched).
type shared struct {
	sc   *scope.Scope
	ctx  context.Context // sc.Context(), what the stage functions get
	done <-chan struct{} // ctx.Done()

	mu     sync.Mutex // guards stages and owned
	stages []*stage
	owned  map[any]*link // the output channels of the stages, as <-chan T
}

// watched is the pipeline's flag in the scope's state word: Stats has been
// called, and the stages publish their counters before they wait.
const watched = scope.Stopped << 1

// New returns an empty pipeline whose context is derived from ctx.
func New(ctx context.Context) *Pipeline {
	if ctx == nil {
		panic("pipeline: New: nil context")
	}
	sh := &shared{sc: scope.New(ctx, scope.FirstCause)}
	sh.ctx = sh.sc.Context()
	sh.done = sh.ctx.Done()
	return &Pipeline{sh: sh, buffer: defaultBuffer}
}

// Context returns the pipeline's context. It is done once a stage fails or
// panics, the parent context is done, or Wait has returned.
func (p *Pipeline) Context() context.Context { return p.shared().ctx }

// Wait waits until every stage goroutine has ended and returns the first
// error a stage function returned, or the cause of the parent context when
// it ended first, or nil. If a stage panicked, Wait panics with a
// *[github.com/tamego/tame.PanicError]. Every call returns (or panics) the
// same way. A stage function must not call Wait, or a sink, on its own
// pipeline.
func (p *Pipeline) Wait() error {
	sched.Point(sched.Close)
	err := p.shared().sc.Wait()
	if err == errBreak {
		return nil
	}
	return err
}

// Named returns a view of p whose stages are reported under name in
// [Pipeline.Stats], instead of the name of their function ("Map", "Batch").
func (p *Pipeline) Named(name string) *Pipeline {
	p.shared()
	v := *p
	v.name = name
	return &v
}

// Buffered returns a view of p whose stages return channels of capacity n
// (0: unbuffered). A larger buffer lets stages run further apart but holds
// more items. n < 0 panics.
func (p *Pipeline) Buffered(n int) *Pipeline {
	if n < 0 {
		panic(fmt.Sprintf("pipeline: Buffered: n must be at least 0, got %d", n))
	}
	p.shared()
	v := *p
	v.buffer = n
	return &v
}

func (p *Pipeline) shared() *shared {
	if p == nil || p.sh == nil {
		panic("pipeline: nil or zero Pipeline; make one with New")
	}
	return p.sh
}

// stageName is the name Stats shows for a stage of the given kind made
// through p.
func (p *Pipeline) stageName(kind string) string {
	if p.name != "" {
		return p.name
	}
	return kind
}

// stopped reports whether the pipeline is stopped: its context is done.
func (sh *shared) stopped() bool { return sh.sc.Stopped() }

// watching reports whether Stats has been called.
func (sh *shared) watching() bool { return sh.sc.State()&watched != 0 }

// spawn registers a stage of the given kind and starts n goroutines for it,
// running run(i, t) for i in [0, n), where t is the goroutine's own tally.
// Each goroutine's panic or Goexit is recorded and cancels the pipeline;
// then, in that goroutine, drain(i) runs (when not nil: it drains the input
// of a stage that reads a channel of its own pipeline, see send), its tally
// is published and the last goroutine of the stage to end runs last (when
// not nil), so that an output channel is closed only after the failure that
// cut it short is recorded. spawn panics, at the stage function's call
// site, when Wait was called already.
func (p *Pipeline) spawn(kind string, n int, run func(i int, t *tally), drain func(i int), last func()) {
	sh := p.shared()
	if !sh.sc.Add(n) {
		panic("pipeline: " + kind + " called after Wait; add every stage before waiting")
	}
	st := &stage{name: p.stageName(kind)}
	st.left.Store(int32(n))
	sh.mu.Lock()
	sh.stages = append(sh.stages, st)
	sh.mu.Unlock()
	for i := range n {
		go func() {
			t := &tally{s: st}
			defer sh.sc.Done()
			defer st.exited(last)
			defer t.publish()
			if drain != nil {
				defer drain(i) // after a panic or Goexit too: it stopped the pipeline first
			}
			if sh.stopped() {
				return // made with a done context, or stopped before it started: run nothing
			}
			sh.sc.Run(func() error { run(i, t); return nil })
		}()
	}
}
