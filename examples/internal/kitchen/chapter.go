package kitchen

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// Chapter is the kitchen chapter of the tour.
var Chapter = lesson.Chapter{
	Name:  "kitchen",
	Title: "Concurrency is not parallelism",
	Intro: "Concurrency is dealing with many things at once; parallelism is doing many things at the same instant. " +
		"The same dinner is cooked twice. First one chef cooks every dish: while a dish bakes, the chef chops the next " +
		"one, so all the dishes are in progress at once (concurrency) although only one is ever chopped at a time. " +
		"Then two chefs cook: they chop at the same instant, which only helps if there are free cores to run them " +
		"(parallelism). Chopping is real CPU work, the oven is a timer; every time below is measured in this run.",
	Run: func(ctx context.Context, w io.Writer, opt lesson.Options) error {
		return Run(ctx, w, Config{Options: opt})
	},
}

// Config selects what Run does.
type Config struct {
	lesson.Options
	Chefs int    // the chefs of the second dinner; 0 means 2
	SVG   string // when set, the timelines are also written to this file as SVG
}

// Menu returns the dinner: six dishes, times scaled down when quick.
func Menu(quick bool) []Dish {
	ms := func(n int) time.Duration {
		if quick {
			return time.Duration(n) * time.Millisecond / 4
		}
		return time.Duration(n) * time.Millisecond
	}
	return []Dish{
		{"soup", ms(60), ms(150), ms(15)},
		{"salad", ms(80), ms(20), ms(10)},
		{"roast", ms(50), ms(250), ms(20)},
		{"bread", ms(40), ms(200), ms(10)},
		{"curry", ms(70), ms(120), ms(15)},
		{"pie", ms(60), ms(180), ms(15)},
	}
}

// Parallel is the cores that must have been busy, on average, while two or
// more chefs worked at the same instant, for the chapter to say that they
// chopped on several cores at once: one core gives about 1, two about 2.
const Parallel = 1.5

// tries is how many times at most the dinner with several chefs is cooked,
// looking for a moment when a second core is free.
const tries = 3

// Run measures the free cores, cooks the dinner with one chef and with
// several, prints both timelines and what the figures show, and returns an
// error if a check fails.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	menu := Menu(cfg.Quick)
	chefs := cfg.Chefs
	if chefs == 0 {
		chefs = 2
	}
	if chefs < 1 {
		return fmt.Errorf("kitchen: chefs must be at least 1, got %d", chefs)
	}
	var burn Burner
	burn.Calibrate()
	p := runtime.GOMAXPROCS(0)

	work := 10 * time.Millisecond
	if cfg.Quick {
		work = 4 * time.Millisecond
	}
	ct := TestCores(&burn, work, 5)
	lesson.Wrap(w, "", fmt.Sprintf("First, how many cores can this program use now (GOMAXPROCS=%d, %d on the "+
		"machine)? A piece of CPU work, timed at %s at the start, took %s on one goroutine; two pieces on two "+
		"goroutines at once took %s, the fastest of %d tries. Two free cores would do both in the time of "+
		"one: this program could use about %.1f cores just now.", p, runtime.NumCPU(), lesson.Dur(ct.Work),
		lesson.Dur(ct.One), lesson.Dur(ct.Two), ct.Tries, ct.Free()))
	fmt.Fprintln(w)

	one, err := Cook(ctx, menu, 1, &burn)
	if err != nil {
		return err
	}
	var many Dinner
	var tried []Dinner
	for range tries {
		d, err := Cook(ctx, menu, chefs, &burn)
		if err != nil {
			return err
		}
		tried = append(tried, d)
		if len(tried) == 1 || better(d, many) {
			many = d
		}
		if chefs < 2 || p < 2 || rank(many) == 2 {
			break
		}
	}

	scale := max(one.Wall, many.Wall) / 64
	scale = max(scale, time.Microsecond)
	lesson.Wrap(w, "", fmt.Sprintf("Each column is %s. A, B: chef A or chef B chopping; a, b: the same chef "+
		"plating; ~: in the oven, no chef needed; .: waiting for a free chef or a core; blank: not started "+
		"yet, or served. The cores row: the cores this program kept busy while chefs worked (rounded: 0 is "+
		"under half a core, the rest going to other programs).",
		lesson.Dur(scale)))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "One chef, %d dishes: %s\n", len(menu), lesson.Dur(one.Wall))
	one.Draw(w, scale)
	fmt.Fprintf(w, "\n%d chefs, the same dishes: %s", chefs, lesson.Dur(many.Wall))
	if len(tried) > 1 {
		fmt.Fprintf(w, " (of %d dinners, the one most in parallel)", len(tried))
	}
	fmt.Fprintln(w)
	many.Draw(w, scale)
	if cfg.Verbose {
		for i, d := range tried {
			lesson.WrapHanging(w, "  ", "    ", fmt.Sprintf("Dinner %d with %d chefs: %s; while chefs worked "+
				"side by side, %s.", i+1, chefs, lesson.Dur(d.Wall), together(d)))
		}
	}

	fmt.Fprintln(w)
	lesson.Wrap(w, "", fmt.Sprintf("Concurrency: one chef who stood by the oven while it baked would have needed "+
		"the sum of the steps, %s. Interleaving the dishes, the same one chef took %s: %s, on one core.",
		lesson.Dur(one.StepTotal()), lesson.Dur(one.Wall), lesson.Ratio(one.Wall, one.StepTotal())))
	fmt.Fprintln(w)
	lesson.Wrap(w, "", verdict(one, many, len(tried), ct, p, runtime.NumCPU()))

	c := lesson.Checker{Verbose: cfg.Verbose}
	for _, d := range []Dinner{one, many} {
		what := fmt.Sprintf("%d chef(s): dishes cooked in order, no chef in two places, dishes interleaved", d.Chefs)
		probs := d.Problems()
		if len(probs) > 0 {
			what += fmt.Sprintf(" (%s)", strings.Join(probs, "; "))
		}
		c.Check(w, len(probs) == 0, "%s", what)
	}
	c.Check(w, one.MostChefsAtOnce() == 1, "one chef: never two dishes chopped at the same instant (got %d)", one.MostChefsAtOnce())
	if want := min(chefs, len(menu)); chefs > 1 {
		c.Check(w, many.MostChefsAtOnce() == want, "%d chefs: %d dishes worked on at the same instant (got %d)",
			chefs, want, many.MostChefsAtOnce())
	}

	if cfg.SVG != "" {
		err := writeSVG(cfg.SVG, []Dinner{one, many}, []string{"One chef", fmt.Sprintf("%d chefs", chefs)})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "The timelines are drawn in %s.\n", cfg.SVG)
	}
	return c.Done(w)
}

