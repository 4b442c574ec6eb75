//go:build lockcheck

package lock_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/lock"
)

// The lock-order checker keeps what it has seen for the whole process, so
// each test makes its own classes: unique names, or creation sites that no
// other test uses.

// checkerSlowdown divides the sizes of the stress tests when the checker,
// which costs microseconds per acquisition, is compiled in.
const checkerSlowdown = 5

var classSeq atomic.Int64

// unique returns a class name no other call returns.
func unique(name string) string {
	return fmt.Sprintf("%s#%d", name, classSeq.Add(1))
}

// nest locks outer, then inner inside it.
func nest(outer, inner *lock.Guarded[int]) {
	outer.Do(func(*int) { inner.Do(func(*int) {}) })
}

func lockAThenB(a, b *lock.Guarded[int]) { nest(a, b) }
func lockBThenA(a, b *lock.Guarded[int]) { nest(b, a) }

// checkReport checks a checker panic: a lock: message that contains every
// string in want (class names, functions of the stacks).
func checkReport(t *testing.T, f func(), want ...string) string {
	t.Helper()
	v := mustPanic(t, f)
	msg, ok := v.(string)
	if !ok || !strings.HasPrefix(msg, "lock: ") {
		t.Fatalf("panic value = %#v, want a string starting with %q", v, "lock: ")
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("checker report does not mention %q; report:\n%s", w, msg)
		}
	}
	return msg
}

func TestCheckerCatchesInversionWithoutDeadlock(t *testing.T) {
	na, nb := unique("a"), unique("b")
	a, b := lock.NewNamed(na, 0), lock.NewNamed(nb, 0)
	lockAThenB(a, b) // one goroutine, one order: no deadlock is possible yet
	checkReport(t, func() { lockBThenA(a, b) },
		"lock order inversion", na, nb,
		"lock_test.lockAThenB", // the earlier order's stacks
		"lock_test.lockBThenA", // this acquisition's stacks
	)
	// The panic came before blocking and released what was held.
	if !a.TryDo(func(*int) {}) || !b.TryDo(func(*int) {}) {
		t.Errorf("TryDo after the report = false, want true for both locks")
	}
	// The first order is still fine.
	lockAThenB(a, b)
}

func TestCheckerCatchesInversionAcrossGoroutines(t *testing.T) {
	a, b := lock.NewNamed(unique("a"), 0), lock.NewNamed(unique("b"), 0)
	var wg sync.WaitGroup
	wg.Go(func() { lockAThenB(a, b) })
	finish(t, &wg)
	checkReport(t, func() { lockBThenA(a, b) }, "lock_test.lockAThenB", "lock_test.lockBThenA")
}

func TestCheckerCatchesReacquire(t *testing.T) {
	name := unique("self")
	g := lock.NewNamed(name, 0)
	checkReport(t, func() { nest(g, g) }, "already holds", name, "lock_test.nest")
	rw := lock.NewRWNamed(unique("rw"), 0)
	checkReport(t, func() { rw.Read(func(int) { rw.Read(func(int) {}) }) }, "already holds")
	s := lock.NewSnapshot(0)
	checkReport(t, func() {
		s.Update(func(n int) int { return s.Update(func(n int) int { return n }) })
	}, "already holds")
	if !g.TryDo(func(*int) {}) {
		t.Errorf("TryDo after the report = false, want true")
	}
}

func TestCheckerCatchesLongerCycle(t *testing.T) {
	a, b, c := lock.NewNamed(unique("a"), 0), lock.NewNamed(unique("b"), 0), lock.NewNamed(unique("c"), 0)
	nest(a, b)
	nest(b, c)
	nest(a, c) // consistent with a < b < c
	checkReport(t, func() { nest(c, a) }, "lock order inversion")
}

func TestCheckerSameClassNested(t *testing.T) {
	name := unique("account")
	x, y := lock.NewNamed(name, 0), lock.NewNamed(name, 0)
	checkReport(t, func() { nest(x, y) }, "one class", "NewNamed")
}

