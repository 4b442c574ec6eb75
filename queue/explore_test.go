package queue_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/tamego/tame"
	"github.com/tamego/tame/queue"
	"github.com/tamego/tame/tametest"
)

// TestQueueExplored explores two producers and a Close that race on a
// small queue (go test -tags tametest: each run is held back at different
// Pushes, handoffs and the Close; without the tag, plain repetition):
// under every schedule each producer's items are handled in the order it
// pushed them, every accepted item is handled once, and a Push refused by
// the Close says tame.ErrClosed.
func TestQueueExplored(t *testing.T) {
	tametest.Explore(t, func(t *testing.T) {
		var got []int // touched by the handler only, read after Close
		q := queue.New(2, func(v int) { got = append(got, v) })
		accepted := make([][]int, 2)
		var wg sync.WaitGroup
		for p := range 2 {
			wg.Go(func() {
				for i := range 3 {
					v := 10*p + i
					switch err := q.Push(context.Background(), v); {
					case err == nil:
						accepted[p] = append(accepted[p], v)
					case !errors.Is(err, tame.ErrClosed):
						t.Errorf("Push(%d) = %v, want nil or ErrClosed", v, err)
					}
				}
			})
		}
		wg.Go(func() { _ = q.Close() })
		wg.Wait()
		if err := q.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		for p := range 2 {
			var mine []int
			for _, v := range got {
				if v/10 == p {
					mine = append(mine, v)
				}
			}
			if len(mine) != len(accepted[p]) {
				t.Fatalf("producer %d: handled %v, accepted %v", p, mine, accepted[p])
			}
			for i := range mine {
				if mine[i] != accepted[p][i] {
					t.Fatalf("producer %d: handled %v, want %v in that order", p, mine, accepted[p])
				}
			}
		}
	}, tametest.Runs(300))
}
