// Race shows shared mutable state going wrong: a counter incremented from
// many goroutines loses updates, with a data race and with a race condition
// that has no data race. Then it fixes the counter with each pattern of the
// lesson and prints a table: pattern, result, correct, time.
//
//	go run ./examples/race [-quick]
//	go run -race ./examples/race -mode datarace   # the race detector catches it
package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/race"
)

func main() { lesson.Main("race", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("race", flag.ContinueOnError)
	var cfg race.Config
	mode := fs.String("mode", "lesson", "lesson: the whole chapter; datarace: only the data-race counter, for go run -race")
	fs.BoolVar(&cfg.Quick, "quick", false, "count less (for tests)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *mode {
	case "lesson":
	case "datarace":
		cfg.DataRace = true
	default:
		return fmt.Errorf("-mode must be lesson or datarace, got %q", *mode)
	}
	return race.Run(ctx, w, cfg)
}
