package lock_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/lock"
)

// The benchmarks run each implementation next to its standard-library
// baseline in one benchmark function, so that a ratio can be read from one
// run. par=K is b.SetParallelism(K): K*GOMAXPROCS goroutines.
//
//	go test -run '^$' -bench . -count 5 ./lock/

var pars = []int{1, 8}

// BenchmarkInc: every operation increments one shared counter.
func BenchmarkInc(b *testing.B) {
	impls := []struct {
		name string
		new  func() (inc func(), get func() int64)
	}{
		{"mutex", func() (func(), func() int64) {
			var mu sync.Mutex
			var n int64
			return func() { mu.Lock(); n++; mu.Unlock() },
				func() int64 { mu.Lock(); defer mu.Unlock(); return n }
		}},
		{"chansem", func() (func(), func() int64) {
			// The design Guarded did not take: a 1-buffered channel as
			// the lock, which a select could wait on with a context.
			sem := make(chan struct{}, 1)
			var n int64
			return func() { sem <- struct{}{}; n++; <-sem },
				func() int64 { sem <- struct{}{}; defer func() { <-sem }(); return n }
		}},
		{"guarded", func() (func(), func() int64) {
			g := lock.New(int64(0))
			return func() { g.Do(func(n *int64) { *n++ }) },
				func() int64 { return lock.With(g, func(n *int64) int64 { return *n }) }
		}},
		{"guarded-docontext", func() (func(), func() int64) {
			g := lock.New(int64(0))
			ctx := context.Background()
			return func() { _ = g.DoContext(ctx, func(n *int64) { *n++ }) },
				func() int64 { return lock.With(g, func(n *int64) int64 { return *n }) }
		}},
		{"rwguarded", func() (func(), func() int64) {
			g := lock.NewRW(int64(0))
			return func() { g.Write(func(n *int64) { *n++ }) },
				func() int64 { var v int64; g.Read(func(n int64) { v = n }); return v }
		}},
	}
	for _, impl := range impls {
		for _, par := range pars {
			b.Run(fmt.Sprintf("impl=%s/par=%d", impl.name, par), func(b *testing.B) {
				inc, get := impl.new()
				b.SetParallelism(par)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						inc()
					}
				})
				if got := get(); got != int64(b.N) {
					b.Fatalf("count = %d, want %d", got, b.N)
				}
			})
		}
	}
}

// quad is the state of BenchmarkReadMostly: a read sums the four fields,
// a write bumps all four, so a consistent read is a multiple of 4.
type quad struct{ a, b, c, d int64 }

func (q *quad) sum() int64 { return q.a + q.b + q.c + q.d }
func (q *quad) bump()      { q.a++; q.b++; q.c++; q.d++ }

// BenchmarkReadMostly: 99 % consistent reads of a 4-field struct, 1 % writes.
// Torn reads are counted and must be 0.
func BenchmarkReadMostly(b *testing.B) {
	impls := []struct {
		name string
		new  func() (read func() int64, write func())
	}{
		{"rwmutex", func() (func() int64, func()) {
			var mu sync.RWMutex
			var q quad
			return func() int64 { mu.RLock(); v := q.sum(); mu.RUnlock(); return v },
				func() { mu.Lock(); q.bump(); mu.Unlock() }
		}},
		{"rwguarded", func() (func() int64, func()) {
			g := lock.NewRW(quad{})
			return func() int64 { var v int64; g.Read(func(q quad) { v = q.sum() }); return v },
				func() { g.Write((*quad).bump) }
		}},
		{"mutex", func() (func() int64, func()) {
			var mu sync.Mutex
			var q quad
			return func() int64 { mu.Lock(); v := q.sum(); mu.Unlock(); return v },
				func() { mu.Lock(); q.bump(); mu.Unlock() }
		}},
		{"guarded", func() (func() int64, func()) {
			g := lock.New(quad{})
			return func() int64 { return lock.With(g, (*quad).sum) },
				func() { g.Do((*quad).bump) }
		}},
		{"atomic-pointer", func() (func() int64, func()) {
			var mu sync.Mutex
			var p atomic.Pointer[quad]
			p.Store(&quad{})
			return func() int64 { return p.Load().sum() },
				func() { mu.Lock(); q := *p.Load(); q.bump(); p.Store(&q); mu.Unlock() }
		}},
		{"snapshot", func() (func() int64, func()) {
			s := lock.NewSnapshot(quad{})
			return func() int64 { q := s.Load(); return q.sum() },
				func() { s.Update(func(q quad) quad { q.bump(); return q }) }
		}},
	}
	for _, impl := range impls {
		for _, par := range pars {
			b.Run(fmt.Sprintf("impl=%s/par=%d", impl.name, par), func(b *testing.B) {
				read, write := impl.new()
				var torn atomic.Int64
				b.SetParallelism(par)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					i, bad := 0, int64(0)
					for pb.Next() {
						i++
						if i%100 == 0 {
							write()
						} else if read()%4 != 0 {
							bad++
						}
					}
					torn.Add(bad)
				})
				if n := torn.Load(); n != 0 {
					b.Fatalf("%d torn reads", n)
				}
			})
		}
	}
}

