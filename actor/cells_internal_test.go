package actor

import (
	"context"
	"testing"
)

// TestSpareCellBackAfterMsgPanics: an Ask whose msg function panics (after
// keeping its Reply) gives the spare reply cell back with its ticket retired:
// the next Ask takes the spare again, and a Send on the kept Reply does not
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
	spare := cellsOf[int](&ref.cells)
	if spare.busy.Load() {
		t.Errorf("the spare reply cell is still taken after the Ask whose msg panicked")
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
