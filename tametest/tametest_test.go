package tametest

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tamego/tame/internal/sched"
	"github.com/tamego/tame/lock"
)

// counter is a correct program: every increment is one Do.
func counter(t testing.TB) {
	c := lock.New(0)
	done := make(chan struct{})
	for range 2 {
		go func() {
			c.Do(func(n *int) { *n++ })
			done <- struct{}{}
		}()
	}
	<-done
	<-done
	if n := lock.With(c, func(n *int) int { return *n }); n != 2 {
		t.Errorf("counter = %d, want 2", n)
	}
}

func TestExplorePassesACorrectProgram(t *testing.T) {
	var runs atomic.Int32
	Explore(t, func(t *testing.T) {
		runs.Add(1)
		counter(t)
	}, Runs(50), Depth(2))
	if n := runs.Load(); n != 50 {
		t.Errorf("body ran %d times, want 50", n)
	}
}

func TestReplayPassesACorrectProgram(t *testing.T) {
	var runs atomic.Int32
	Replay(t, 0x0300000f12345678, func(t *testing.T) {
		runs.Add(1)
		counter(t)
	})
	if n := runs.Load(); n != 1 {
		t.Errorf("body ran %d times, want 1", n)
	}
}

func TestBadArgumentsPanic(t *testing.T) {
	for _, c := range []struct {
		name, want string
		f          func()
	}{
		{"Runs(0)", "tametest: Runs must be at least 1, got 0", func() { Runs(0) }},
		{"Depth(0)", "tametest: Depth must be between 1 and 255, got 0", func() { Depth(0) }},
		{"Depth(256)", "tametest: Depth must be between 1 and 255, got 256", func() { Depth(256) }},
		{"Explore(nil)", "tametest: Explore called with a nil body", func() { Explore(t, nil) }},
		{"Replay(nil)", "tametest: Replay called with a nil body", func() { Replay(t, 1, nil) }},
	} {
		got := func() (v any) {
			defer func() { v = recover() }()
			c.f()
			return nil
		}()
		if got != c.want {
			t.Errorf("%s panicked with %v, want %q", c.name, got, c.want)
		}
	}
}

// TestSeedsKeepTheirPlan checks that a seed carries its depth and
// expected steps, so that Replay needs nothing else.
func TestSeedsKeepTheirPlan(t *testing.T) {
	for _, c := range []struct{ depth, steps int }{{1, 1}, {3, 40}, {255, maxSteps}, {2, maxSteps + 10}} {
		p := decode(makeSeed(c.depth, c.steps, 0xabcdef))
		if p.depth != c.depth || p.steps != min(c.steps, maxSteps) || p.rnd != 0xabcdef {
			t.Errorf("decode(makeSeed(%d, %d, 0xabcdef)) = depth %d, steps %d, rnd %#x", c.depth, c.steps, p.depth, p.steps, p.rnd)
		}
		if p.random {
			t.Errorf("depth %d: a random walk, want PCT", c.depth)
		}
		if len(p.changes) > c.depth-1 {
			t.Errorf("depth %d: %d change points, want at most %d", c.depth, len(p.changes), c.depth-1)
		}
	}
}

// TestSearchAlternatesPCTAndWalk checks that every other seed of an
// exploration is a random walk, and that the others have the depth asked.
func TestSearchAlternatesPCTAndWalk(t *testing.T) {
	s := newSearch("x", 2)
	for i := 1; i <= 6; i++ {
		p := decode(s.next())
		if want := i%2 == 0; p.random != want || !p.random && p.depth != 2 {
			t.Errorf("seed %d: random %v, depth %d; want random %v, depth 2", i, p.random, p.depth, want)
		}
	}
}

// TestReplayIsExact runs the seed of a failing schedule again and again:
// for a program that synchronizes only through tame, every run passes the
// same points in the same order.
func TestReplayIsExact(t *testing.T) {
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	f := find(t, "TestReplayIsExact", checkThenAct)
	if f.run == 0 {
		t.Fatal("no failing run found")
	}
	want := shape(f.ex.failAt)
	for i := range 10 {
		var out outcome
		func() {
			exploring.Lock()
			defer exploring.Unlock()
			runOne(t, f.seed, quiet(checkThenAct), &out)
		}()
		if got := shape(out.ex.failAt); got != want || !out.failed {
			t.Fatalf("replay %d: failed %v, steps\n%s\nwant failed, steps\n%s", i, out.failed, got, want)
		}
	}
}

// shape writes a schedule's steps without the addresses.
func shape(steps []record) string {
	var b strings.Builder
	for _, r := range steps {
		b.WriteString(strconv.Itoa(r.step) + " G" + strconv.Itoa(r.label) + " " + r.kind.String() + " " + userFrame(r.pcs[:r.npcs]) + "\n")
	}
	return b.String()
}

// child runs this test binary again on the test name, with TAMETEST_CHILD
// set to mode, and returns its output; the child must fail.
func child(t *testing.T, name, mode string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), "TAMETEST_CHILD="+mode), env...)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child %s passed, want it to fail; output:\n%s", mode, out)
	}
	return string(out)
}

