package race

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
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
		"preference, beside the sequential program, and every result is checked.",
	Run: func(ctx context.Context, w io.Writer, opt lesson.Options) error {
		return Run(ctx, w, Config{Options: opt})
	},
}

// Config selects what Run does.
type Config struct {
	lesson.Options
	// Once, when set, names the one counter to run, once, for the race
	// detector: "datarace" (it reports it) or "racecondition" (it stays
	// quiet, though updates may be lost): go run -race ./examples/race
	// -mode datarace.
	Once string
}

// sizes returns how many goroutines count and how far each counts in the
// table of fixes.
func (c Config) sizes() (goroutines, perItem int) {
	if c.Quick {
		return 4, 5_000
	}
	return 8, 50_000
}

// runs is how many times each counter runs at each size.
const runs = 5

// Run prints the lesson: the lost updates, then the table of fixes. It
// returns an error if a counter that must lose updates lost none, or if a
// fix counts wrong.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	goroutines, perItem := cfg.sizes()
	if cfg.Once != "" {
		count, what := DataRace, "data race"
		if cfg.Once == "racecondition" {
			count, what = RaceCondition, "race condition, no data race"
		}
		want := goroutines * perItem
		got := count(goroutines, perItem)
		fmt.Fprintf(w, "%s: %d goroutines counted to %d, want %d (%d updates lost)\n", what, goroutines, got, want, want-got)
		if Detector {
			fmt.Fprintln(w, "This binary was built with -race: a report of the detector, if any, is above (on stderr).")
		}
		return nil
	}
	c := lesson.Checker{Verbose: cfg.Verbose}
	ns := []int{10, 100, 1_000, 10_000, 100_000, 1_000_000}
	budget := 8 * time.Second
	if cfg.Quick {
		ns, budget = ns[:4], 6*time.Second
	}
	const racers = 8
	lesson.Wrap(w, "", fmt.Sprintf("%d goroutines, started at the same instant, each add 1 to one counter n times; "+
		"%d runs of each size. The right total is %d*n; the rest was lost.", racers, runs, racers))

	fmt.Fprintln(w, "\n1. A data race: a plain int, read then written back.")
	var v1 []Size
	if Detector {
		lesson.Wrap(w, "   ", "Skipped: this binary was built with -race, and the detector would stop it. "+
			"Run it without -race to see the lost updates.")
	} else {
		var err error
		if v1, err = trials(ctx, DataRace, racers, runs, ns, budget); err != nil {
			return err
		}
		table(w, v1, cfg.Verbose)
		lesson.Wrap(w, "   ", story(v1))
	}

	fmt.Fprintln(w, "\n2. A race condition, no data race: an atomic load, then an atomic store.")
	v2, err := trials(ctx, RaceCondition, racers, runs, ns, budget)
	if err != nil {
		return err
	}
	table(w, v2, cfg.Verbose)
	lesson.Wrap(w, "   ", story(v2))

	fmt.Fprintln(w, "\n3. The same with a wait between the load and the store, on ONE core.")
	prev := runtime.GOMAXPROCS(1) // one goroutine runs at a time: no parallelism
	v3, err := trials(ctx, Interleaved, racers, runs, []int{10, 100, 1_000}, budget)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		return err
	}
	table(w, v3, cfg.Verbose)
	lesson.Wrap(w, "   ", "This ran with GOMAXPROCS=1: one goroutine at a time, no parallelism. "+story(v3))

	fmt.Fprintln(w)
	lesson.Wrap(w, "", explain(v1, v2, v3))
	if !Detector {
		c.Check(w, firstLoss(v1) >= 0, "the data race lost updates")
	}
	c.Check(w, firstLoss(v2) >= 0, "the race condition without a data race lost updates")
	c.Check(w, firstLoss(v3) == 0, "with a wait between load and store, one core lost updates at n=%d already", v3[0].N)

	fmt.Fprintln(w)
	if err := fixes(ctx, w, &c, goroutines, perItem); err != nil {
		return err
	}
	return c.Done(w)
}

