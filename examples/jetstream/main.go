// Jetstream runs the same keyed handler twice: on a queue.Keyed in this
// process, then on a NATS JetStream stream read by two consumers, each on
// its own connection as two processes would be. It kills one consumer with
// an item in flight, panics once in the handler, and checks that every item
// was handled, in order per key, with the redeliveries absorbed by an
// idempotent handler. The server is embedded: it listens on 127.0.0.1 only,
// on a random port, and keeps its store in a temporary directory.
//
//	cd examples/jetstream && go run . [-v] [-ackwait 2s]
//
// This is a module of its own, so that tame takes no dependency on NATS.
package main

import (
	"context"
	"io"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// summary is the first line of the usage: what the program shows.
const summary = "jetstream shows one keyed handler in one process, then through NATS JetStream."

func main() { lesson.Main("jetstream", run) }

// run parses args and runs the lesson, writing to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	cmd := lesson.NewCommand("jetstream", summary)
	cmd.OwnModule = true
	ackWait := cmd.Flags.Duration("ackwait", 2*time.Second,
		"how long a delivery may go unacknowledged before the server delivers it again")
	opt, err := cmd.Parse(w, args)
	if err != nil {
		return err
	}
	return chapter(*ackWait).Show(ctx, w, 0, opt)
}
