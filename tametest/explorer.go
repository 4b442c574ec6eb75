package tametest

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/internal/goid"
	"github.com/tamego/tame/internal/sched"
)

// horizon is how long, on the bubble's fake clock, the explorer waits for a
// goroutine to reach a point before it calls the run a deadlock. The fake
// clock jumps to it at once when nothing else can move.
const horizon = 1000 * time.Hour

// traceLen is how many synchronization points a report shows.
const traceLen = 24

// An explorer runs one seed's schedule. Inside the run's bubble, every
// goroutine that reaches a point parks on its own channel; the scheduler
// goroutine waits until every goroutine of the bubble is durably blocked
// (parked at a point, or blocked elsewhere), then releases one parked
// goroutine, chosen by PCT: the highest priority among those that can
// move, the running one lowered at each change point.
type explorer struct {
	plan plan

	// Set inside the bubble before the body starts.
	bubble uint64
	root   uint64        // the id of the body's goroutine
	arrive chan struct{} // a goroutine parked, or the body ended
	failed func() bool   // whether the run has failed so far

	releases  atomic.Uint64 // lock releases so far, for spinners
	walkState uint64        // the random walk's state (plans of depth 0)

	mu         sync.Mutex
	gs         map[uint64]*gor // by goroutine id
	outside    map[uint64]bool // goroutines seen at points, not in the bubble
	parked     []*gor
	keys       map[uint64]int // goroutines seen per key, for priorities
	labels     int
	step       int
	rootDone   bool
	retried    bool // spinners were let retry once since the last step
	failedSeen bool
	trace      [traceLen]record
	failAt     []record // the trace when the failure was first seen
	deadlock   []string // who waits where, when the run deadlocked
}

// A gor is one goroutine of the run, as the explorer sees it.
type gor struct {
	id       uint64
	label    int
	prio     uint64
	key      uint64 // where it stopped first
	parent   uint64 // the id of the goroutine that started it
	ident    uint64 // who it is, the same in every run of the schedule
	children int    // goroutines it started that have an ident
	fresh    bool
	wake     chan struct{}
	kind     sched.Kind
	pcs      [16]uintptr
	npcs     int
	spinning bool   // failed to take a lock: waits for a release
	retry    bool   // let retry although no lock was released
	seenRel  uint64 // releases when it was last let go
}

// A record is one step of the schedule: which goroutine passed which point.
type record struct {
	step     int
	label    int
	kind     sched.Kind
	spinning bool
	pcs      [16]uintptr
	npcs     int
}

func newExplorer(p plan) *explorer {
	return &explorer{plan: p, walkState: p.rnd, gs: make(map[uint64]*gor), outside: make(map[uint64]bool), keys: make(map[uint64]int)}
}

// Point implements sched.Hook: it parks the calling goroutine until the
// scheduler lets it go. Goroutines outside the run's bubble pass.
func (ex *explorer) Point(k sched.Kind, spinning bool) bool {
	id := goid.ID()
	ex.mu.Lock()
	g := ex.gs[id]
	if g == nil {
		// A goroutine seen for the first time: is it in the run's bubble?
		// Goroutine ids are never reused, so the answer is kept.
		out := ex.outside[id]
		ex.mu.Unlock()
		if out {
			return false
		}
		if _, bubble := goid.Bubble(); bubble == 0 || bubble != ex.bubble {
			ex.mu.Lock()
			ex.outside[id] = true
			ex.mu.Unlock()
			return false
		}
		g = &gor{id: id, fresh: true, wake: make(chan struct{}, 1), parent: goid.Creator()}
		ex.mu.Lock()
		ex.gs[id] = g
	}
	g.kind, g.spinning = k, spinning
	// Skip runtime.Callers, Point and the sched function that called it.
	g.npcs = runtime.Callers(3, g.pcs[:])
	if g.fresh {
		g.key = frameKey(g.pcs[:g.npcs])
	}
	ex.parked = append(ex.parked, g)
	ex.mu.Unlock()
	ex.signal()
	<-g.wake
	return true
}

// Progress implements sched.Hook: a lock was released.
func (ex *explorer) Progress() { ex.releases.Add(1) }

func (ex *explorer) signal() {
	select {
	case ex.arrive <- struct{}{}:
	default:
	}
}

// endRoot is the last cleanup of the body's goroutine: no user code of the
// body runs after it.
func (ex *explorer) endRoot() {
	ex.mu.Lock()
	ex.rootDone = true
	ex.noteFailure()
	if !ex.failedSeen {
		ex.failAt = ex.lastSteps()
	}
	ex.mu.Unlock()
	ex.signal()
}

// run runs body in the calling goroutine, the root of the run's bubble,
// with the scheduler beside it.
func (ex *explorer) run(t *testing.T, body func(), failed func() bool, fail func(string)) {
	ex.root, ex.bubble = goid.Bubble()
	ex.arrive = make(chan struct{}, 1)
	ex.failed = failed
	// Registered first, so it runs last, after the body's own cleanups.
	t.Cleanup(ex.endRoot)
	if sched.Enabled {
		go ex.schedule()
	}
	defer func() {
		if v := recover(); v != nil {
			fail(panicMessage(v))
		}
	}()
	body()
}