// rank says how much parallelism a dinner shows: 2 when several cores were
// busy on average while chefs worked side by side, 1 when they were for a
// while (a brief stretch of Parallel cores busy), 0 otherwise.
func rank(d Dinner) int {
	switch {
	case d.TogetherCores() >= Parallel:
		return 2
	case d.ParallelTime() >= brief:
		return 1
	}
	return 0
}

// brief is the shortest stretch of parallelism the chapter reports.
const brief = 10 * time.Millisecond

// better reports whether dinner a shows parallelism better than b: a higher
// rank; at rank 2 sooner done, at rank 1 a longer stretch, at rank 0 more
// cores busy.
func better(a, b Dinner) bool {
	ra, rb := rank(a), rank(b)
	switch {
	case ra != rb:
		return ra > rb
	case ra == 2:
		return a.Wall < b.Wall
	case ra == 1:
		return a.ParallelTime() > b.ParallelTime()
	}
	return a.TogetherCores() > b.TogetherCores()
}

// together describes the cores busy while chefs worked side by side.
func together(d Dinner) string {
	wall, cpu := d.Together()
	if c := d.TogetherCores(); c > 0 {
		return fmt.Sprintf("%.1f cores busy (CPU %s in %s)", c, lesson.Dur(cpu), lesson.Dur(wall))
	}
	return fmt.Sprintf("not measured (%s side by side)", lesson.Dur(wall))
}

// verdict says what the dinner with several chefs showed, from the figures
// measured: parallelism when the CPU time says that several cores were busy
// while the chefs worked side by side, and otherwise why not. dinners is how
// many were cooked, p is GOMAXPROCS and cpus the machine's cores.
func verdict(one, many Dinner, dinners int, ct CoreTest, p, cpus int) string {
	head := fmt.Sprintf("Parallelism: %d chefs took %s, %s than one chef. ", many.Chefs, lesson.Dur(many.Wall),
		lesson.Ratio(many.Wall, one.Wall))
	busy := many.TogetherCores()
	switch {
	case many.Chefs < 2:
		return head + "With one chef there is nobody to work side by side."
	case cpus < 2:
		return head + "This machine has only one core: the chefs took turns on it, so they could not chop " +
			"at the same instant. Parallelism needs cores; concurrency does not."
	case p < 2:
		return head + "This program may use only one core (GOMAXPROCS=1): the chefs took turns on it, so they " +
			"could not chop at the same instant. Parallelism needs cores; concurrency does not."
	case busy == 0:
		return head + "This platform does not report CPU time, so whether the chefs ran on several cores at " +
			"once is not measured here."
	case busy >= Parallel:
		return head + fmt.Sprintf("While two chefs worked side by side, %.1f cores were busy: they chopped on "+
			"two cores at the same instant (the 2s in the cores row). That is parallelism, and only free cores "+
			"give it.", busy)
	case many.ParallelTime() >= brief:
		return head + fmt.Sprintf("While two chefs worked side by side, %.1f cores were busy on average: most "+
			"of the time they took turns, but for %s they chopped on two cores at the same instant (the 2s in "+
			"the cores row): parallelism, while a second core was free. Other programs had it the rest of the "+
			"time. Parallelism needs idle cores; concurrency does not.", busy, lesson.Dur(many.ParallelTime()))
	}
	why := "other programs were using the rest of the machine"
	turns := "they took turns on one core"
	if busy < 0.9 {
		turns = "they shared less than one core"
	}
	if ct.Free() >= Parallel {
		why = fmt.Sprintf("the measure above found %.1f cores free, but other programs took the second one "+
			"while the chefs cooked", ct.Free())
	} else {
		why = fmt.Sprintf("the measure above found only %.1f cores free: %s", ct.Free(), why)
	}
	return head + fmt.Sprintf("While two chefs worked side by side, only %.1f cores were busy: %s rather than "+
		"chopping at the same instant, in %d %s; %s. Parallelism needs idle cores; concurrency "+
		"does not.", busy, turns, dinners, lesson.Plural(dinners, "dinner"), why)
}

func writeSVG(name string, dinners []Dinner, titles []string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := SVG(f, dinners, titles); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
