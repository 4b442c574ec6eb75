// Wordcount counts the words of the Go standard library's source files with
// a pipeline (read, tokenize, count, merge) and with a plain loop, times
// both on a few files and on many, and prints the most frequent words.
//
//	go run ./examples/wordcount [-files N] [-workers N] [-quick]
package main

import (
	"context"
	"flag"
	"io"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/wordcount"
)

func main() { lesson.Main("wordcount", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("wordcount", flag.ContinueOnError)
	var cfg wordcount.Config
	fs.IntVar(&cfg.Files, "files", 0, "files in the large run (0: 1000, -1: all)")
	fs.IntVar(&cfg.Workers, "workers", 0, "goroutines per stage (0: GOMAXPROCS)")
	fs.BoolVar(&cfg.Quick, "quick", false, "count fewer files (for tests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return wordcount.Run(ctx, w, cfg)
}
