package lock_test

import (
	"sync"
	"testing"

	"github.com/tamego/tame/lock"
)

// TestRWReadersOverlap holds one Read open until a second Read has started:
// with an exclusive lock the second would wait forever (the watchdog fails
// the test).
func TestRWReadersOverlap(t *testing.T) {
	g := lock.NewRW("v")
	first, second := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		g.Read(func(string) { close(first); <-second })
	})
	wg.Go(func() {
		<-first
		g.Read(func(string) { close(second) })
	})
	finish(t, &wg)
}

func TestRWReadGetsACopy(t *testing.T) {
	var g lock.RWGuarded[[2]int] // the zero value is ready
	g.Write(func(v *[2]int) { v[0], v[1] = 1, 2 })
	g.Read(func(v [2]int) { v[0] = 100 })
	g.Read(func(v [2]int) {
		if v != [2]int{1, 2} {
			t.Errorf("value = %v, want [1 2] (a change to Read's copy leaked)", v)
		}
	})
}

// TestRWNoTornReads checks that readers never see a half-done write.
func TestRWNoTornReads(t *testing.T) {
	type pair struct{ a, b int }
	g := lock.NewRW(pair{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 2000 {
				if i%2 == 0 {
					g.Write(func(p *pair) { p.b++; p.a = 2 * p.b })
					continue
				}
				g.Read(func(p pair) {
					if p.a != 2*p.b {
						t.Errorf("read a=%d b=%d, want a == 2*b", p.a, p.b)
					}
				})
			}
		})
	}
	finish(t, &wg)
}

func TestRWPanicReleasesLock(t *testing.T) {
	g := lock.NewRW(0)
	if v := mustPanic(t, func() { g.Read(func(int) { panic(errBoom) }) }); v != errBoom {
		t.Fatalf("Read: recovered %v, want %v", v, errBoom)
	}
	if v := mustPanic(t, func() { g.Write(func(*int) { panic(errBoom) }) }); v != errBoom {
		t.Fatalf("Write: recovered %v, want %v", v, errBoom)
	}
	// Write needs every read lock gone: it would hang if one were left.
	var wg sync.WaitGroup
	wg.Go(func() { g.Write(func(n *int) { *n = 1 }) })
	finish(t, &wg)
}
