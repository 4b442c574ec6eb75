// Wordcount counts the words of the Go standard library's source files with
// a pipeline (read, tokenize, count, merge) and with a plain loop: first with
// every read waiting as a remote fetch would, on one core, where the
// pipeline wins by waiting for many files at once; then from the local
// disk, where the work is all CPU and only free cores can make it win.
//
//	go run ./examples/wordcount [-files N] [-workers N] [-latency D] [-v]
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/wordcount"
)

// summary is the first line of the usage: what the program shows.
const summary = "wordcount shows when a pipeline beats a plain loop: waiting work, CPU work."

func main() { lesson.Main("wordcount", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	cmd := lesson.NewCommand("wordcount", summary)
	var cfg wordcount.Config
	cmd.Flags.IntVar(&cfg.Files, "files", 0, "files in the large run from disk (0: 1000, -1: all)")
	cmd.Flags.IntVar(&cfg.Workers, "workers", 0, "goroutines per CPU stage (0: GOMAXPROCS)")
	cmd.Flags.DurationVar(&cfg.Latency, "latency", 0, "the wait of one remote fetch (0: 10ms)")
	opt, err := cmd.Parse(w, args)
	if err != nil {
		return err
	}
	switch {
	case cfg.Workers < 0:
		return &lesson.UsageError{Err: fmt.Errorf("-workers must be at least 0, got %d", cfg.Workers)}
	case cfg.Latency < 0:
		return &lesson.UsageError{Err: fmt.Errorf("-latency must not be negative, got %s", cfg.Latency)}
	}
	cfg.Options = opt
	ch := wordcount.Chapter
	ch.Run = func(ctx context.Context, w io.Writer, _ lesson.Options) error { return wordcount.Run(ctx, w, cfg) }
	return ch.Show(ctx, w, 0, opt)
}
