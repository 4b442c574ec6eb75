package bank

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/tamego/tame/lock"
)

// A chanLock is a mutex made of a channel with room for one token, so that
// waiting for it can be abandoned when a context ends: the naive transfer
// below uses it to deadlock in a way this program can undo.
type chanLock chan struct{}

func (l chanLock) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l chanLock) unlock() { <-l }

// naiveAccount is a balance with its own lock, locked by hand.
type naiveAccount struct {
	mu      chanLock
	balance int64
}

// naiveTransfer locks the source, then the destination: the obvious code.
// Two of them in opposite directions can each take their first lock and wait
// forever for the other's. holding is told once the first lock is held, and
// ready is waited for before taking the second, so that this program makes
// the unlucky timing happen every time instead of once in a while.
func naiveTransfer(ctx context.Context, from, to *naiveAccount, amount int64, holding func(), ready <-chan struct{}) error {
	if err := from.mu.lock(ctx); err != nil {
		return err
	}
	defer from.mu.unlock()
	holding()
	<-ready
	if err := to.mu.lock(ctx); err != nil {
		return err // gave up waiting: the deferred unlock releases from
	}
	defer to.mu.unlock()
	if from.balance >= amount {
		from.balance -= amount
		to.balance += amount
	}
	return nil
}

// A Standoff is what happened when two goroutines transferred between the
// same two accounts in opposite directions at the same instant.
type Standoff struct {
	Deadlocked bool          // neither finished within the timeout
	Waited     time.Duration // how long it was given before giving up
	Errs       [2]error      // how each transfer ended
	Total      int64         // the money in both accounts at the end
}

// Naive runs the naive transfer both ways at once and waits at most timeout
// for them; if they are stuck it cancels their context, which makes them
// give up, release their locks and return, so no goroutine is left behind.
func Naive(ctx context.Context, timeout time.Duration) Standoff {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	alice, bob := &naiveAccount{mu: make(chanLock, 1), balance: 100}, &naiveAccount{mu: make(chanLock, 1), balance: 100}
	var held sync.WaitGroup
	held.Add(2)
	ready := make(chan struct{})
	var s Standoff
	var wg sync.WaitGroup
	wg.Go(func() { s.Errs[0] = naiveTransfer(ctx, alice, bob, 10, held.Done, ready) })
	wg.Go(func() { s.Errs[1] = naiveTransfer(ctx, bob, alice, 20, held.Done, ready) })
	held.Wait() // each goroutine holds its first lock
	close(ready)
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	start := time.Now()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-finished:
	case <-t.C:
		s.Deadlocked = true
		s.Waited = time.Since(start)
		cancel()
		<-finished
	}
	s.Total = alice.balance + bob.balance // both goroutines have returned
	return s
}

// WithBoth makes the same two transfers at the same instant with lock.Both,
// which takes the two locks in one global order whatever the argument
// order, and reports whether both finished within timeout, and the money
// at the end. The goroutines make no other wait than for the locks, so if
// Both could deadlock this would report it, and leak them.
func WithBoth(timeout time.Duration) (finished bool, total int64, err error) {
	alice, bob := lock.New[int64](100), lock.New[int64](100)
	transfer := func(from, to *lock.Guarded[int64], amount int64) {
		lock.Both(from, to, func(f, t *int64) {
			if *f >= amount {
				*f -= amount
				*t += amount
			}
		})
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { <-start; transfer(alice, bob, 10) })
	wg.Go(func() { <-start; transfer(bob, alice, 20) })
	close(start)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		return false, 0, errors.New("bank: lock.Both did not finish: deadlock")
	}
	total = lock.With(alice, func(v *int64) int64 { return *v }) + lock.With(bob, func(v *int64) int64 { return *v })
	return true, total, nil
}
