package lock_test

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/lock"
)

func TestSnapshotZeroIsReady(t *testing.T) {
	var s lock.Snapshot[string]
	if got := s.Load(); got != "" {
		t.Fatalf("Load() on the zero Snapshot = %q, want %q", got, "")
	}
	if got := s.Update(func(old string) string { return old + "x" }); got != "x" {
		t.Errorf("Update() = %q, want %q", got, "x")
	}
	if got := s.Load(); got != "x" {
		t.Errorf("Load() = %q, want %q", got, "x")
	}
}

// TestSnapshotHeldVersionNeverChanges keeps the versions readers loaded and
// checks them after many later updates. Update copies the slice before
// changing it, as the Snapshot doc requires of writers; under -race, a write
// into a version a reader holds would be reported as a race, too.
func TestSnapshotHeldVersionNeverChanges(t *testing.T) {
	s := lock.NewSnapshot([]int{0})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				s.Update(func(old []int) []int {
					next := slices.Clone(old)
					for i := range next {
						next[i]++
					}
					return append(next, next[0])
				})
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			for range 50 {
				held := s.Load()
				want := slices.Clone(held)
				for range 20 {
					s.Load() // let updates happen meanwhile
				}
				if !slices.Equal(held, want) {
					t.Errorf("a held version changed from %v to %v", want, held)
					return
				}
			}
		})
	}
	finish(t, &wg)
	if got := s.Load(); len(got) != 801 || got[0] != 800 {
		t.Errorf("final version has len %d, first %d, want 801, 800", len(got), got[0])
	}
}

// TestSnapshotNoTornReads: 8 readers and 8 writers; every version has
// a == 2*b, and no reader sees a mix of two versions.
func TestSnapshotNoTornReads(t *testing.T) {
	type pair struct{ a, b int64 }
	const writers, readers, each = 8, 8, 1000
	s := lock.NewSnapshot(pair{})
	var torn atomic.Int64
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				s.Update(func(p pair) pair { p.b++; p.a = 2 * p.b; return p })
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range 5 * each {
				if p := s.Load(); p.a != 2*p.b {
					torn.Add(1)
				}
			}
		})
	}
	finish(t, &wg)
	if n := torn.Load(); n != 0 {
		t.Errorf("%d torn reads, want 0", n)
	}
	if got := s.Load(); got.b != writers*each {
		t.Errorf("b = %d, want %d (an update was lost)", got.b, writers*each)
	}
}

func TestSnapshotPanickingUpdatePublishesNothing(t *testing.T) {
	s := lock.NewSnapshot("v1")
	v := mustPanic(t, func() {
		s.Update(func(string) string { panic(errBoom) })
	})
	if v != errBoom {
		t.Fatalf("recovered %v, want %v", v, errBoom)
	}
	if got := s.Load(); got != "v1" {
		t.Errorf("Load() after a panicking Update = %q, want %q", got, "v1")
	}
	// The writers' lock was released: the next Update runs, and sees v1.
	if got := s.Update(func(old string) string { return old + "+v2" }); got != "v1+v2" {
		t.Errorf("Update() = %q, want %q", got, "v1+v2")
	}
}

func TestSnapshotUpdateRunsFnOncePerCall(t *testing.T) {
	const goroutines, each = 64, 100
	s := lock.NewSnapshot(0)
	var calls, inside atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				s.Update(func(n int) int {
					if inside.Add(1) != 1 {
						t.Errorf("two Update functions ran at once")
					}
					calls.Add(1)
					inside.Add(-1)
					return n + 1
				})
			}
		})
	}
	finish(t, &wg)
	if got, want := calls.Load(), int64(goroutines*each); got != want {
		t.Errorf("fn ran %d times, want %d (once per Update)", got, want)
	}
	if got := s.Load(); got != goroutines*each {
		t.Errorf("Load() = %d, want %d", got, goroutines*each)
	}
}
