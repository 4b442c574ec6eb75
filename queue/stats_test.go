package queue_test

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/queue"
)

// TestStatsVocabulary checks every field of Stats at two moments: with the
// handler held in a call, items waiting and a Push blocked; and after
// Close, where Submitted == Completed + Failed.
func TestStatsVocabulary(t *testing.T) {
	type pusher struct {
		q    closer
		push func(context.Context, int) error
		try  func(int) bool
	}
	makers := map[string]func(handle func(int)) pusher{
		"Queue": func(handle func(int)) pusher {
			q := queue.New(2, handle)
			return pusher{q, q.Push, q.TryPush}
		},
		"Keyed": func(handle func(int)) pusher {
			q := queue.NewKeyed(4, 2, func(_ string, v int) { handle(v) })
			return pusher{q,
				func(ctx context.Context, v int) error { return q.Push(ctx, "k", v) },
				func(v int) bool { return q.TryPush("k", v) }}
		},
	}
	for name, newQueue := range makers {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newGate[int]()
				p := newQueue(func(v int) {
					g.handle(v)
					if v == 2 {
						panic("two")
					}
				})
				for v := range 3 {
					p.push(context.Background(), v)
					synctest.Wait()
				}
				p.try(9)
				go p.push(context.Background(), 3)
				synctest.Wait()
				keys := 0
				if name == "Keyed" {
					keys = 1
				}
				want := queue.Stats{Submitted: 3, Refused: 1, Waiting: 2, MaxWaiting: 2, Running: 1, Keys: keys, Blocked: 1}
				if s := p.q.Stats(); s != want {
					t.Errorf("Stats() while held = %+v, want %+v", s, want)
				}
				g.open()
				synctest.Wait() // the blocked Push is let in
				p.q.Close()
				want = queue.Stats{Submitted: 4, Refused: 1, MaxWaiting: 2, Completed: 3, Failed: 1}
				if s := p.q.Stats(); s != want {
					t.Errorf("Stats() after Close = %+v, want %+v", s, want)
				}
			})
		})
	}
}
