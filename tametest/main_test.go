package tametest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A recorder is a testing.TB for the planted programs whose failures are
// the point of the test: it records them instead of failing the test.
// FailNow and the Fatal forms stop the program with a panic that quiet
// recovers; call them from the program's own goroutine only, as testing
// requires.
type recorder struct {
	testing.TB
	failed atomic.Bool
	mu     sync.Mutex
	msgs   []string
}

type stopProgram struct{}

func (r *recorder) Helper()                      {}
func (r *recorder) Fail()                        { r.failed.Store(true) }
func (r *recorder) Failed() bool                 { return r.failed.Load() }
func (r *recorder) FailNow()                     { r.Fail(); panic(stopProgram{}) }
func (r *recorder) Log(args ...any)              { r.note(fmt.Sprint(args...)) }
func (r *recorder) Logf(f string, args ...any)   { r.note(fmt.Sprintf(f, args...)) }
func (r *recorder) Error(args ...any)            { r.Log(args...); r.Fail() }
func (r *recorder) Errorf(f string, args ...any) { r.Logf(f, args...); r.Fail() }
func (r *recorder) Fatal(args ...any)            { r.Log(args...); r.FailNow() }
func (r *recorder) Fatalf(f string, args ...any) { r.Logf(f, args...); r.FailNow() }

func (r *recorder) note(s string) {
	r.mu.Lock()
	r.msgs = append(r.msgs, s)
	r.mu.Unlock()
}

// quiet is the harness of a planted program: its failures are recorded,
// not reported to the test.
func quiet(prog func(t testing.TB)) harness {
	return func(t *testing.T) (func(), func() bool, func(string)) {
		r := &recorder{TB: t}
		body := func() {
			defer func() {
				if v := recover(); v != nil {
					if _, ok := v.(stopProgram); !ok {
						panic(v)
					}
				}
			}()
			prog(r)
		}
		return body, r.Failed, func(s string) { r.Error(s) }
	}
}

// find explores prog as Explore would, under the seeds of name, and
// returns the first failing run instead of failing t.
func find(t *testing.T, name string, prog func(t testing.TB), opts ...Option) finding {
	cfg := config{runs: defaultRuns, depth: defaultDepth}
	for _, o := range opts {
		o.apply(&cfg)
	}
	return explore(t, name, cfg, quiet(prog), func(f *finding) {
		t.Errorf("the run under seed %#x failed the test itself", f.seed)
	})
}

// failures runs prog under the first n seeds of name, and counts the runs
// that fail: plain repetition, without the tag.
func failures(t *testing.T, name string, prog func(t testing.TB), n int) int {
	exploring.Lock()
	defer exploring.Unlock()
	s := newSearch(name, defaultDepth)
	count := 0
	for range n {
		var out outcome
		runOne(t, s.next(), quiet(prog), &out)
		if out.failed {
			count++
		}
		s.observe(out.ex.step)
	}
	return count
}

// replays runs prog n times under seed and counts the runs that fail.
func replays(t *testing.T, seed uint64, prog func(t testing.TB), n int) int {
	exploring.Lock()
	defer exploring.Unlock()
	count := 0
	for range n {
		var out outcome
		runOne(t, seed, quiet(prog), &out)
		if out.failed {
			count++
		}
	}
	return count
}
