package queue_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tamego/tame/queue"
)

// This example serializes the deposits that ten goroutines make into one
// bank account. Only the queue's handler touches the balance, one deposit at
// a time, so there is no race and no lock; Close returns once every accepted
// deposit is booked, so reading the balance after it is safe.
func ExampleQueue() {
	balance, deposits := 0, 0 // owned by the handler
	account := queue.New(16, func(amount int) {
		balance += amount
		deposits++
	})

	var wg sync.WaitGroup
	for customer := 1; customer <= 10; customer++ {
		wg.Go(func() {
			for range 100 {
				// Customer n deposits n each time. Push waits while 16
				// deposits are waiting: the producers cannot run away.
				if err := account.Push(context.Background(), customer); err != nil {
					fmt.Println("deposit refused:", err)
				}
			}
		})
	}
	wg.Wait()
	if err := account.Close(); err != nil {
		fmt.Println("handler panicked:", err)
	}
	fmt.Println("deposits:", deposits)
	fmt.Println("balance:", balance)
	// Output:
	// deposits: 1000
	// balance: 5500
}

// This example keeps each customer's operations in order (a withdrawal must
// not overtake the deposit it depends on) while different customers are
// served in parallel, on at most 4 goroutines. Each customer's account is
// touched only by the handler calls of that customer's key, which run one at
// a time, so the accounts need no lock.
func ExampleKeyed() {
	type account struct {
		balance int
		history []string
	}
	accounts := map[string]*account{"ann": {}, "bob": {}, "cid": {}} // not changed below: read concurrently
	bank := queue.NewKeyed(4, 64, func(customer string, op int) {
		a := accounts[customer]
		if a.balance+op < 0 {
			a.history = append(a.history, fmt.Sprintf("refused %d", op))
			return
		}
		a.balance += op
		a.history = append(a.history, fmt.Sprintf("%+d", op))
	})

	ops := map[string][]int{
		"ann": {100, -30, -80, 50},
		"bob": {20, -20, -1},
		"cid": {-5, 5, -5},
	}
	var wg sync.WaitGroup
	for customer, list := range ops {
		wg.Go(func() {
			for _, op := range list {
				if err := bank.Push(context.Background(), customer, op); err != nil {
					fmt.Println(err)
				}
			}
		})
	}
	wg.Wait()
	if err := bank.Close(); err != nil {
		fmt.Println(err)
	}
	for _, c := range []string{"ann", "bob", "cid"} {
		fmt.Printf("%s: %s = %d\n", c, strings.Join(accounts[c].history, ", "), accounts[c].balance)
	}
	// Output:
	// ann: +100, -30, refused -80, +50 = 120
	// bob: +20, -20, refused -1 = 0
	// cid: refused -5, +5, -5 = 0
}

// This example sheds load instead of queueing it without limit: while the
// handler is busy and two requests wait, TryPush turns further requests
// away at once, so the caller can answer "busy, try later".
func ExampleQueue_TryPush() {
	started, release := make(chan struct{}), make(chan struct{})
	var handled []string
	q := queue.New(2, func(req string) {
		if req == "r0" {
			close(started)
			<-release // a slow request
		}
		handled = append(handled, req)
	})

	q.Push(context.Background(), "r0")
	<-started // r0 is being handled: it does not count against the capacity
	for i := 1; i <= 4; i++ {
		req := fmt.Sprint("r", i)
		if q.TryPush(req) {
			fmt.Println(req, "queued")
		} else {
			fmt.Println(req, "shed: busy, try later")
		}
	}
	close(release)
	q.Close()
	fmt.Println("handled:", handled)
	// Output:
	// r1 queued
	// r2 queued
	// r3 shed: busy, try later
	// r4 shed: busy, try later
	// handled: [r0 r1 r2]
}
