package race

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// Chapter is the race chapter of the tour.
var Chapter = lesson.Chapter{
	Name:  "race",
	Title: "Shared mutable state: lost updates, and six ways to fix them",
	Intro: "Concurrency is not the hard part: shared mutable state is. Several goroutines increment one counter " +
		"as \"read it, add one, write it back\". When two of them read the same value, one increment is lost. " +
		"It does not happen every time, which is what makes it dangerous: the program works 99 times and is " +
		"wrong on the 100th. Then the same count is done with each pattern of the lesson, in its order of " +
		"preference, and every result is checked.",
	Run: func(ctx context.Context, w io.Writer, quick bool) error {
		return Run(ctx, w, Config{Quick: quick})
	},
}

// Config selects what Run does.
type Config struct {
	Quick bool // smaller counts, for tests
	// DataRace runs only the data-race counter once, for the race detector
	// to catch: go run -race ./examples/race -mode datarace.
	DataRace bool
}

// sizes returns how many goroutines count and how far each counts.
func (c Config) sizes() (goroutines, perItem int) {
	if c.Quick {
		return 4, 5_000
	}
	return 8, 50_000
}

// Run prints the lesson: the lost updates, then the table of fixes. It
// returns an error if a fix counts wrong.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	goroutines, perItem := cfg.sizes()
	want := goroutines * perItem
	if cfg.DataRace {
		got := DataRace(goroutines, perItem)
		fmt.Fprintf(w, "data race: %d goroutines counted to %d, want %d (%d updates lost)\n", goroutines, got, want, want-got)
		if Detector {
			fmt.Fprintln(w, "This binary was built with -race: the detector's report is above (on stderr).")
		}
		return nil
	}

	const runs = 5
	ns := []int{10, 100, 1_000, 10_000, 100_000, 1_000_000}
	if cfg.Quick {
		ns = ns[:4]
	}
	fmt.Fprintf(w, "%d goroutines each add 1 to a shared counter n times, %d runs for each n; the right total is %d*n.\n", goroutines, runs, goroutines)
	if Detector {
		fmt.Fprintln(w)
		lesson.Wrap(w, "", "1. With a data race (plain int, read then write): skipped, because this binary "+
			"was built with -race and the detector would stop it. Run it without -race to see the lost updates.")
	} else {
		fmt.Fprintln(w, "\n1. With a data race (plain int, read then write):")
		lostRuns(w, runs, goroutines, ns, DataRace)
	}
	fmt.Fprintln(w, "\n2. With a race condition but no data race (atomic load, then atomic store):")
	lostRuns(w, runs, goroutines, ns, RaceCondition)
	fmt.Fprintln(w, "\n3. The same, with a wait between the load and the store (a call to a database, say):")
	lostRuns(w, runs, goroutines, ns[:min(len(ns), 4)], Interleaved)
	lesson.Wrap(w, "   ", "Look where the wrong runs start: a small test tends to pass while a bigger run "+
		"loses updates; how often depends on the machine and its load, which is why testing cannot prove "+
		"a race away. Version 3 needs no second core: taking turns at the wait is enough, which is "+
		"concurrency without parallelism, the one chef of the kitchen.")
	fmt.Fprintln(w)
	lesson.Wrap(w, "", "A data race is two goroutines accessing the same variable at the same time, at least one "+
		"of them writing, with nothing ordering the accesses: the Go memory model gives such a program no "+
		"meaning, and the race detector reports it. See it with: go run -race ./examples/race -mode datarace "+
		"(\"WARNING: DATA RACE\"). A race condition is a result that depends on timing. Version 2 has no data "+
		"race (every access is atomic), nor has version 3, so the detector stays quiet, yet load, add one, store are three steps "+
		"another goroutine can get between, and updates are still lost. Tools find data races; only design "+
		"removes race conditions: one owner, one line, or one lock around the whole read-modify-write.")

	fmt.Fprintln(w, "\nThe fixes, in the lesson's order of preference (each run once, timed):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  pattern\thow\tresult\tcorrect\ttime")
	var wrong []string
	var took []time.Duration
	for _, f := range Fixes {
		start := time.Now()
		got, err := f.Count(ctx, goroutines, perItem)
		took = append(took, time.Since(start))
		if err != nil {
			tw.Flush()
			return fmt.Errorf("%s: %w", f.Pattern, err)
		}
		ok := "yes"
		if got != want {
			ok = "NO"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", f.Pattern, f.How, got, ok, lesson.Dur(took[len(took)-1]))
		if got != want {
			wrong = append(wrong, fmt.Sprintf("%s counted %d", f.Pattern, got))
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	if len(wrong) == 0 {
		fastest, slowest := 1, 1 // the fastest and slowest fix after the sequential loop
		for i := range took {
			if i > 0 && took[i] < took[fastest] {
				fastest = i
			}
			if i > 0 && took[i] > took[slowest] {
				slowest = i
			}
		}
		lesson.Wrap(w, "", fmt.Sprintf("Every fix counted right; they differ in cost. Here the fastest was %s (%s) "+
			"and the slowest %s (%s). What shares nothing pays nothing per increment; the others pay for every "+
			"increment they hand over or guard: a message, a queue slot, a lock, an atomic instruction. They earn "+
			"that cost when the work per item is larger than the handover, or when the state cannot be split.",
			Fixes[fastest].Pattern, lesson.Dur(took[fastest]), Fixes[slowest].Pattern, lesson.Dur(took[slowest])))
	}
	var c lesson.Checker
	what := fmt.Sprintf("every fix counted %d", want)
	if len(wrong) > 0 {
		what += " (" + strings.Join(wrong, ", ") + ")"
	}
	c.Check(w, len(wrong) == 0, "%s", what)
	return c.Err()
}

// lostRuns runs count runs times for each of a few sizes and prints, for
// each size, how many runs were wrong and how many updates each lost.
func lostRuns(w io.Writer, runs, goroutines int, ns []int, count func(goroutines, perItem int) int) {
	for _, n := range ns {
		want := goroutines * n
		wrong := 0
		lost := make([]string, runs)
		for i := range runs {
			got := count(goroutines, n)
			if got != want {
				wrong++
			}
			lost[i] = strconv.Itoa(want - got)
		}
		fmt.Fprintf(w, "   n=%-7d %d of %d runs wrong; updates lost in each run: %s\n", n, wrong, runs, strings.Join(lost, ", "))
	}
}
