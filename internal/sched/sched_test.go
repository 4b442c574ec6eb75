package sched_test

import (
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/tamego/tame/internal/sched"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// counting is a hook that counts what it is told and manages every caller.
type counting struct {
	mu       sync.Mutex
	points   map[sched.Kind]int
	spins    int
	progress int
}

func (c *counting) Point(k sched.Kind, spinning bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.points[k]++
	if spinning {
		c.spins++
	}
	return true
}

func (c *counting) Progress() {
	c.mu.Lock()
	c.progress++
	c.mu.Unlock()
}

func TestHookSeesPointsAndLocks(t *testing.T) {
	c := &counting{points: make(map[sched.Kind]int)}
	uninstall := sched.Install(c)
	var mu sync.Mutex
	sched.Point(sched.Push)
	sched.Lock(&mu)
	sched.Unlock(&mu)
	var rw sync.RWMutex
	sched.RLock(&rw)
	sched.RUnlock(&rw)
	sched.WLock(&rw)
	sched.WUnlock(&rw)
	uninstall()
	sched.Point(sched.Push) // not seen: uninstalled
	want := map[sched.Kind]int{sched.Push: 1, sched.Acquire: 3}
	if !sched.Enabled {
		want = map[sched.Kind]int{}
	}
	for k, n := range want {
		if c.points[k] != n {
			t.Errorf("points of kind %v = %d, want %d", k, c.points[k], n)
		}
	}
	if wantProgress := len(want) + 1; sched.Enabled && c.progress != wantProgress {
		t.Errorf("progress = %d, want %d", c.progress, wantProgress)
	}
	if !sched.Enabled && (len(c.points) != 0 || c.progress != 0) {
		t.Errorf("without the tag the hook was told %v points and %d releases, want none", c.points, c.progress)
	}
}

// TestLockWaitsAtPoints checks that a goroutine that finds the lock taken
// waits at points (spinning), not inside the mutex.
func TestLockWaitsAtPoints(t *testing.T) {
	if !sched.Enabled {
		t.Skip("needs the tag tametest")
	}
	c := &counting{points: make(map[sched.Kind]int)}
	uninstall := sched.Install(c)
	defer uninstall()
	var mu sync.Mutex
	mu.Lock()
	done := make(chan struct{})
	go func() {
		sched.Lock(&mu)
		sched.Unlock(&mu)
		close(done)
	}()
	for {
		c.mu.Lock()
		spins := c.spins
		c.mu.Unlock()
		if spins > 0 {
			break
		}
	}
	sched.Unlock(&mu)
	<-done
}

func TestKindNames(t *testing.T) {
	if got := sched.Handoff.String(); got != "Handoff" {
		t.Errorf("Handoff.String() = %q, want Handoff", got)
	}
	if got := sched.Kind(200).String(); got != "Kind(?)" {
		t.Errorf("Kind(200).String() = %q, want Kind(?)", got)
	}
}

// load is what a generic tame call does around a point: here a read of
// a shared value. It is generic, like tame's code, so it is instantiated
// in this package, as tame's is in its users' packages.
func load[T any](p *T, point bool) T {
	if point {
		sched.Point(sched.Call)
	}
	return *p
}

// BenchmarkPoint compares a generic read with a point and without, with no
// explorer installed: the same without the tag (the point compiles to
// nothing), an atomic load more with it.
func BenchmarkPoint(b *testing.B) {
	v := 1
	for _, point := range []bool{false, true} {
		name := "without"
		if point {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			sum := 0
			for b.Loop() {
				sum += load(&v, point)
			}
			if sum == 0 {
				b.Fatal("no reads")
			}
		})
	}
}

// BenchmarkLock compares sched.Lock and Unlock with the bare mutex.
func BenchmarkLock(b *testing.B) {
	var mu sync.Mutex
	n := 0
	b.Run("sync.Mutex", func(b *testing.B) {
		for b.Loop() {
			mu.Lock()
			n++
			mu.Unlock()
		}
	})
	b.Run("sched.Lock", func(b *testing.B) {
		for b.Loop() {
			sched.Lock(&mu)
			n++
			sched.Unlock(&mu)
		}
	})
}
