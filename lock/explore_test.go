package lock_test

import (
	"sync"
	"testing"

	"github.com/tamego/tame/lock"
	"github.com/tamego/tame/tametest"
)

// TestBothExplored explores the schedules of two transfers that name two
// accounts in opposite orders (go test -tags tametest: each run is held
// back at a different lock acquire; without the tag, plain repetition):
// under no schedule does Both deadlock or lose money. Taking the locks in
// argument order deadlocks within a few runs.
func TestBothExplored(t *testing.T) {
	tametest.Explore(t, func(t *testing.T) {
		a, b := lock.New(10), lock.New(10)
		var wg sync.WaitGroup
		wg.Go(func() { lock.Both(a, b, func(x, y *int) { *x -= 3; *y += 3 }) })
		wg.Go(func() { lock.Both(b, a, func(y, x *int) { *y -= 5; *x += 5 }) })
		wg.Wait()
		lock.Both(a, b, func(x, y *int) {
			if *x != 12 || *y != 8 {
				t.Errorf("balances = %d, %d, want 12, 8", *x, *y)
			}
		})
	}, tametest.Runs(200))
}

// TestSnapshotUpdatesExplored explores two writers that each add one with
// Update, and a reader: no schedule loses an update, and the reader sees
// only published versions.
func TestSnapshotUpdatesExplored(t *testing.T) {
	tametest.Explore(t, func(t *testing.T) {
		s := lock.NewSnapshot(0)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { s.Update(func(old int) int { return old + 1 }) })
		}
		wg.Go(func() {
			if v := s.Load(); v < 0 || v > 2 {
				t.Errorf("Load() = %d, want 0, 1 or 2", v)
			}
		})
		wg.Wait()
		if v := s.Load(); v != 2 {
			t.Errorf("Load() = %d after two Updates, want 2", v)
		}
	}, tametest.Runs(200))
}
