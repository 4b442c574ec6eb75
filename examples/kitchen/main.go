// Kitchen shows concurrency versus parallelism: the same dinner cooked by one
// chef who interleaves the dishes and by two chefs at once, with a timeline
// of who did what when, drawn in the terminal and, with -svg, as an SVG
// image. It first measures how many cores the program can use now, and says
// whether the chefs chopped on two cores at once, or why not.
//
//	go run ./examples/kitchen [-chefs N] [-svg FILE] [-v]
package main

import (
	"context"
	"io"

	"github.com/tamego/tame/examples/internal/kitchen"
	"github.com/tamego/tame/examples/internal/lesson"
)

// summary is the first line of the usage: what the program shows.
const summary = "kitchen shows concurrency (one chef, many dishes) and parallelism (two chefs)."

func main() { lesson.Main("kitchen", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	cmd := lesson.NewCommand("kitchen", summary)
	var cfg kitchen.Config
	cmd.Flags.IntVar(&cfg.Chefs, "chefs", 2, "chefs in the second dinner")
	cmd.Flags.StringVar(&cfg.SVG, "svg", "", "also draw the timelines in this SVG `file`")
	opt, err := cmd.Parse(w, args)
	if err != nil {
		return err
	}
	if cfg.Chefs < 1 {
		return &lesson.UsageError{Err: errChefs(cfg.Chefs)}
	}
	cfg.Options = opt
	ch := kitchen.Chapter
	ch.Run = func(ctx context.Context, w io.Writer, _ lesson.Options) error { return kitchen.Run(ctx, w, cfg) }
	return ch.Show(ctx, w, 0, opt)
}
