// Bank moves money between accounts from many goroutines three ways (an
// actor per account, a queue.Keyed line per account, lock.Both), checks that
// no money is created or lost, says why the ways cost what they do, and
// shows the deadlock of two transfers that take two locks in opposite
// orders, detected and undone, against lock.Both.
//
//	go run ./examples/bank [-v]
package main

import (
	"context"
	"io"

	"github.com/tamego/tame/examples/internal/bank"
	"github.com/tamego/tame/examples/internal/lesson"
)

// summary is the first line of the usage: what the program shows.
const summary = "bank shows transfers between accounts three ways, and the lock-order deadlock."

func main() { lesson.Main("bank", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	opt, err := lesson.NewCommand("bank", summary).Parse(w, args)
	if err != nil {
		return err
	}
	return bank.Chapter.Show(ctx, w, 0, opt)
}