// explain tells the difference between a data race and a race condition,
// saying only what this run's figures show.
func explain(v1, v2, v3 []Size) string {
	var b strings.Builder
	b.WriteString("A data race is two goroutines accessing one variable at once, one writing, nothing " +
		"ordering them: Go gives the program no meaning, and the race detector reports it (go run -race " +
		"./examples/race -mode datarace). A race condition is a result that depends on timing. ")
	if firstLoss(v2) >= 0 {
		b.WriteString("Version 2 has no data race, the detector stays quiet (-mode racecondition), yet it " +
			"lost updates: load, add one, store are three steps another goroutine can get between. ")
	}
	if firstLoss(v1) > 0 || firstLoss(v2) > 0 {
		b.WriteString("Small runs passing while bigger ones lose is why testing cannot prove a race away. ")
	}
	if firstLoss(v3) == 0 {
		b.WriteString("Version 3 needed no second core: taking turns at a wait is enough. ")
	}
	b.WriteString("Tools find data races; only design removes race conditions: one owner, one line, or one " +
		"lock around the whole read-modify-write.")
	return b.String()
}

// reps is how many times each fix runs; the table shows the fastest.
const reps = 3

// fixes runs every fix reps times, prints the table and what it shows, and
// checks that every fix counted right.
func fixes(ctx context.Context, w io.Writer, c *lesson.Checker, goroutines, perItem int) error {
	want := goroutines * perItem
	lesson.Wrap(w, "", fmt.Sprintf("The fixes, in order of preference, beside the sequential loop: %d goroutines each "+
		"count to %d, the loop alone to the total; the fastest of %d runs.", goroutines, perItem, reps))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  pattern\tuses\tresult\tright\ttime")
	took := make([]time.Duration, len(Fixes))
	var wrong []string
	for i, f := range Fixes {
		got := 0
		for range reps {
			start := time.Now()
			n, err := f.Count(ctx, goroutines, perItem)
			d := time.Since(start)
			if err != nil {
				tw.Flush()
				return fmt.Errorf("%s: %w", f.Pattern, err)
			}
			if took[i] == 0 || d < took[i] {
				took[i] = d
			}
			if n != want || got == 0 {
				got = n // a wrong count is shown, not hidden by a right one
			}
		}
		ok := "yes"
		if got != want {
			ok = "NO"
			wrong = append(wrong, fmt.Sprintf("%s counted %d", f.Pattern, got))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", f.Pattern, f.Uses, got, ok, lesson.Dur(took[i]))
	}
	tw.Flush()
	fmt.Fprintln(w)
	lesson.Wrap(w, "", costs(took))
	what := fmt.Sprintf("every fix counted %d", want)
	if len(wrong) > 0 {
		what += " (" + strings.Join(wrong, ", ") + ")"
	}
	c.Check(w, len(wrong) == 0, "%s", what)
	return nil
}

// costs says what the fixes' times show: which was fastest, the sequential
// loop included, and why the others pay.
func costs(took []time.Duration) string {
	order := make([]int, len(took))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(took[a] - took[b]) })
	fastest, slowest := order[0], order[len(order)-1]
	seq := slices.IndexFunc(Fixes, func(f Fix) bool { return f.Pattern == "sequential" })
	own := slices.IndexFunc(Fixes, func(f Fix) bool { return f.Pattern == "own data" })
	var b strings.Builder
	if fastest == seq {
		second := order[1]
		fmt.Fprintf(&b, "The sequential loop, which needs no fix, was the fastest (%s); %s came closest (%s, "+
			"%s), %s was the slowest (%s, %s). ", lesson.Dur(took[seq]), Fixes[second].Pattern,
			lesson.Dur(took[second]), lesson.Ratio(took[second], took[seq]), Fixes[slowest].Pattern,
			lesson.Dur(took[slowest]), lesson.Ratio(took[slowest], took[seq]))
	} else {
		fmt.Fprintf(&b, "The fastest was %s (%s), %s than the sequential loop (%s); %s was the slowest (%s, %s "+
			"than the loop). ", Fixes[fastest].Pattern, lesson.Dur(took[fastest]), lesson.Ratio(took[fastest], took[seq]),
			lesson.Dur(took[seq]), Fixes[slowest].Pattern, lesson.Dur(took[slowest]), lesson.Ratio(took[slowest], took[seq]))
	}
	b.WriteString("An increment is the whole work here: own data pays only to start goroutines and sum their " +
		"results")
	if took[own] < took[seq] {
		b.WriteString(", and it beat the loop because its goroutines counted on several cores at once")
	}
	b.WriteString("; the others pay per increment for a message, a queue slot, a lock or an atomic " +
		"instruction, a cost earned only when the work per item outweighs it.")
	return b.String()
}
