package tametest

import (
	"fmt"
	"os"
	"testing"

	"github.com/tamego/tame/internal/sched"
)

// TestPlantedBugsAreFound explores each planted program: the bug is found
// within the default number of runs, and the seed found fails again when
// replayed.
func TestPlantedBugsAreFound(t *testing.T) {
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	for _, p := range planted {
		t.Run(p.name, func(t *testing.T) {
			f := find(t, t.Name(), p.prog)
			if f.run == 0 {
				t.Fatalf("Explore found no failing run in %d runs", defaultRuns)
			}
			if n := replays(t, f.seed, p.prog, 10); n < 9 {
				t.Errorf("Replay of seed %#x failed %d times in 10, want at least 9", f.seed, n)
			}
			t.Logf("found in run %d, seed %#x", f.run, f.seed)
		})
	}
}

// TestPlantedBugsTable prints, for each planted program, how many of 1000
// runs fail: with the tag, under Explore's schedules; without it, under
// plain repetition. Set TAMETEST_TABLE=1 to run it, once with the tag and
// once without, and read the two columns side by side.
func TestPlantedBugsTable(t *testing.T) {
	if os.Getenv("TAMETEST_TABLE") == "" {
		t.Skip("set TAMETEST_TABLE=1 to measure")
	}
	mode := "plain repetition"
	if sched.Enabled {
		mode = "Explore"
	}
	for _, p := range append(planted, plantedLater...) {
		t.Run(p.name, func(t *testing.T) {
			n := failures(t, t.Name(), p.prog, 1000)
			first := find(t, t.Name(), p.prog)
			row := fmt.Sprintf("%-24s %-16s failing runs %4d/1000, first failing run %4d", p.name, mode, n, first.run)
			if sched.Enabled && first.run != 0 {
				row += fmt.Sprintf(", its replay fails %d/10", replays(t, first.seed, p.prog, 10))
			}
			if !sched.Enabled {
				row += fmt.Sprintf("; a plain loop outside a bubble: %d/1000", loopFailures(t, p.prog, 1000))
			}
			t.Log(row)
		})
	}
}

// loopFailures runs prog n times in a plain loop, outside any bubble, as a
// test that repeats its body would, and counts the runs that fail.
func loopFailures(t *testing.T, prog func(t testing.TB), n int) int {
	count := 0
	for range n {
		r := &recorder{TB: t}
		func() {
			defer func() {
				if v := recover(); v != nil {
					if _, ok := v.(stopProgram); !ok {
						r.Fail()
					}
				}
			}()
			prog(r)
		}()
		if r.Failed() {
			count++
		}
	}
	return count
}
