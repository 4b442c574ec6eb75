// Package bank is the chapter on transfers between accounts: many goroutines
// move money between shared accounts, written three ways (an actor per
// account, a queue line per account, lock.Both), each checked for the
// invariant that money is neither created nor lost; and the deadlock of the
// naive two-lock transfer, shown and avoided.
package bank

import (
	"context"
	"math/rand/v2"
	"time"
)

// A Transfer moves Amount from account From to account To, when From has
// that much; otherwise it is declined.
type Transfer struct {
	From, To int
	Amount   int64
}

// Work is the load of one run: Accounts accounts that start with Opening
// each, and Goroutines goroutines that each make the transfers of their own
// list, generated from a fixed seed so that every way gets the same lists.
type Work struct {
	Accounts   int
	Opening    int64
	Goroutines int
	PerWorker  int
}

// Lists returns each goroutine's transfers: random pairs of distinct
// accounts and amounts from 1 to 2*Opening/10, so that some transfers are
// declined once balances run low.
func (wk Work) Lists() [][]Transfer {
	lists := make([][]Transfer, wk.Goroutines)
	for g := range lists {
		rng := rand.New(rand.NewPCG(uint64(g), 2026))
		lists[g] = make([]Transfer, wk.PerWorker)
		for i := range lists[g] {
			from := rng.IntN(wk.Accounts)
			to := (from + 1 + rng.IntN(wk.Accounts-1)) % wk.Accounts
			lists[g][i] = Transfer{from, to, 1 + rng.Int64N(2*wk.Opening/10)}
		}
	}
	return lists
}

// A Result is what one way of running the transfers ended with.
type Result struct {
	Way      string
	Done     int     // transfers made
	Declined int     // transfers refused for lack of money
	Balances []int64 // at the end
	Took     time.Duration
}

// Total returns the money in every account.
func (r Result) Total() int64 {
	var sum int64
	for _, b := range r.Balances {
		sum += b
	}
	return sum
}

// Negative reports whether some account ended below zero.
func (r Result) Negative() bool {
	for _, b := range r.Balances {
		if b < 0 {
			return true
		}
	}
	return false
}

// A Way runs every goroutine's transfers against fresh accounts and returns
// how many were made and declined, and the balances at the end.
type Way struct {
	Name string
	How  string
	Run  func(ctx context.Context, wk Work, lists [][]Transfer) (done, declined int, balances []int64, err error)
}

// Ways are the three correct ways of the chapter.
var Ways = []Way{
	{"actors", "an actor per account: Ask the source to withdraw, Tell the destination to deposit", withActors},
	{"keyed queue", "queue.Keyed, a line per account: withdraw, wait for the result, deposit", withKeyed},
	{"lock.Both", "a lock.Guarded per account; lock.Both takes both locks, in one order", withBoth},
}

// Measure runs way on wk and times it.
func Measure(ctx context.Context, way Way, wk Work) (Result, error) {
	lists := wk.Lists()
	start := time.Now()
	done, declined, balances, err := way.Run(ctx, wk, lists)
	return Result{Way: way.Name, Done: done, Declined: declined, Balances: balances, Took: time.Since(start)}, err
}
