// Correct is the last chapter of the lesson: how do you know a concurrent
// program is correct? A small program whose check and act are two locked
// steps passes its test under plain repetition, fails under
// tametest.Explore with the seed of the schedule that breaks it, fails again
// under Replay of that seed, and explores clean once fixed. Explore needs a
// build with the tag tametest: the program builds itself so and runs its
// test in that binary.
//
//	go run ./examples/correct [-v]
package main

import (
	"context"
	"io"

	"github.com/tamego/tame/examples/internal/correct"
	"github.com/tamego/tame/examples/internal/lesson"
)

// summary is the first line of the usage: what the program shows.
const summary = "correct shows a race condition that repetition misses and tametest finds."

func main() {
	if correct.Child() {
		correct.RunChild() // the chapter's test binary; it exits
	}
	lesson.Main("correct", run)
}

// run parses args and runs the chapter, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	cmd := lesson.NewCommand("correct", summary)
	cmd.Notes = "The chapter builds this program with go build -tags tametest, so it runs from the " +
		"repository with the go command on the PATH. To explore your own tests: go test -tags tametest."
	opt, err := cmd.Parse(w, args)
	if err != nil {
		return err
	}
	return correct.Chapter.Show(ctx, w, 0, opt)
}
