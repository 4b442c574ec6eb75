package actor_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/leaktest"
)

// The tests of this file race askers, senders and the actor: an answer
// racing the asker giving up, and messages reaching the actor as it runs out
// of work and parks.

// TestAskCancelRacingAnswer: asks whose ctx ends while the answer is on its
// way (cancelled in msg, so the ask is accepted with a done ctx and its wait
// races the answer), mixed with plain asks, from several goroutines; the
// actor sends each answer after a stale reply of an earlier ask, sometimes
// after a yield. Every Ask gets its own answer or context.Canceled, never
// another ask's.
func TestAskCancelRacingAnswer(t *testing.T) {
	base := runtime.NumGoroutine()
	type msg struct {
		id    int
		slow  bool
		reply actor.Reply[int]
	}
	ref := actor.Spawn(context.Background(), func() []actor.Reply[int] { return nil },
		func(_ context.Context, old *[]actor.Reply[int], m msg) {
			for _, r := range *old {
				r.Send(-1) // answered or given up already: dropped
			}
			if m.slow {
				runtime.Gosched() // let the cancelled asker give up first
			}
			m.reply.Send(m.id)
			*old = append((*old)[:0], m.reply)
		})
	const senders, asks = 8, 300
	var answered, cancelled atomic.Int64
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := range asks {
				id := s*asks + i
				ctx, cancel := context.WithCancel(context.Background())
				got, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) msg {
					if i%3 != 0 {
						cancel()
					}
					return msg{id: id, slow: i%2 == 0, reply: r}
				})
				cancel()
				switch {
				case err == nil && got == id:
					answered.Add(1)
				case errors.Is(err, context.Canceled):
					cancelled.Add(1)
				default:
					t.Errorf("Ask #%d = %d, %v; want %d, nil or context.Canceled", id, got, err, id)
					return
				}
			}
		})
	}
	wg.Wait()
	if a, c := answered.Load(), cancelled.Load(); a+c != senders*asks || a < senders*asks/3 {
		t.Errorf("%d asks answered, %d cancelled; want %d in all, at least %d answered", a, c, senders*asks, senders*asks/3)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	leaktest.Back(t, base)
}

// TestTellsRacingActorYield: short bursts of Tells spaced so that they reach
// the actor while it handles, while it is about to park on an empty mailbox
// and while it is parked, then Stop at once. Every message that
// was accepted is handled before Stop returns, and nothing after.
func TestTellsRacingActorYield(t *testing.T) {
	base := runtime.NumGoroutine()
	for round := range 300 {
		var handled atomic.Int64
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(context.Context, *int, int) { handled.Add(1) }, actor.Mailbox(4))
		sent := int64(0)
		for burst := range 4 {
			for range burst%2 + 1 {
				if err := ref.Tell(context.Background(), burst); err != nil {
					t.Fatalf("round %d: Tell() = %v, want nil", round, err)
				}
				sent++
			}
			for range (round + burst) % 4 {
				runtime.Gosched()
			}
		}
		if err := ref.Stop(); err != nil {
			t.Fatalf("round %d: Stop() = %v, want nil", round, err)
		}
		if got := handled.Load(); got != sent {
			t.Fatalf("round %d: %d messages handled when Stop returned, want %d", round, got, sent)
		}
	}
	leaktest.Back(t, base)
}
