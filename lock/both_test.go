package lock_test

import (
	"sync"
	"testing"

	"github.com/tamego/tame/lock"
)

// TestBothNeverDeadlocks moves money both ways between two accounts of
// different types from many goroutines at once, half of them naming the
// accounts in one order and half in the other. Taking the two locks in
// argument order would deadlock within a few iterations; the watchdog in
// finish turns a deadlock into a failure.
func TestBothNeverDeadlocks(t *testing.T) {
	const goroutines = 16
	each := 2000 / checkerSlowdown
	a := lock.New(1000)        // *Guarded[int]
	b := lock.New(int64(1000)) // *Guarded[int64]
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			for range each {
				if i%2 == 0 {
					lock.Both(a, b, func(x *int, y *int64) { *x--; *y++ })
				} else {
					lock.Both(b, a, func(y *int64, x *int) { *y--; *x++ })
				}
			}
		})
	}
	finish(t, &wg)
	lock.Both(a, b, func(x *int, y *int64) {
		if *x != 1000 || *y != 1000 {
			t.Errorf("balances = %d, %d, want 1000, 1000", *x, *y)
		}
	})
}

// TestBothZeroValuesRankedOnFirstUse races the first use of zero Guarded
// values (their rank is given lazily) from goroutines that name them in
// opposite orders.
func TestBothZeroValuesRankedOnFirstUse(t *testing.T) {
	for range 20 {
		var a, b lock.Guarded[int]
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for range 50 {
					if i%2 == 0 {
						lock.Both(&a, &b, func(x, y *int) { *x++; *y++ })
					} else {
						lock.Both(&b, &a, func(y, x *int) { *x++; *y++ })
					}
				}
			})
		}
		finish(t, &wg)
		if got := lock.With(&a, func(n *int) int { return *n }); got != 400 {
			t.Fatalf("a = %d, want 400", got)
		}
	}
}

func TestBothSameGuardedPanics(t *testing.T) {
	g := lock.New(0)
	mustPanicWith(t, "lock: Both called with the same Guarded twice", func() {
		lock.Both(g, g, func(*int, *int) {})
	})
	var zero lock.Guarded[string]
	mustPanicWith(t, "lock: Both called with the same Guarded twice", func() {
		lock.Both(&zero, &zero, func(*string, *string) {})
	})
	if !g.TryDo(func(*int) {}) || !zero.TryDo(func(*string) {}) {
		t.Errorf("TryDo after Both(g, g) = false, want true (nothing left locked)")
	}
}

// TestBothNestedValueIsNotTheSame checks that a Guarded stored inside
// another Guarded is a different lock for Both, although it lives inside its
// container's memory.
func TestBothNestedValueIsNotTheSame(t *testing.T) {
	outer := lock.New(lock.Guarded[int]{})
	inner := lock.With(outer, func(v *lock.Guarded[int]) *lock.Guarded[int] { return v })
	lock.Both(outer, inner, func(v *lock.Guarded[int], n *int) { *n = 7 })
	if got := lock.With(inner, func(n *int) int { return *n }); got != 7 {
		t.Errorf("inner value = %d, want 7", got)
	}
}

func TestBothPanicReleasesBoth(t *testing.T) {
	a, b := lock.New("a"), lock.New(2)
	v := mustPanic(t, func() {
		lock.Both(a, b, func(*string, *int) { panic(errBoom) })
	})
	if v != errBoom {
		t.Fatalf("recovered %v, want %v", v, errBoom)
	}
	if !a.TryDo(func(*string) {}) || !b.TryDo(func(*int) {}) {
		t.Errorf("TryDo after a panic in Both = false, want true for both")
	}
}
