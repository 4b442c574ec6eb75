package actor

import (
	"context"
	"testing"
)

// TestSpareCellBackAfterMsgPanics: an Ask whose msg function panics (after
// keeping its Reply) gives the reply cell back with its ticket retired:
// the next Ask takes the same cell again, and a Send on the kept Reply does not
// reach it.
func TestSpareCellBackAfterMsgPanics(t *testing.T) {
	type msg struct {
		id    int
		reply Reply[int]
	}
	ref := Spawn(context.Background(), func() int { return 0 },
		func(_ context.Context, _ *int, m msg) { m.reply.Send(m.id) })
	var kept Reply[int]
	func() {
		defer func() {
			if v := recover(); v != "msg" {
				t.Errorf("Ask panicked with %v, want the panic of msg", v)
			}
		}()
		_, _ = Ask(context.Background(), ref, func(r Reply[int]) msg {
			kept = r
			panic("msg")
		})
	}()
	if b := ref.replies.busy.Load(); b != 0 {
		t.Errorf("reply cells taken = %b after the Ask whose msg panicked, want none", b)
	}
	got, err := Ask(context.Background(), ref, func(r Reply[int]) msg {
		if r.c == kept.c {
			kept.Send(-1) // the ticket of the failed Ask: dropped
		}
		return msg{id: 2, reply: r}
	})
	if got != 2 || err != nil {
		t.Errorf("Ask() = %d, %v; want 2, nil", got, err)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
}