// BenchmarkTransfer: moves one unit between two of 16 accounts chosen per
// operation, in both directions. The baseline locks two mutexes in the
// order of their index; Both orders by rank.
func BenchmarkTransfer(b *testing.B) {
	const accounts = 16
	b.Run("impl=mutex-ordered", func(b *testing.B) {
		type account struct {
			mu sync.Mutex
			n  int64
		}
		accts := make([]account, accounts)
		b.ReportAllocs()
		var seed atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seed.Add(1))
			for pb.Next() {
				i++
				from, to := i%accounts, (i*7+1)%accounts
				if from == to {
					continue
				}
				lo, hi := min(from, to), max(from, to)
				accts[lo].mu.Lock()
				accts[hi].mu.Lock()
				accts[from].n--
				accts[to].n++
				accts[hi].mu.Unlock()
				accts[lo].mu.Unlock()
			}
		})
	})
	b.Run("impl=both", func(b *testing.B) {
		accts := make([]*lock.Guarded[int64], accounts)
		for i := range accts {
			accts[i] = lock.New(int64(0))
		}
		move := func(f, t *int64) { *f--; *t++ }
		b.ReportAllocs()
		var seed atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			i := int(seed.Add(1))
			for pb.Next() {
				i++
				from, to := i%accounts, (i*7+1)%accounts
				if from == to {
					continue
				}
				lock.Both(accts[from], accts[to], move)
			}
		})
	})
}

// wide is a 256-byte version, for BenchmarkLoad: a reader that needs one
// field of it still copies all of it when the API returns it by value.
type wide [32]int64

// BenchmarkLoad isolates the one cost of Snapshot.Load that the pinned API
// makes inherent: Load returns the version by value, so a reader copies T,
// where an atomic.Pointer reader reads through the pointer only the words it
// uses. No writers. size=32: a 4-field struct, all fields read (the copy
// lives in registers, Load costs what atomic.Pointer.Load costs); size=256:
// one field of a 32-word array read. impl=atomic-pointer-copy is the
// baseline doing the same copy by hand.
func BenchmarkLoad(b *testing.B) {
	impls := []struct {
		name string
		new  func() (small func() int64, big func() int64)
	}{
		{"atomic-pointer", func() (func() int64, func() int64) {
			var p atomic.Pointer[quad]
			var w atomic.Pointer[wide]
			p.Store(&quad{1, 2, 3, 4})
			w.Store(&wide{7})
			return func() int64 { return p.Load().sum() },
				func() int64 { return w.Load()[0] }
		}},
		{"atomic-pointer-copy", func() (func() int64, func() int64) {
			var p atomic.Pointer[quad]
			var w atomic.Pointer[wide]
			p.Store(&quad{1, 2, 3, 4})
			w.Store(&wide{7})
			return func() int64 { q := *p.Load(); return q.sum() },
				func() int64 { v := *w.Load(); return v[0] }
		}},
		{"snapshot", func() (func() int64, func() int64) {
			s := lock.NewSnapshot(quad{1, 2, 3, 4})
			w := lock.NewSnapshot(wide{7})
			return func() int64 { q := s.Load(); return q.sum() },
				func() int64 { v := w.Load(); return v[0] }
		}},
	}
	for _, impl := range impls {
		for _, size := range []int{32, 256} {
			b.Run(fmt.Sprintf("impl=%s/size=%d", impl.name, size), func(b *testing.B) {
				small, big := impl.new()
				read, want := small, int64(10)
				if size == 256 {
					read, want = big, 7
				}
				var bad atomic.Int64
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					n := int64(0)
					for pb.Next() {
						if read() != want {
							n++
						}
					}
					bad.Add(n)
				})
				if n := bad.Load(); n != 0 {
					b.Fatalf("%d wrong reads", n)
				}
			})
		}
	}
}

// lockedCall is Guarded.Do's shape without its panic guarantee: a function
// that is not inlined (Do cannot be: it has a defer), so fn is called
// through its pointer.
//
//go:noinline
func lockedCall(mu *sync.Mutex, n *int64, fn func(*int64)) {
	mu.Lock()
	fn(n)
	mu.Unlock()
}

// lockedCallDefer adds the least the contract needs: a deferred call that
// releases the lock if fn panics.
func lockedCallDefer(mu *sync.Mutex, n *int64, fn func(*int64)) {
	done := false
	mu.Lock()
	defer func() {
		if !done {
			mu.Unlock()
		}
	}()
	fn(n)
	done = true
	mu.Unlock()
}

// BenchmarkDoCost isolates what Guarded.Do adds to a bare mutex increment:
// impl=mutex-call is the call of a non-inlined function and of fn through
// its pointer (inherent in an API that takes a function), mutex-call-defer
// adds the deferred release a panicking fn needs, guarded is Do itself (the
// same plus the check for DoContext waiters). Run it with -cpu 1 to see
// the costs without contention.
func BenchmarkDoCost(b *testing.B) {
	inc := func(n *int64) { *n++ }
	impls := []struct {
		name string
		new  func() (inc func(), get func() int64)
	}{
		{"mutex", func() (func(), func() int64) {
			var mu sync.Mutex
			var n int64
			return func() { mu.Lock(); n++; mu.Unlock() }, func() int64 { return n }
		}},
		{"mutex-call", func() (func(), func() int64) {
			var mu sync.Mutex
			var n int64
			return func() { lockedCall(&mu, &n, inc) }, func() int64 { return n }
		}},
		{"mutex-call-defer", func() (func(), func() int64) {
			var mu sync.Mutex
			var n int64
			return func() { lockedCallDefer(&mu, &n, inc) }, func() int64 { return n }
		}},
		{"guarded", func() (func(), func() int64) {
			g := lock.New(int64(0))
			return func() { g.Do(inc) },
				func() int64 { return lock.With(g, func(n *int64) int64 { return *n }) }
		}},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name+"/par=1", func(b *testing.B) {
			inc, get := impl.new()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					inc()
				}
			})
			if got := get(); got != int64(b.N) {
				b.Fatalf("count = %d, want %d", got, b.N)
			}
		})
	}
}