// schedule is the scheduler goroutine of a run.
func (ex *explorer) schedule() {
	for {
		synctest.Wait()
		ex.mu.Lock()
		ex.noteFailure()
		if g := ex.choose(); g != nil {
			ex.mu.Unlock()
			g.wake <- struct{}{}
			continue
		}
		if ex.rootDone && len(ex.parked) == 0 {
			ex.mu.Unlock()
			return
		}
		ex.mu.Unlock()
		// Nothing can move now: wait for a goroutine that a timer wakes.
		timer := time.NewTimer(horizon)
		select {
		case <-ex.arrive:
			timer.Stop()
			continue
		case <-timer.C:
		}
		ex.mu.Lock()
		if !ex.retried && ex.spinners() {
			// A lock may have been released where no hook saw it: let
			// the goroutines that wait for locks try once more.
			ex.retried = true
			for _, g := range ex.parked {
				g.retry = true
			}
			ex.mu.Unlock()
			continue
		}
		// A deadlock: the goroutines stay where they are, and the bubble
		// reports it once the body's goroutine is blocked too.
		ex.deadlock = ex.waiters()
		if !ex.failedSeen {
			ex.failAt = ex.lastSteps()
		}
		ex.mu.Unlock()
		return
	}
}

// noteFailure keeps the trace as it was when the failure was first seen.
func (ex *explorer) noteFailure() {
	if !ex.failedSeen && ex.failed != nil && ex.failed() {
		ex.failedSeen = true
		ex.failAt = ex.lastSteps()
	}
}

func (ex *explorer) spinners() bool {
	for _, g := range ex.parked {
		if g.spinning {
			return true
		}
	}
	return false
}

// choose picks the goroutine to let go, takes it out of parked and records
// the step; nil when no parked goroutine can move.
func (ex *explorer) choose() *gor {
	ex.prioritize()
	rel := ex.releases.Load()
	best := -1
	pick := func() {
		best = -1
		for i, g := range ex.parked {
			if g.spinning && !g.retry && rel == g.seenRel {
				continue
			}
			if best < 0 || g.prio > ex.parked[best].prio ||
				g.prio == ex.parked[best].prio && g.label < ex.parked[best].label {
				best = i
			}
		}
	}
	pick()
	if best < 0 {
		return nil
	}
	ex.step++
	if ex.plan.random {
		best = ex.walk(rel)
	} else if p, ok := ex.plan.changes[ex.step]; ok {
		ex.parked[best].prio = p
		pick()
	}
	g := ex.parked[best]
	ex.parked = slices.Delete(ex.parked, best, best+1)
	if !g.spinning {
		ex.retried = false
	}
	g.retry = false
	g.seenRel = rel
	ex.trace[ex.step%traceLen] = record{step: ex.step, label: g.label, kind: g.kind, spinning: g.spinning, pcs: g.pcs, npcs: g.npcs}
	return g
}

// walk picks one of the parked goroutines that can move, uniformly, and
// returns its index in parked: the random walk of the plans of depth 0.
// The candidates are taken in the order of their labels, which does not
// depend on the order in which they parked.
func (ex *explorer) walk(rel uint64) int {
	var can []int
	for i, g := range ex.parked {
		if !g.spinning || g.retry || rel != g.seenRel {
			can = append(can, i)
		}
	}
	slices.SortFunc(can, func(a, b int) int { return cmp.Compare(ex.parked[a].label, ex.parked[b].label) })
	return can[splitmix(&ex.walkState)%uint64(len(can))]
}

// prioritize gives the goroutines that parked for the first time their
// label and priority. A priority depends on the seed and on who the
// goroutine is: the body's goroutine, or the n-th goroutine started by a
// goroutine that has an identity already (else, where it stopped first).
// It does not depend on goroutine ids or on the lines of the code, so a
// goroutine keeps its priority in every run of the schedule, also after a
// log line was added to the body. Goroutines that appear together are taken
// in the order of their ids, which is the order of their creation when one
// goroutine started them.
func (ex *explorer) prioritize() {
	var fresh []*gor
	for _, g := range ex.parked {
		if g.fresh {
			fresh = append(fresh, g)
		}
	}
	if len(fresh) == 0 {
		return
	}
	slices.SortFunc(fresh, func(a, b *gor) int { return cmp.Compare(a.id, b.id) })
	for _, g := range fresh {
		switch p := ex.gs[g.parent]; {
		case g.id == ex.root:
			g.ident = 1
		case p != nil && p.ident != 0:
			g.ident = mix(p.ident, uint64(p.children), 0x5eed)
			p.children++
		default:
			n := ex.keys[g.key]
			ex.keys[g.key] = n + 1
			g.ident = mix(g.key, uint64(n), 0x6e7)
		}
		ex.labels++
		g.label = ex.labels
		g.prio = 1<<32 | mix(ex.plan.rnd, g.ident, 0)&(1<<32-1)
		g.fresh = false
	}
}

// lastSteps returns the recorded steps, oldest first.
func (ex *explorer) lastSteps() []record {
	var out []record
	for s := max(1, ex.step-traceLen+1); s <= ex.step; s++ {
		out = append(out, ex.trace[s%traceLen])
	}
	if out == nil {
		out = []record{}
	}
	return out
}
