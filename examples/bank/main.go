// Bank moves money between accounts from many goroutines three ways (an
// actor per account, a queue.Keyed line per account, lock.Both), checks that
// no money is created or lost, and shows the deadlock of two transfers that
// take two locks in opposite orders, detected and undone, against lock.Both.
//
//	go run ./examples/bank [-quick]
package main

import (
	"context"
	"flag"
	"io"

	"github.com/tamego/tame/examples/internal/bank"
	"github.com/tamego/tame/examples/internal/lesson"
)

func main() { lesson.Main("bank", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("bank", flag.ContinueOnError)
	var cfg bank.Config
	fs.BoolVar(&cfg.Quick, "quick", false, "make fewer transfers (for tests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return bank.Run(ctx, w, cfg)
}
