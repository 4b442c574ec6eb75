package tametest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/internal/sched"
)

// An Option changes how [Explore] searches.
type Option interface{ apply(*config) }

type config struct {
	runs  int
	depth int
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// The defaults of Explore.
const (
	defaultRuns  = 1000
	defaultDepth = 3
)

// Runs sets how many seeds Explore tries at most. The default is 1000. n < 1
// panics.
func Runs(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("tametest: Runs must be at least 1, got %d", n))
	}
	return optionFunc(func(c *config) { c.runs = n })
}

// Depth sets the bug depth the PCT runs target: how many ordering
// constraints between goroutines must all hold for the bug to show. The
// default is 3. d < 1 or d > 255 panics.
func Depth(d int) Option {
	if d < 1 || d > maxDepth {
		panic(fmt.Sprintf("tametest: Depth must be between 1 and %d, got %d", maxDepth, d))
	}
	return optionFunc(func(c *config) { c.depth = d })
}

// A harness adapts a body to a run: given the run's *testing.T, it returns
// the function to run, whether the run has failed so far, and how to fail
// it (for a panic of the body).
type harness func(t *testing.T) (body func(), failed func() bool, fail func(string))

// direct is the harness of the public API: the body gets the run's T.
func direct(body func(t *testing.T)) harness {
	return func(t *testing.T) (func(), func() bool, func(string)) {
		return func() { body(t) }, t.Failed, func(s string) { t.Error(s) }
	}
}

// An outcome is what one run left.
type outcome struct {
	ex       *explorer
	failed   bool
	deadlock string   // the bubble's deadlock report, if any
	blocked  []string // its goroutines, when it deadlocked
}

// exploring serializes explorations: one hook at a time.
var exploring sync.Mutex

// runOne runs h once, in a synctest bubble, under the plan of seed. When
// the body fails its *testing.T, synctest.Test fails t and runOne does not
// return (t.FailNow): the caller reports from a deferred call.
func runOne(t *testing.T, seed uint64, h harness, out *outcome) {
	ex := newExplorer(decode(seed))
	*out = outcome{ex: ex}
	uninstall := sched.Install(ex)
	defer uninstall()
	if sched.Enabled {
		stop, done := make(chan struct{}), make(chan struct{})
		go ex.watch(stop, done)
		defer func() {
			close(stop)
			<-done
		}()
	}
	var failed func() bool
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		err, ok := v.(error)
		if !ok || !strings.HasPrefix(err.Error(), "deadlock: ") {
			panic(v)
		}
		out.failed = true
		out.deadlock = err.Error()
		out.blocked = blockedIn(ex.bubble)
	}()
	synctest.Test(t, func(t *testing.T) {
		body, f, fail := h(t)
		failed = f
		ex.run(t, body, f, fail)
	})
	out.failed = failed()
}

// A finding is the failing run of an exploration.
type finding struct {
	run, runs int
	seed      uint64
	outcome
}

// explore runs h under cfg.runs seeds until one fails, and returns it (run
// 0: none failed). When a run fails t, explore does not return: onExit
// gets the finding as explore's goroutine exits.
func explore(t *testing.T, name string, cfg config, h harness, onExit func(*finding)) finding {
	exploring.Lock()
	defer exploring.Unlock()
	s := newSearch(name, cfg.depth)
	f := finding{runs: cfg.runs}
	done := false
	defer func() {
		if !done && f.ex != nil {
			f.failed = true
			onExit(&f)
		}
	}()
	for i := 1; i <= cfg.runs; i++ {
		f.run, f.seed = i, s.next()
		runOne(t, f.seed, h, &f.outcome)
		if f.failed {
			done = true
			return f
		}
		s.observe(f.ex.step)
	}
	done = true
	return finding{runs: cfg.runs}
}

