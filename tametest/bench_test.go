package tametest

import (
	"os"
	"sync"
	"testing"

	"github.com/tamego/tame/internal/sched"
	"github.com/tamego/tame/lock"
)

// TestPointCost measures what a synchronization point costs inside an
// exploration run: two goroutines each take a Guarded 100 times (one point
// a Do) under one seed, and the time of the runs is divided by the points
// they passed. Without the tag it times the same runs, whose Dos are then
// no points, and divides by the same count. synctest.Test needs a
// *testing.T, hence a test run through testing.Benchmark rather than a
// benchmark. Set TAMETEST_BENCH=1 to run it; it logs the figure.
func TestPointCost(t *testing.T) {
	if os.Getenv("TAMETEST_BENCH") == "" {
		t.Skip("set TAMETEST_BENCH=1 to measure")
	}
	const perGoroutine = 100
	prog := func(testing.TB) {
		g := lock.New(0)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				for range perGoroutine {
					g.Do(func(n *int) { *n++ })
				}
			})
		}
		wg.Wait()
	}
	exploring.Lock()
	defer exploring.Unlock()
	seed := makeSeed(3, 2*perGoroutine, 42)
	r := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			var out outcome
			runOne(t, seed, quiet(prog), &out)
		}
	})
	points := float64(2*perGoroutine + 1)
	t.Logf("tag %v: %d runs, %.0f ns a run, %.0f ns a Do (%v points a run)", sched.Enabled, r.N, float64(r.NsPerOp()), float64(r.NsPerOp())/points, points)
}
