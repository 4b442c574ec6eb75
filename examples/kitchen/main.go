// Kitchen shows concurrency versus parallelism: the same dinner cooked by one
// chef who interleaves the dishes and by several chefs at once, with a
// timeline of who did what when, drawn in the terminal and, with -svg, as an
// SVG image.
//
//	go run ./examples/kitchen [-chefs N] [-svg FILE] [-quick]
package main

import (
	"context"
	"flag"
	"io"

	"github.com/tamego/tame/examples/internal/kitchen"
	"github.com/tamego/tame/examples/internal/lesson"
)

func main() { lesson.Main("kitchen", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("kitchen", flag.ContinueOnError)
	var cfg kitchen.Config
	fs.IntVar(&cfg.Chefs, "chefs", 0, "chefs in the second dinner (0: one per core, at least 2, at most one per dish)")
	fs.StringVar(&cfg.SVG, "svg", "", "also write the timelines to this SVG `file`")
	fs.BoolVar(&cfg.Quick, "quick", false, "cook with less work (for tests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return kitchen.Run(ctx, w, cfg)
}