// Explore runs body many times, each under its own seed that chooses the
// order in which goroutines pass tame's synchronization points, and fails t
// at the first run that fails, with the seed, the last points before the
// failure and the line that replays it.
//
// Explore must be called from the test's goroutine. Explorations run one at
// a time: parallel tests that call Explore wait for each other.
func Explore(t *testing.T, body func(t *testing.T), opts ...Option) {
	t.Helper()
	if body == nil {
		panic("tametest: Explore called with a nil body")
	}
	cfg := config{runs: defaultRuns, depth: defaultDepth}
	for _, o := range opts {
		o.apply(&cfg)
	}
	if !sched.Enabled {
		t.Logf("tametest: built without the tag tametest: the schedule was not perturbed; body ran as plain repetition")
	}
	pkg := callerPackage(1)
	report := func(f *finding) { t.Error(describe(f, t.Name(), pkg)) }
	f := explore(t, t.Name(), cfg, direct(body), report)
	if f.run != 0 {
		report(&f)
		t.FailNow()
	}
}

// Replay runs body once under seed, as a run of [Explore] did: the same
// seed makes the same decisions at the same points. It fails t as Explore
// does when the run fails.
func Replay(t *testing.T, seed uint64, body func(t *testing.T)) {
	t.Helper()
	if body == nil {
		panic("tametest: Replay called with a nil body")
	}
	if !sched.Enabled {
		t.Logf("tametest: built without the tag tametest: the schedule was not perturbed; body ran once as it is")
	}
	exploring.Lock()
	defer exploring.Unlock()
	pkg := callerPackage(1)
	f := finding{run: 1, runs: 1, seed: seed}
	done := false
	defer func() {
		if !done && f.ex != nil {
			f.failed = true
			t.Error(describe(&f, t.Name(), pkg))
		}
	}()
	runOne(t, seed, direct(body), &f.outcome)
	done = true
	if f.failed {
		t.Error(describe(&f, t.Name(), pkg))
		t.FailNow()
	}
}

// describe writes the report of a failing run.
func describe(f *finding, name, pkg string) string {
	var b strings.Builder
	p := decode(f.seed)
	what := "failed"
	if f.deadlock != "" || f.ex.deadlock != nil {
		what = "deadlocked"
	}
	how := fmt.Sprintf("PCT, depth %d, %d expected steps", p.depth, p.steps)
	if p.random {
		how = "a random walk"
	}
	if f.runs > 1 {
		fmt.Fprintf(&b, "tametest: run %d of %d %s under seed %#x (%s)\n", f.run, f.runs, what, f.seed, how)
	} else {
		fmt.Fprintf(&b, "tametest: the run %s under seed %#x (%s)\n", what, f.seed, how)
	}
	if !sched.Enabled {
		b.WriteString("The schedule was not perturbed (built without the tag tametest): the seed does not replay it.\n")
	}
	if f.deadlock != "" || f.ex.deadlock != nil {
		b.WriteString("No goroutine could move")
		if f.deadlock != "" {
			fmt.Fprintf(&b, " (%s)", f.deadlock)
		}
		b.WriteString(". Who waits where:\n")
		for _, w := range f.ex.deadlock {
			fmt.Fprintf(&b, "\t%s\n", w)
		}
		for _, w := range f.blocked {
			fmt.Fprintf(&b, "\t%s\n", w)
		}
	}
	if sched.Enabled {
		steps := f.ex.failAt
		if steps == nil {
			f.ex.mu.Lock()
			steps = f.ex.lastSteps()
			f.ex.mu.Unlock()
		}
		fmt.Fprintf(&b, "The last %d synchronization points before the failure (G1, G2...: goroutines in the order they first stopped):\n", len(steps))
		formatTrace(&b, steps)
		fmt.Fprintf(&b, "Replay it with\n\ttametest.Replay(t, %#x, body)\nor explore again with\n\tgo test -tags tametest -run '%s' %s\n", f.seed, runPattern(name), pkg)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
