package actor_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
)

// TestRefMadeOutsideBubble: a Ref made outside a testing/synctest bubble is
// told, asked (also with a deadline, and by several askers at once), waited
// on for room, stopped and shut down (also by the end of its spawn
// context), inside bubbles and outside, in turn. A channel
// made lazily inside a bubble and used again outside kills the process with
// a fatal error, which cannot be recovered: the body runs in a child
// process.
func TestRefMadeOutsideBubble(t *testing.T) {
	if os.Getenv("ACTOR_BUBBLE_CHILD") == "1" {
		refOutsideBubble(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRefMadeOutsideBubble$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ACTOR_BUBBLE_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
}

func refOutsideBubble(t *testing.T) {
	type msg struct {
		n     int
		reply actor.Reply[int]
		text  actor.Reply[string]
	}
	ref := actor.Spawn(context.Background(), func() int { return 0 },
		func(_ context.Context, sum *int, m msg) {
			*sum += m.n
			m.reply.Send(*sum)
			m.text.Send("ok")
		}, actor.Mailbox(1))
	use := func(t *testing.T) {
		if err := ref.Tell(context.Background(), msg{n: 1}); err != nil {
			t.Errorf("Tell() = %v", err)
		}
		ref.TryTell(msg{n: 1})
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		done := make(chan struct{})
		for range 12 { // more askers than the reply channels made at Spawn
			go func() {
				defer func() { done <- struct{}{} }()
				if _, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) msg { return msg{reply: r} }); err != nil {
					t.Errorf("Ask() = %v", err)
				}
				if s, err := actor.Ask(context.Background(), ref, func(r actor.Reply[string]) msg { return msg{text: r} }); s != "ok" || err != nil {
					t.Errorf("Ask() = %q, %v", s, err)
				}
			}()
		}
		for range 12 {
			<-done
		}
	}
	for round := range 3 {
		synctest.Test(t, use)
		use(t)
		_ = round
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	stopOutsideBubble(t)
}

// stopOutsideBubble stops Refs made outside a bubble, from inside one and
// from outside, in turn: Stop, Shutdown of an idle actor and of a busy one
// with a ctx already done, and the end of the spawn context.
func stopOutsideBubble(t *testing.T) {
	for round := range 4 {
		inside := round%2 == 0
		spawnCtx, cancelSpawn := context.WithCancel(context.Background())
		gate := make(chan struct{})
		refs := make([]*actor.Ref[int], 4)
		for i := range refs {
			ctx := context.Background()
			if i == 3 {
				ctx = spawnCtx
			}
			refs[i] = actor.Spawn(ctx, func() int { return 0 },
				func(_ context.Context, _ *int, m int) {
					if m == 1 {
						<-gate
					}
				}, actor.Mailbox(2))
		}
		for _, ref := range refs {
			_ = ref.Tell(context.Background(), 0)
		}
		_ = refs[2].Tell(context.Background(), 1) // busy until gate is closed
		stop := func(t *testing.T) {
			done, cancel := context.WithCancel(context.Background())
			cancel()
			if err := refs[0].Stop(); err != nil {
				t.Errorf("Stop() = %v", err)
			}
			for refs[1].Stats().Running != 0 || refs[1].Stats().Completed != 1 {
				runtime.Gosched()
			}
			if err := refs[1].Shutdown(done); err != nil {
				t.Errorf("Shutdown(done ctx) of an idle actor = %v, want nil", err)
			}
			if err := refs[2].Shutdown(done); err != context.Canceled {
				t.Errorf("Shutdown(done ctx) of a busy actor = %v, want context.Canceled", err)
			}
			cancelSpawn()
			for _, ref := range refs {
				if err := ref.Tell(context.Background(), 0); !errors.Is(err, tame.ErrClosed) {
					t.Errorf("Tell() after the stop = %v, want tame.ErrClosed", err)
				}
			}
		}
		if inside {
			synctest.Test(t, stop)
		} else {
			stop(t)
		}
		close(gate)
		for i, ref := range refs {
			if err := ref.Stop(); err != nil {
				t.Errorf("Stop() of actor %d after the round = %v", i, err)
			}
		}
	}
}
