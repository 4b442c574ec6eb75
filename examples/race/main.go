// Race shows shared mutable state going wrong: a counter incremented from
// many goroutines loses updates, with a data race and with a race condition
// that has no data race. Then it fixes the counter with each pattern of the
// lesson and prints a table: pattern, result, right, time, beside the
// sequential program.
//
//	go run ./examples/race [-v]
//	go run -race ./examples/race -mode datarace        # the race detector catches it
//	go run -race ./examples/race -mode racecondition   # and stays quiet here
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/race"
)

// summary is the first line of the usage: what the program shows.
const summary = "race shows a shared counter losing updates, and six ways to fix it."

func main() { lesson.Main("race", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	cmd := lesson.NewCommand("race", summary)
	mode := cmd.Flags.String("mode", "lesson", "lesson: the whole chapter; datarace or racecondition: only "+
		"that counter, once, for go run -race")
	cmd.Notes = "See the race detector catch the data race, and miss the race condition: " +
		"go run -race ./examples/race -mode datarace (or -mode racecondition)"
	opt, err := cmd.Parse(w, args)
	if err != nil {
		return err
	}
	switch *mode {
	case "lesson":
	case "datarace", "racecondition":
		return race.Run(ctx, w, race.Config{Options: opt, Once: *mode})
	default:
		return &lesson.UsageError{Err: fmt.Errorf("-mode must be lesson, datarace or racecondition, got %q", *mode)}
	}
	return race.Chapter.Show(ctx, w, 0, opt)
}