// TestCheckerQuietOnConsistentOrder uses 1,000 instances of each of two
// classes (made at one line each), always in the same class order, from
// several goroutines: a per-instance checker sees 1,000 unrelated pairs, a
// class checker one order, and neither reports anything. Then the opposite
// order on a pair never used before is still caught, by class.
func TestCheckerQuietOnConsistentOrder(t *testing.T) {
	const n = 1000
	newAccount := func() *lock.Guarded[int] { return lock.New(0) }
	newLog := func() *lock.Guarded[int] { return lock.New(0) }
	accounts, logs := make([]*lock.Guarded[int], n), make([]*lock.Guarded[int], n)
	for i := range n {
		accounts[i], logs[i] = newAccount(), newLog()
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range n {
				nest(accounts[(i+w)%n], logs[(i*7+w)%n])
			}
		})
	}
	finish(t, &wg)
	checkReport(t, func() { nest(newLog(), newAccount()) }, "lock order inversion", "check_test.go")
}

// TestCheckerQuietOnBothAcrossInstances locks pairs of 1,000 instances of one
// class with Both, in both argument orders: Both orders them by rank, which
// is safe, so nothing is reported.
func TestCheckerQuietOnBothAcrossInstances(t *testing.T) {
	const n = 1000
	name := unique("account")
	accounts := make([]*lock.Guarded[int], n)
	for i := range n {
		accounts[i] = lock.NewNamed(name, 100)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range n {
				a, b := accounts[i], accounts[(i*13+w+1)%n]
				if a == b {
					continue
				}
				if w%2 == 1 {
					a, b = b, a
				}
				lock.Both(a, b, func(x, y *int) { *x--; *y++ })
			}
		})
	}
	finish(t, &wg)
	// Both across two classes, either way, stays quiet too.
	other := unique("ledger")
	l1, l2 := lock.NewNamed(other, 0), lock.NewNamed(other, 0)
	lock.Both(accounts[0], l1, func(*int, *int) {})
	lock.Both(l2, accounts[1], func(*int, *int) {})
}

// TestCheckerBothAgainstNestedOrder: Both takes a pair in either order, so a
// fixed nested order between the same two classes elsewhere could deadlock
// against it.
func TestCheckerBothAgainstNestedOrder(t *testing.T) {
	na, nb := unique("a"), unique("b")
	nest(lock.NewNamed(na, 0), lock.NewNamed(nb, 0))
	a, b := lock.NewNamed(na, 0), lock.NewNamed(nb, 0)
	checkReport(t, func() { lock.Both(a, b, func(*int, *int) {}) }, "Both locks", na, nb)

	// And the other way round: Both first, then a nested order.
	nc, nd := unique("c"), unique("d")
	c, d := lock.NewNamed(nc, 0), lock.NewNamed(nd, 0)
	lock.Both(c, d, func(*int, *int) {})
	checkReport(t, func() { nest(c, d) }, "lock order inversion", nc, nd)
}

// TestCheckerTryDoIsNotChecked: TryDo cannot deadlock, so it adds no order;
// what is locked inside it is ordered after it.
func TestCheckerTryDoIsNotChecked(t *testing.T) {
	a, b := lock.NewNamed(unique("a"), 0), lock.NewNamed(unique("b"), 0)
	nest(a, b)
	b.Do(func(*int) {
		if !a.TryDo(func(*int) {}) {
			t.Errorf("TryDo = false, want true")
		}
	})
	c := lock.NewNamed(unique("c"), 0)
	c.TryDo(func(*int) { a.Do(func(*int) {}) }) // records c before a
	checkReport(t, func() { nest(a, c) }, "lock order inversion")
}

func TestCheckerDoContextGivingUpReleases(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := lock.NewNamed(unique("a"), 0), lock.NewNamed(unique("b"), 0)
		held, release := make(chan struct{}), make(chan struct{})
		go b.Do(func(*int) { close(held); <-release })
		<-held
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		a.Do(func(*int) {
			// Checked (a before b) before waiting, then given up.
			if err := b.DoContext(ctx, func(*int) {}); err != context.DeadlineExceeded {
				t.Errorf("DoContext = %v, want %v", err, context.DeadlineExceeded)
			}
		})
		close(release)
		// b is no longer recorded as held by this goroutine.
		b.Do(func(*int) {})
		// The order a before b was recorded when DoContext started waiting.
		checkReport(t, func() { nest(b, a) }, "lock order inversion")
	})
}
