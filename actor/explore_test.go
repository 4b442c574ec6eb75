package actor_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/tametest"
)

// An op adds to the counter, or asks for it (reply set).
type op struct {
	add   int
	reply actor.Reply[int]
}

// TestActorExplored explores two senders that Tell and Ask an actor that
// owns a counter (go test -tags tametest: each run is held back at
// different Tells, Asks and handoffs; without the tag, plain repetition):
// under every schedule an Ask sees every Tell its sender made before it,
// and Stop handles every accepted message.
func TestActorExplored(t *testing.T) {
	tametest.Explore(t, func(t *testing.T) {
		ctx := context.Background()
		counter := actor.Spawn(ctx, func() int { return 0 }, func(_ context.Context, n *int, m op) {
			*n += m.add
			if m.add == 0 {
				m.reply.Send(*n)
			}
		})
		var wg sync.WaitGroup
		for s := range 2 {
			wg.Go(func() {
				add := 1 + s*10
				if err := counter.Tell(ctx, op{add: add}); err != nil {
					t.Errorf("Tell() = %v", err)
				}
				n, err := actor.Ask(ctx, counter, func(r actor.Reply[int]) op { return op{reply: r} })
				if err != nil || n != add && n != 12 {
					t.Errorf("Ask() = %d, %v after Tell(%d), want %d or 12", n, err, add, add)
				}
			})
		}
		wg.Wait()
		n, err := actor.Ask(ctx, counter, func(r actor.Reply[int]) op { return op{reply: r} })
		if err != nil || n != 12 {
			t.Errorf("Ask() = %d, %v, want 12", n, err)
		}
		if err := counter.Stop(); err != nil {
			t.Errorf("Stop() = %v", err)
		}
	}, tametest.Runs(300))
}
