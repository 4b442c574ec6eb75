package correct

import (
	"sync"

	"github.com/tamego/tame/lock"
)

// withdrawSplit takes amount from the account when the balance covers it,
// checking in one Do and taking in another: a second withdrawal can pass its
// check in between, and both take the money. The chapter's bug.
func withdrawSplit(account *lock.Guarded[int], amount int) {
	if lock.With(account, balance) >= amount { // check...
		account.Do(func(b *int) { *b -= amount }) // ...then act
	}
}

// withdrawOne checks and takes in one Do: the fix.
func withdrawOne(account *lock.Guarded[int], amount int) {
	account.Do(func(b *int) {
		if *b >= amount { // check and act
			*b -= amount // under one lock
		}
	})
}

// balance reads the balance; it is called under the account's lock.
func balance(b *int) int { return *b }

// twoWithdrawals withdraws 80 twice at once from an account of 100, once
// from a goroutine it starts and once itself, and returns the balance after
// both. The invariant: the balance never goes below 0.
func twoWithdrawals(withdraw func(account *lock.Guarded[int], amount int)) int {
	account := lock.New(100)
	var wg sync.WaitGroup
	wg.Go(func() { withdraw(account, 80) })
	withdraw(account, 80)
	wg.Wait()
	return lock.With(account, balance)
}
