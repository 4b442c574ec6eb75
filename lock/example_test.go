package lock_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/tamego/tame/lock"
)

// This example counts words from several goroutines into one map guarded by
// a Guarded: the map can be reached only inside Do, so no goroutine can
// forget to lock it.
func ExampleGuarded() {
	counts := lock.New(map[string]int{})
	docs := []string{"go", "lock", "go", "share", "go", "lock"}
	var wg sync.WaitGroup
	for _, w := range docs {
		wg.Go(func() {
			counts.Do(func(m *map[string]int) { (*m)[w]++ })
		})
	}
	wg.Wait()
	counts.Do(func(m *map[string]int) {
		for _, w := range slices.Sorted(maps.Keys(*m)) {
			fmt.Println(w, (*m)[w])
		}
	})
	// Output:
	// go 3
	// lock 2
	// share 1
}

// This example reads a value out of a Guarded with With: the result is a
// copy made under the lock, safe to use after the lock is released.
func ExampleWith() {
	var queue lock.Guarded[[]string] // the zero value is ready to use
	queue.Do(func(q *[]string) { *q = append(*q, "a", "b", "c") })
	n := lock.With(&queue, func(q *[]string) int { return len(*q) })
	fmt.Println(n)
	// Output: 3
}

// This example gives up waiting for a lock when the context is done: the
// function never runs and DoContext returns the context's error.
func ExampleGuarded_DoContext() {
	g := lock.New(0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the caller has given up already
	err := g.DoContext(ctx, func(n *int) { *n++ })
	fmt.Println(err, errors.Is(err, context.Canceled))
	fmt.Println(lock.With(g, func(n *int) int { return *n }))
	// Output:
	// context canceled true
	// 0
}

// Config is what ExampleSnapshot shares.
type Config struct {
	Version  int
	Backends []string // never changed in place: a writer copies it first
}

// This example shares a configuration read by many goroutines and replaced
// by one: readers Load a version without locking, and the writer publishes
// a new version built from a copy. A version a reader holds never changes.
func ExampleSnapshot() {
	cfg := lock.NewSnapshot(Config{Version: 1, Backends: []string{"a", "b"}})

	held := cfg.Load() // a reader keeps version 1 for a while

	cfg.Update(func(old Config) Config {
		next := old
		next.Version++
		next.Backends = append(slices.Clone(old.Backends), "c") // copy, then change
		return next
	})

	var wg sync.WaitGroup
	seen := make([]int, 4)
	for i := range seen {
		wg.Go(func() { seen[i] = len(cfg.Load().Backends) })
	}
	wg.Wait()
	fmt.Println("held:", held.Version, held.Backends)
	fmt.Println("now: ", cfg.Load().Version, cfg.Load().Backends)
	fmt.Println("readers saw", seen, "backends")
	// Output:
	// held: 1 [a b]
	// now:  2 [a b c]
	// readers saw [3 3 3 3] backends
}

// Account is the value ExampleBoth guards.
type Account struct {
	Name    string
	Balance int
}

// This example transfers money between two accounts from many goroutines,
// in both directions at once. Locking the two accounts in argument order
// (a then b here, b then a there) would deadlock sooner or later; Both
// locks them in one global order whatever the argument order.
func ExampleBoth() {
	alice := lock.New(Account{"alice", 100})
	bob := lock.New(Account{"bob", 100})
	transfer := func(from, to *lock.Guarded[Account], amount int) {
		lock.Both(from, to, func(f, t *Account) {
			f.Balance -= amount
			t.Balance += amount
		})
	}
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { transfer(alice, bob, 3) })
		wg.Go(func() { transfer(bob, alice, 2) })
	}
	wg.Wait()
	lock.Both(alice, bob, func(a, b *Account) {
		fmt.Println(a.Name, a.Balance)
		fmt.Println(b.Name, b.Balance)
		fmt.Println("total", a.Balance+b.Balance)
	})
	// Output:
	// alice 0
	// bob 200
	// total 200
}

// This example shows the lost update and its fix. Written with a plain
// variable, the increments race:
//
//	n := 0
//	for range 1000 {
//		wg.Go(func() { n++ }) // read n, add 1, write n: two goroutines can
//	}                           // read the same n, and one increment is lost
//
// That version prints a number below 1000 on some runs, and go test -race
// reports it on every run, which is why it is not run here. Guarding n makes
// the read, the add and the write one step that no other goroutine can cut
// into.
func Example_race() {
	n := lock.New(0)
	var wg sync.WaitGroup
	for range 1000 {
		wg.Go(func() { n.Do(func(n *int) { *n++ }) })
	}
	wg.Wait()
	fmt.Println(lock.With(n, func(n *int) int { return *n }))
	// Output: 1000
}

// This example guards a read-mostly table with an RWGuarded: many Reads run
// at once, a Write waits for them and runs alone. Read gets a copy of the
// value; the map inside it is shared, so Read only reads it.
func ExampleRWGuarded() {
	prices := lock.NewRW(map[string]int{"tea": 3})
	prices.Write(func(m *map[string]int) { (*m)["coffee"] = 4 })
	var wg sync.WaitGroup
	total := make([]int, 3)
	for i := range total {
		wg.Go(func() {
			prices.Read(func(m map[string]int) { total[i] = m["tea"] + m["coffee"] })
		})
	}
	wg.Wait()
	fmt.Println(total)
	// Output: [7 7 7]
}

// This example runs an optional step only when the lock is free, instead of
// waiting: TryDo reports whether it ran.
func ExampleGuarded_TryDo() {
	stats := lock.New(0)
	stats.Do(func(*int) {
		// The lock is held here, so TryDo does not run its function.
		fmt.Println(stats.TryDo(func(n *int) { *n++ }))
	})
	fmt.Println(stats.TryDo(func(n *int) { *n++ }))
	// Output:
	// false
	// true
}

// This example keeps one lock order, the discipline the lock-order checker
// enforces. Every path that needs both an account and the ledger takes the
// account first. A path written the other way round (the ledger, then an
// account inside it) would pass every test that happens not to run it at
// the same time as a transfer, and deadlock in production the day it does.
//
// Built with the tag lockcheck (go test -tags lockcheck ./...), the checker
// watches this example as it runs: the output below is the same, and the
// example would panic, before blocking, if a path took the two in the other
// order. The example of NewNamed in example_lockcheck_test.go, which runs
// only with the tag, shows such a report.
func Example_lockOrder() {
	account := lock.NewNamed("example: account", 100)
	ledger := lock.NewNamed("example: ledger", []string(nil))

	withdraw := func(n int) {
		account.Do(func(balance *int) {
			*balance -= n
			ledger.Do(func(l *[]string) { *l = append(*l, fmt.Sprint("withdraw ", n)) })
		})
	}
	audit := func() { // account first here too, though it reads the ledger mostly
		account.Do(func(balance *int) {
			ledger.Do(func(l *[]string) { fmt.Println(*l, "balance", *balance) })
		})
	}
	withdraw(30)
	withdraw(20)
	audit()
	// Output: [withdraw 30 withdraw 20] balance 50
}
