//go:build !lockcheck

package lock_test

import (
	"testing"

	"github.com/tamego/tame/lock"
)

// checkerSlowdown divides the sizes of the stress tests when the checker is
// compiled in; without it, they run at full size.
const checkerSlowdown = 1

// Without the build tag lockcheck the checker is compiled out: opposite
// orders that happen not to deadlock pass unnoticed, as with sync.Mutex.
// Run the tests with -tags lockcheck to see them caught (check_test.go).
func TestCheckerOffByDefault(t *testing.T) {
	a, b := lock.NewNamed("a", 0), lock.New(0)
	a.Do(func(*int) { b.Do(func(*int) {}) })
	b.Do(func(*int) { a.Do(func(*int) {}) }) // no report, no deadlock: one goroutine
}

// TestNoAllocations checks the zero-allocation promise of Do, With, TryDo,
// Read, Load and Both (without the checker, which allocates stacks).
func TestNoAllocations(t *testing.T) {
	g, g2, rw, s := lock.New(0), lock.New(0), lock.NewRW(0), lock.NewSnapshot([4]int64{})
	n := 0
	tests := []struct {
		name string
		f    func()
	}{
		{"Do", func() { g.Do(func(v *int) { *v++ }) }},
		{"With", func() { n += lock.With(g, func(v *int) int { return *v }) }},
		{"TryDo", func() { g.TryDo(func(v *int) { *v++ }) }},
		{"Read", func() { rw.Read(func(v int) { n += v }) }},
		{"Write", func() { rw.Write(func(v *int) { *v++ }) }},
		{"Load", func() { n += int(s.Load()[0]) }},
		{"Both", func() { lock.Both(g, g2, func(a, b *int) { *a++ }) }},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(100, tt.f); got != 0 {
			t.Errorf("%s: %v allocs per call, want 0", tt.name, got)
		}
	}
}
