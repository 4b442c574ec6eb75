// Jetstream runs the same keyed handler twice: on a queue.Keyed in this
// process, then on a NATS JetStream stream read by two consumers, each on
// its own connection as two processes would be. It kills one consumer with
// an item in flight, panics once in the handler, and checks that every item
// was handled, in order per key, with the redeliveries absorbed by an
// idempotent handler. The server is embedded: it listens on 127.0.0.1 only,
// on a random port, and keeps its store in a temporary directory.
//
//	cd examples/jetstream && go run . [-quick] [-ackwait 2s]
//
// This is a module of its own, so that tame takes no dependency on NATS.
package main

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

func main() { lesson.Main("jetstream", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("jetstream", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "push fewer deposits (for tests)")
	set := settings{accounts: 8, partitions: 4, wait: 30 * time.Second}
	fs.DurationVar(&set.ackWait, "ackwait", 2*time.Second, "how long a delivery may go unacknowledged before it is delivered again")
	if err := fs.Parse(args); err != nil {
		return err
	}
	set.perAccount = 60
	if *quick {
		set.perAccount = 24
	}
	return runLesson(ctx, w, set)
}
