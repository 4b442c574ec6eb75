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
		"Then several chefs cook: they chop at the same instant, which only helps if there are cores to run them " +
		"(parallelism). Chopping is real CPU work, the oven is a timer; every time below is measured in this run.",
	Run: func(ctx context.Context, w io.Writer, quick bool) error {
		return Run(ctx, w, Config{Quick: quick})
	},
}

// Config selects what Run does.
type Config struct {
	Quick bool   // small amounts of work, for tests
	Chefs int    // the chefs of the second dinner; 0 means one per core, at least 2, at most one per dish
	SVG   string // when set, the timelines are also written to this file as SVG
}

// Menu returns the dinner: six dishes, times scaled down when quick.
func Menu(quick bool) []Dish {
	ms := func(n int) time.Duration {
		if quick {
			return time.Duration(n) * time.Millisecond / 5
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

// Run cooks the dinner with one chef and with several, prints both
// timelines and the measured times, and returns an error if a check fails.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	menu := Menu(cfg.Quick)
	chefs := cfg.Chefs
	if chefs == 0 {
		chefs = min(max(2, runtime.GOMAXPROCS(0)), len(menu)) // more chefs than dishes would idle
	}
	if chefs < 1 {
		return fmt.Errorf("kitchen: chefs must be at least 1, got %d", chefs)
	}
	var burn Burner
	burn.Calibrate()

	one, err := Cook(ctx, menu, 1, &burn)
	if err != nil {
		return err
	}
	many, err := Cook(ctx, menu, chefs, &burn)
	if err != nil {
		return err
	}

	scale := max(one.Wall, many.Wall) / 64
	scale = max(scale, time.Microsecond)
	lesson.Wrap(w, "", fmt.Sprintf("Each column is %s. A-Z: a chef chopping, a-z: plating, ~: in the oven, "+
		".: waiting for a chef.", lesson.Dur(scale)))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "One chef, %d dishes: wall time %s%s\n", len(menu), lesson.Dur(one.Wall), cores(one))
	one.Draw(w, scale)
	fmt.Fprintf(w, "\n%d chefs, the same dishes: wall time %s%s\n", chefs, lesson.Dur(many.Wall), cores(many))
	many.Draw(w, scale)

	fmt.Fprintln(w)
	lesson.Wrap(w, "", fmt.Sprintf("One chef who stood by the oven while it baked would have needed the sum of "+
		"the steps: %s. Interleaving the dishes, the same one chef took %s: %s (concurrency).",
		lesson.Dur(one.StepTotal()), lesson.Dur(one.Wall), lesson.Ratio(one.Wall, one.StepTotal())))
	fmt.Fprintln(w)
	verdict := fmt.Sprintf("%d chefs took %s: %s than one chef; at most %d chopped or plated at the same instant.",
		chefs, lesson.Dur(many.Wall), lesson.Ratio(many.Wall, one.Wall), many.MostChefsAtOnce())
	p := runtime.GOMAXPROCS(0)
	switch {
	case p < 2:
		verdict += fmt.Sprintf(" This process may use only %d core (GOMAXPROCS=%d): the chefs take turns on it, "+
			"so they cannot be faster.", p, p)
	case many.CPU > 0 && float64(many.CPU) > 1.1*float64(many.Wall):
		verdict += fmt.Sprintf(" The chopping ran on several cores at once (parallelism: %.1f cores busy "+
			"on average).", float64(many.CPU)/float64(many.Wall))
	case many.Wall < one.Wall && lesson.Ratio(many.Wall, one.Wall) != "no faster":
		verdict += " Yet no more than one core was busy on average: the gain is the machine's load changing, " +
			"not parallelism; other programs were using the other cores."
	default:
		verdict += fmt.Sprintf(" This process may use %d cores, but the chefs found no spare one: other programs "+
			"were using them (see the cores busy above). Parallelism needs idle cores; concurrency does not.", p)
	}
	lesson.Wrap(w, "", verdict)
	var c lesson.Checker
	for _, d := range []Dinner{one, many} {
		what := fmt.Sprintf("%d chef(s): dishes cooked in order, no chef in two places, dishes interleaved", d.Chefs)
		probs := d.Problems()
		if len(probs) > 0 {
			what += fmt.Sprintf(" (%s)", strings.Join(probs, "; "))
		}
		c.Check(w, len(probs) == 0, "%s", what)
	}
	c.Check(w, one.MostChefsAtOnce() == 1, "one chef: never two dishes chopped at the same instant (got %d)", one.MostChefsAtOnce())

	if cfg.SVG != "" {
		err := writeSVG(cfg.SVG, []Dinner{one, many}, []string{"One chef", fmt.Sprintf("%d chefs", chefs)})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "The timelines are drawn in %s.\n", cfg.SVG)
	}
	return c.Err()
}

// cores describes how many cores were busy on average, from the CPU time the
// process used during the dinner.
func cores(d Dinner) string {
	busy := lesson.Cores(d.CPU, d.Wall)
	if busy == "" {
		return ""
	}
	return fmt.Sprintf(", CPU time %s %s", lesson.Dur(d.CPU), busy)
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
