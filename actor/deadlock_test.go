package actor_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
)

// TestWaitOnItselfWithAnyContext: an actor that waits on itself from its
// own goroutine (a Tell to its full mailbox, an Ask to itself) gets an
// error wrapping tame.ErrDeadlock whatever ctx it passes, not only with the
// one receive got: from receive, init and OnPanic, with a ctx that does not
// come from receive's (the actor restarts after the panic that
// calls OnPanic, so it is open). In a bubble: a call that waits is found blocked, and
// its ctx is then cancelled so that the test can end.
func TestWaitOnItselfWithAnyContext(t *testing.T) {
	calls := map[string]func(ctx context.Context, ref *actor.Ref[int]) error{
		"Tell": func(ctx context.Context, ref *actor.Ref[int]) error {
			for ref.TryTell(0) { // fill the mailbox
			}
			return ref.Tell(ctx, 0)
		},
		"Ask": func(ctx context.Context, ref *actor.Ref[int]) error {
			_, err := actor.Ask(ctx, ref, func(actor.Reply[int]) int { return 0 })
			return err
		},
	}
	for name, do := range calls {
		for _, where := range []string{"receive", "init", "OnPanic"} {
			t.Run(name+"/"+where, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					var ref *actor.Ref[int]
					ready := make(chan struct{})
					got := make(chan error, 1)
					try := func() {
						<-ready
						got <- do(ctx, ref)
					}
					inits := 0
					ref = actor.Spawn(context.Background(), func() int {
						if inits++; inits == 1 && where == "init" {
							try()
						}
						return 0
					}, func(_ context.Context, _ *int, m int) {
						switch {
						case m == 1 && where == "receive":
							try()
						case m == 1 && where == "OnPanic":
							panic("boom")
						}
					}, actor.Mailbox(2), actor.Restart(1, time.Hour), actor.OnPanic(func(*tame.PanicError) {
						if where == "OnPanic" {
							try()
						}
					}))
					if where != "init" {
						_ = ref.Tell(context.Background(), 1)
					}
					close(ready)
					synctest.Wait()
					select {
					case err := <-got:
						if !errors.Is(err, tame.ErrDeadlock) {
							t.Errorf("%s from %s to its own actor = %v, want tame.ErrDeadlock", name, where, err)
						}
					default:
						t.Errorf("%s from %s to its own actor waits for itself", name, where)
						cancel()
					}
					err := ref.Stop()
					if where != "OnPanic" && err != nil {
						t.Errorf("Stop() = %v, want nil", err)
					}
				})
			})
		}
	}
}
