package actor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
)

// FuzzNothingLost drives an actor with a sequence of tells, failing tells,
// asks and try-tells taken from the input, then stops it, and checks that
// every accepted message was handled (in send order), failed, or reported as
// a dead letter, exactly once.
func FuzzNothingLost(f *testing.F) {
	f.Add([]byte{3, 1, 0, 0, 1, 2, 0, 3, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 0, 2, 3})
	f.Add([]byte{7, 1, 1, 1, 1, 1, 0, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) < 2 {
			return
		}
		capacity, restart := 1+int(ops[0]%8), ops[1]&1 == 1
		type msg struct {
			seq   int
			fail  bool
			reply actor.Reply[int]
		}
		// Tells handled, tells that panicked, dead letters, messages out of
		// order: touched by the actor only, read after Stop.
		var handled, failed, dead, disorder int
		last := 0
		opts := []actor.Option{actor.Mailbox(capacity), actor.DeadLetter(func(msg) { dead++ })}
		if restart {
			opts = append(opts, actor.Restart(3, time.Hour))
		}
		ref := actor.Spawn(context.Background(), func() int { return 0 }, func(_ context.Context, _ *int, m msg) {
			if m.seq <= last {
				disorder++
			}
			last = m.seq
			isTell := m.reply == actor.Reply[int]{}
			if m.fail {
				if isTell {
					failed++
				}
				panic("fail")
			}
			if isTell {
				handled++
			}
			m.reply.Send(m.seq)
		}, opts...)
		accepted := 0
		for i, op := range ops[2:] {
			m := msg{seq: i + 1}
			var err error
			switch op % 4 {
			case 0:
				err = ref.Tell(context.Background(), m)
			case 1:
				m.fail = true
				err = ref.Tell(context.Background(), m)
			case 2:
				var got int
				got, err = actor.Ask(context.Background(), ref, func(r actor.Reply[int]) msg { m.reply = r; return m })
				var pe *tame.PanicError
				switch {
				case err == nil && got != m.seq:
					t.Fatalf("Ask() = %d, want %d", got, m.seq)
				case err != nil && !errors.Is(err, tame.ErrClosed) && !errors.As(err, &pe):
					t.Fatalf("Ask() = %v, want nil or tame.ErrClosed", err)
				}
				continue // asks are not dead letters: counted by their answer
			case 3:
				if !ref.TryTell(m) {
					err = tame.ErrClosed // full or stopped: not accepted
				}
			}
			if err == nil {
				accepted++
			} else if !errors.Is(err, tame.ErrClosed) {
				t.Fatalf("Tell() = %v, want nil or tame.ErrClosed", err)
			}
		}
		stopErr := ref.Stop()
		var dl *actor.DeadLetterError
		if errors.As(stopErr, &dl) && dl.Count != dead {
			t.Errorf("DeadLetterError.Count = %d, handler saw %d", dl.Count, dead)
		}
		if got := handled + failed + dead; got != accepted || disorder != 0 {
			t.Errorf("accepted %d tells; handled %d + failed %d + dead %d (disorder %d)", accepted, handled, failed, dead, disorder)
		}
	})
}