var seedLine = regexp.MustCompile(`tametest\.Replay\(t, (0x[0-9a-f]+), body\)`)

// TestExploreReportsAndReplays explores a buggy program in a child
// process, checks the report, and replays the seed it gives.
func TestExploreReportsAndReplays(t *testing.T) {
	switch os.Getenv("TAMETEST_CHILD") {
	case "explore":
		Explore(t, func(t *testing.T) { checkThenAct(t) })
		return
	case "replay":
		seed, _ := strconv.ParseUint(os.Getenv("TAMETEST_SEED"), 0, 64)
		Replay(t, seed, func(t *testing.T) { checkThenAct(t) })
		return
	}
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	out := child(t, "TestExploreReportsAndReplays", "explore")
	for _, want := range []string{
		"balance = -60, want at least 0",
		"failed under seed 0x",
		"synchronization points before the failure",
		"Acquire",
		"planted_test.go:",
		"go test -tags tametest -run '^TestExploreReportsAndReplays$' github.com/tamego/tame/tametest",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q; output:\n%s", want, out)
		}
	}
	m := seedLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no Replay line in the report; output:\n%s", out)
	}
	out = child(t, "TestExploreReportsAndReplays", "replay", "TAMETEST_SEED="+m[1])
	if !strings.Contains(out, "the run failed under seed "+m[1]) || !strings.Contains(out, "balance = -60") {
		t.Errorf("the replay of %s did not fail the same way; output:\n%s", m[1], out)
	}
}

// TestExploreReportsADeadlock explores two goroutines that take two locks
// in opposite orders, in a child process (the deadlocked goroutines stay).
func TestExploreReportsADeadlock(t *testing.T) {
	if os.Getenv("TAMETEST_CHILD") == "deadlock" {
		Explore(t, func(t *testing.T) { lockOrder(t) })
		return
	}
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	out := child(t, "TestExploreReportsADeadlock", "deadlock")
	if lockcheck {
		// The lock-order checker sees the inversion before it deadlocks.
		if !strings.Contains(out, "lock: lock order inversion") {
			t.Errorf("the lock-order checker did not report the inversion; output:\n%s", out)
		}
		return
	}
	for _, want := range []string{
		"deadlocked under seed 0x",
		"waits for a lock another goroutine holds at planted_test.go:",
		"Replay it with",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q; output:\n%s", want, out)
		}
	}
}

// TestWithoutTheTagBodyRunsEveryTime checks plain repetition: without the
// tag, Explore runs body under every seed.
func TestWithoutTheTagBodyRunsEveryTime(t *testing.T) {
	if sched.Enabled {
		t.Skip("without the tag only")
	}
	var runs atomic.Int32
	Explore(t, func(t *testing.T) { runs.Add(1) }, Runs(7))
	if n := runs.Load(); n != 7 {
		t.Errorf("body ran %d times, want 7", n)
	}
}

// TestWatchdogReportsAHang holds a sync.Mutex across a point while another
// goroutine waits for it, in a child process: the explorer cannot see that
// goroutine block, and the watchdog crashes the run with the reason.
func TestWatchdogReportsAHang(t *testing.T) {
	if os.Getenv("TAMETEST_CHILD") == "hang" {
		stuckAfter = time.Second
		Explore(t, func(t *testing.T) {
			var mu sync.Mutex
			g := lock.New(0)
			var wg sync.WaitGroup
			for range 2 {
				wg.Go(func() {
					mu.Lock()
					g.Do(func(n *int) { *n++ })
					mu.Unlock()
				})
			}
			wg.Wait()
		})
		return
	}
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	out := child(t, "TestWatchdogReportsAHang", "hang")
	if !strings.Contains(out, "passed no synchronization point for 1s") || !strings.Contains(out, "not durably blocking") {
		t.Errorf("the child did not report the hang; output:\n%s", out[:min(len(out), 4000)])
	}
}

// checkThenActMoved is checkThenAct written out again, on other lines.
func checkThenActMoved(t testing.TB) {
	account := lock.New(100)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {

			if lock.With(account, func(b *int) int { return *b }) >= 80 {

				account.Do(func(b *int) { *b -= 80 })
			}
		})
	}
	wg.Wait()
	account.Do(func(b *int) {
		if *b < 0 {
			t.Errorf("balance = %d, want at least 0", *b)
		}
	})
}

// TestReplaySurvivesMovedLines replays a seed on the same program written
// on other lines (as after adding a log line to the body): a goroutine's
// priority depends on who started it, not on where its code is.
func TestReplaySurvivesMovedLines(t *testing.T) {
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	f := find(t, "TestReplaySurvivesMovedLines", checkThenAct)
	if f.run == 0 {
		t.Fatal("no failing run found")
	}
	if n := replays(t, f.seed, checkThenActMoved, 10); n < 9 {
		t.Errorf("Replay of seed %#x on the moved program failed %d times in 10, want at least 9", f.seed, n)
	}
}
