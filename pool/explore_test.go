package pool_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/pool"
	"github.com/tamego/tame/tametest"
)

// TestGroupExplored explores a Group of limit 2 whose second task fails
// while the others start (go test -tags tametest: each run is held back at
// different Gos, handoffs and the Wait; without the tag, plain
// repetition): under every schedule Wait returns that error, and no task
// runs after Wait has returned.
func TestGroupExplored(t *testing.T) {
	errBad := errors.New("bad task")
	tametest.Explore(t, func(t *testing.T) {
		g := pool.NewGroup(context.Background(), 2)
		var running, after atomic.Int32
		var waited atomic.Bool
		for i := range 4 {
			g.Go(func(ctx context.Context) error {
				running.Add(1)
				defer running.Add(-1)
				if waited.Load() {
					after.Add(1)
				}
				if i == 1 {
					return errBad
				}
				return nil
			})
		}
		err := g.Wait()
		waited.Store(true)
		if !errors.Is(err, errBad) {
			t.Errorf("Wait() = %v, want %v", err, errBad)
		}
		if n := running.Load(); n != 0 {
			t.Errorf("%d tasks still running after Wait", n)
		}
		if n := after.Load(); n != 0 {
			t.Errorf("%d tasks started after Wait", n)
		}
	}, tametest.Runs(300))
}
