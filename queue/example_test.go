package queue_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tamego/tame"
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
// served in parallel, on at most 4 goroutines. Keys run in parallel, so a
// handler that updated one map shared by all keys (balances[customer] +=
// op) would race. Here each customer has its own account, made before the
// queue runs; the map itself is only read, and each account is touched
// only by the calls of its own key, which run one at a time: no lock.
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

// This example shows what happens to a panic in the handler: the item is
// skipped, the next one is handled, OnPanic hears of it at once, and Close
// returns it as a *tame.PanicError.
func ExampleOnPanic() {
	q := queue.New(4, func(n int) {
		if n == 0 {
			panic("division by zero")
		}
		fmt.Println("100 /", n, "=", 100/n)
	}, queue.OnPanic(func(pe *tame.PanicError) {
		fmt.Println("reported:", pe) // one line; %+v adds the stack
	}))
	for _, n := range []int{5, 0, 4} {
		q.Push(context.Background(), n)
	}
	err := q.Close()
	var pe *tame.PanicError
	if errors.As(err, &pe) {
		fmt.Println("Close returned the panic:", pe.Value)
	}
	// Output:
	// 100 / 5 = 20
	// reported: panic: division by zero
	// 100 / 4 = 25
	// Close returned the panic: division by zero
}

// This example reads a queue's counters: while the handler is held, one
// item runs, one waits and a TryPush is refused; once the queue is closed,
// every item submitted has completed or failed.
func ExampleQueue_Stats() {
	started, release := make(chan struct{}), make(chan struct{})
	q := queue.New(1, func(job string) {
		if job == "a" {
			close(started)
			<-release
		}
		if job == "b" {
			panic("bad job")
		}
	})
	q.Push(context.Background(), "a")
	<-started
	q.Push(context.Background(), "b")
	q.TryPush("c") // full: b waits
	s := q.Stats()
	fmt.Printf("held: running %d, waiting %d, refused %d\n", s.Running, s.Waiting, s.Refused)
	close(release)
	q.Close()
	s = q.Stats()
	fmt.Printf("closed: submitted %d = completed %d + failed %d\n", s.Submitted, s.Completed, s.Failed)
	// Output:
	// held: running 1, waiting 1, refused 1
	// closed: submitted 2 = completed 1 + failed 1
}

// This example shows the one Push that cannot wait: the handler pushing to
// its own full queue would wait for room that only its own goroutine can
// make. It gets an error wrapping tame.ErrDeadlock at once instead of
// hanging.
func ExampleQueue_Push_deadlock() {
	var q *queue.Queue[int]
	done := make(chan struct{})
	q = queue.New(1, func(n int) {
		if n != 0 {
			return
		}
		for i := 1; i <= 2; i++ {
			err := q.Push(context.Background(), i)
			fmt.Printf("handler pushes %d: %v (deadlock: %t)\n", i, err, errors.Is(err, tame.ErrDeadlock))
		}
		close(done)
	})
	q.Push(context.Background(), 0)
	<-done // (a Close now would refuse the handler's Pushes with tame.ErrClosed)
	q.Close()
	// Output:
	// handler pushes 1: <nil> (deadlock: false)
	// handler pushes 2: queue: Push from the handler to its own full queue: tame: deadlock (deadlock: true)
}

// This example sheds load on a Keyed queue: TryPush refuses at once when
// capacity items wait over all keys, whatever their key.
func ExampleKeyed_TryPush() {
	started, release := make(chan struct{}), make(chan struct{})
	q := queue.NewKeyed(1, 2, func(user string, req int) {
		if req == 0 {
			close(started)
			<-release
		}
	})
	q.TryPush("ann", 0)
	<-started // the only worker is busy with ann's request 0
	for i, user := range []string{"bob", "cid", "dan"} {
		fmt.Printf("%s %d accepted: %t\n", user, i+1, q.TryPush(user, i+1))
	}
	close(release)
	q.Close()
	// Output:
	// bob 1 accepted: true
	// cid 2 accepted: true
	// dan 3 accepted: false
}

// This example stops a queue within a deadline. Shutdown stops accepting
// and waits for the accepted items; when its context ends first it returns
// ctx.Err() and the work goes on, so a later Close waits for the rest.
func ExampleQueue_Shutdown() {
	release := make(chan struct{})
	handled := 0
	q := queue.New(8, func(int) {
		<-release // slow items
		handled++
	})
	for i := range 3 {
		q.Push(context.Background(), i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed
	fmt.Println("Shutdown:", q.Shutdown(ctx))
	fmt.Println("Push after Shutdown:", q.Push(context.Background(), 3))
	close(release)
	fmt.Println("Close:", q.Close(), "- handled", handled)
	// Output:
	// Shutdown: context canceled
	// Push after Shutdown: tame: closed
	// Close: <nil> - handled 3
}
