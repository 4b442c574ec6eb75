package actor_test

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/actor"
)

// TestRefMadeOutsideBubble: a Ref made outside a testing/synctest bubble is
// told, asked (also with a deadline, and by several askers at once), waited
// on for room and stopped, inside bubbles and outside, in turn. A channel
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
}
