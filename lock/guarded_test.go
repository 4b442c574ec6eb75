package lock_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tamego/tame/lock"
)

func TestNoLostUpdates(t *testing.T) {
	const goroutines = 64
	each := 1000 / checkerSlowdown // 64,000 increments, fewer with the checker
	tests := []struct {
		name string
		// newCounter returns an increment and a read of one counter.
		newCounter func() (inc func(), get func() int)
	}{
		{"Do", func() (func(), func() int) {
			g := lock.New(0)
			return func() { g.Do(func(n *int) { *n++ }) },
				func() int { return lock.With(g, func(n *int) int { return *n }) }
		}},
		{"With", func() (func(), func() int) {
			var g lock.Guarded[int]
			return func() { lock.With(&g, func(n *int) bool { *n++; return true }) },
				func() int { return lock.With(&g, func(n *int) int { return *n }) }
		}},
		{"DoContext", func() (func(), func() int) {
			g := lock.New(0)
			return func() {
					if err := g.DoContext(context.Background(), func(n *int) { *n++ }); err != nil {
						panic(err)
					}
				},
				func() int { return lock.With(g, func(n *int) int { return *n }) }
		}},
		{"Write", func() (func(), func() int) {
			g := lock.NewRW(0)
			return func() { g.Write(func(n *int) { *n++ }) },
				func() int { n := 0; g.Read(func(v int) { n = v }); return n }
		}},
		{"Update", func() (func(), func() int) {
			s := lock.NewSnapshot(0)
			return func() { s.Update(func(n int) int { return n + 1 }) }, s.Load
		}},
		{"Both", func() (func(), func() int) {
			a, b := lock.New(0), lock.New(int64(0))
			return func() { lock.Both(a, b, func(a *int, b *int64) { *a++; *b-- }) },
				func() int { return lock.With(a, func(n *int) int { return *n }) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc, get := tt.newCounter()
			var wg sync.WaitGroup
			for range goroutines {
				wg.Go(func() {
					for range each {
						inc()
					}
				})
			}
			finish(t, &wg)
			if got, want := get(), goroutines*each; got != want {
				t.Errorf("count = %d, want %d", got, want)
			}
		})
	}
}

// errBoom is what the tests panic with.
var errBoom = errors.New("boom")

func TestPanicReleasesLockAndPropagates(t *testing.T) {
	g := lock.New(0)
	tests := []struct {
		name string
		call func(fn func(*int))
	}{
		{"Do", func(fn func(*int)) { g.Do(fn) }},
		{"With", func(fn func(*int)) { lock.With(g, func(n *int) int { fn(n); return 0 }) }},
		{"TryDo", func(fn func(*int)) {
			if !g.TryDo(fn) {
				panic("TryDo found the lock held")
			}
		}},
		{"DoContext", func(fn func(*int)) { _ = g.DoContext(context.Background(), fn) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustPanic(t, func() {
				tt.call(func(n *int) { *n++; panic(errBoom) })
			})
			if v != errBoom {
				t.Fatalf("recovered %v, want %v", v, errBoom)
			}
			// The lock is free again: TryDo takes it at once.
			if !g.TryDo(func(*int) {}) {
				t.Fatalf("TryDo after a panic in fn = false, want true (lock left held)")
			}
			g.Do(func(*int) {})
		})
	}
	if got, want := lock.With(g, func(n *int) int { return *n }), len(tests); got != want {
		t.Errorf("value = %d, want %d (what fn wrote before panicking stays)", got, want)
	}
}

func TestPanicNilAndGoexitReleaseLock(t *testing.T) {
	g := lock.New(0)
	v := mustPanic(t, func() { g.Do(func(*int) { panic(nil) }) })
	if _, ok := v.(*runtime.PanicNilError); !ok {
		t.Fatalf("recovered %T, want *runtime.PanicNilError", v)
	}
	if !g.TryDo(func(*int) {}) {
		t.Fatalf("TryDo after panic(nil) = false, want true")
	}
	var wg sync.WaitGroup
	wg.Go(func() { g.Do(func(*int) { runtime.Goexit() }) })
	finish(t, &wg)
	if !g.TryDo(func(*int) {}) {
		t.Fatalf("TryDo after runtime.Goexit in fn = false, want true")
	}
}

func TestZeroGuardedIsReady(t *testing.T) {
	var g lock.Guarded[[]string]
	g.Do(func(v *[]string) { *v = append(*v, "a") })
	if !g.TryDo(func(v *[]string) { *v = append(*v, "b") }) {
		t.Fatalf("TryDo on a free zero Guarded = false, want true")
	}
	if err := g.DoContext(context.Background(), func(v *[]string) { *v = append(*v, "c") }); err != nil {
		t.Fatalf("DoContext = %v, want nil", err)
	}
	got := lock.With(&g, func(v *[]string) string { return strings.Join(*v, "") })
	if got != "abc" {
		t.Errorf("value = %q, want %q", got, "abc")
	}
}

func TestTryDo(t *testing.T) {
	g := lock.New(0)
	if !g.TryDo(func(n *int) { *n = 1 }) {
		t.Fatalf("TryDo on a free Guarded = false, want true")
	}
	held, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		g.Do(func(*int) { close(held); <-release })
	})
	<-held
	ran := false
	if g.TryDo(func(*int) { ran = true }) || ran {
		t.Errorf("TryDo on a held Guarded = true (ran=%v), want false without running fn", ran)
	}
	close(release)
	finish(t, &wg)
	// Inside its own fn, TryDo reports false instead of deadlocking.
	g.Do(func(*int) {
		if g.TryDo(func(*int) {}) {
			t.Errorf("TryDo inside Do on the same Guarded = true, want false")
		}
	})
}

func TestNilArgumentsPanic(t *testing.T) {
	g, rw, s := lock.New(0), lock.NewRW(0), lock.NewSnapshot(0)
	var nilCtx context.Context
	var nilG *lock.Guarded[int]
	tests := []struct {
		name, want string
		call       func()
	}{
		{"Do", "lock: Guarded.Do called with a nil fn", func() { g.Do(nil) }},
		{"With", "lock: With called with a nil fn", func() { lock.With[int, int](g, nil) }},
		{"TryDo", "lock: Guarded.TryDo called with a nil fn", func() { g.TryDo(nil) }},
		{"DoContext ctx", "lock: Guarded.DoContext called with a nil ctx", func() { _ = g.DoContext(nilCtx, func(*int) {}) }},
		{"DoContext fn", "lock: Guarded.DoContext called with a nil fn", func() { _ = g.DoContext(context.Background(), nil) }},
		{"Read", "lock: RWGuarded.Read called with a nil fn", func() { rw.Read(nil) }},
		{"Write", "lock: RWGuarded.Write called with a nil fn", func() { rw.Write(nil) }},
		{"Update", "lock: Snapshot.Update called with a nil fn", func() { s.Update(nil) }},
		{"Both a", "lock: Both called with a nil a", func() { lock.Both(nilG, g, func(*int, *int) {}) }},
		{"Both b", "lock: Both called with a nil b", func() { lock.Both(g, nilG, func(*int, *int) {}) }},
		{"Both fn", "lock: Both called with a nil fn", func() { lock.Both(g, lock.New(0), nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustPanicWith(t, tt.want, tt.call)
		})
	}
	// None of them left a lock held.
	if !g.TryDo(func(*int) {}) {
		t.Errorf("TryDo after the misuse panics = false, want true")
	}
}
