package tametest_test

import (
	"flag"
	"fmt"
	"sync"
	"testing"

	"github.com/tamego/tame/lock"
	"github.com/tamego/tame/tametest"
)

// withdraw takes amount from account if the balance covers it, checking
// and acting under one lock: no schedule can overdraw it.
func withdraw(account *lock.Guarded[int], amount int) {
	account.Do(func(balance *int) {
		if *balance >= amount {
			*balance -= amount
		}
	})
}

// TestWithdraw explores the schedules of two withdrawals that race.
func TestWithdraw(t *testing.T) {
	tametest.Explore(t, func(t *testing.T) {
		account := lock.New(100)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { withdraw(account, 80) })
		}
		wg.Wait()
		if b := lock.With(account, func(b *int) int { return *b }); b != 20 {
			t.Errorf("balance = %d, want 20", b)
		}
	}, tametest.Runs(200))
}

// This example explores a correct program: two withdrawals that check and
// act under one lock. Run as a test (here through testing.RunTests, as go
// test would), Explore tries 200 schedules and every one keeps the balance
// at 20; the check split from the act over two Do calls would fail within
// a few runs, with the seed that replays it.
func Example() {
	fmt.Println("all schedules passed:", runTest("TestWithdraw", TestWithdraw))
	// Output: all schedules passed: true
}

// runTest runs a test function as go test would, without its log lines
// (go test -v would print them into the example's output), and reports
// whether it passed.
func runTest(name string, test func(*testing.T)) bool {
	if v := flag.Lookup("test.v"); v != nil {
		old := v.Value.String()
		v.Value.Set("false")
		defer v.Value.Set(old)
	}
	match := func(pat, str string) (bool, error) { return true, nil }
	return testing.RunTests(match, []testing.InternalTest{{Name: name, F: test}})
}
