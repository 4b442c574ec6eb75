package bank

import (
	"context"
	"errors"
	"sync"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/lock"
	"github.com/tamego/tame/queue"
)

// run starts one goroutine per list, calls transfer for each of its
// transfers, and returns how many were made and declined; the first error
// stops that goroutine and is returned after all have ended.
func run(lists [][]Transfer, transfer func(t Transfer) (bool, error)) (done, declined int, err error) {
	var wg sync.WaitGroup
	made := make([]int, len(lists)) // each goroutine counts in its own slot
	errs := make([]error, len(lists))
	for g, list := range lists {
		wg.Go(func() {
			for _, t := range list {
				ok, err := transfer(t)
				if err != nil {
					errs[g] = err
					return
				}
				if ok {
					made[g]++
				}
			}
		})
	}
	wg.Wait()
	for g := range lists {
		done += made[g]
		declined += len(lists[g]) - made[g]
	}
	return done, declined, errors.Join(errs...)
}

// accountMsg is a message to an account actor: deposit Amount, or, when
// withdraw is set, take Amount out if the balance covers it and reply
// whether it did, or, when balance is set, reply with the balance.
type accountMsg struct {
	amount   int64
	withdraw bool
	balance  bool
	ok       actor.Reply[bool]
	reply    actor.Reply[int64]
}

// account is the receive function of an account actor.
func account(_ context.Context, bal *int64, m accountMsg) {
	switch {
	case m.balance:
		m.reply.Send(*bal)
	case m.withdraw:
		ok := *bal >= m.amount
		if ok {
			*bal -= m.amount
		}
		m.ok.Send(ok)
	default:
		*bal += m.amount
	}
}

// withActors gives every account its own actor, the only goroutine that
// touches its balance. A transfer asks the source to withdraw and, if it
// did, tells the destination to deposit: between the two the money is in
// the message, never in two places and never in none.
func withActors(ctx context.Context, wk Work, lists [][]Transfer) (int, int, []int64, error) {
	refs := make([]*actor.Ref[accountMsg], wk.Accounts)
	for i := range refs {
		refs[i] = actor.Spawn(ctx, func() int64 { return wk.Opening }, account)
	}
	done, declined, err := run(lists, func(t Transfer) (bool, error) {
		ok, err := actor.Ask(ctx, refs[t.From], func(r actor.Reply[bool]) accountMsg {
			return accountMsg{amount: t.Amount, withdraw: true, ok: r}
		})
		if err != nil || !ok {
			return false, err
		}
		return true, refs[t.To].Tell(ctx, accountMsg{amount: t.Amount})
	})
	balances := make([]int64, wk.Accounts)
	for i, ref := range refs {
		b, askErr := actor.Ask(ctx, ref, func(r actor.Reply[int64]) accountMsg { return accountMsg{balance: true, reply: r} })
		balances[i] = b
		err = errors.Join(err, askErr, ref.Stop())
	}
	return done, declined, balances, err
}

// keyedOp is an item in an account's line: add amount (negative to
// withdraw), refusing a withdrawal that would overdraw; result, when set,
// gets whether it was done.
type keyedOp struct {
	amount int64
	result chan bool
}

// withKeyed funnels every operation on an account through that account's
// line of a queue.Keyed: the balances slice is shared, but each slot is only
// ever touched by its own line, one item at a time.
func withKeyed(ctx context.Context, wk Work, lists [][]Transfer) (int, int, []int64, error) {
	balances := make([]int64, wk.Accounts)
	for i := range balances {
		balances[i] = wk.Opening
	}
	q := queue.NewKeyed(wk.Accounts, 256, func(acct int, op keyedOp) {
		ok := balances[acct]+op.amount >= 0
		if ok {
			balances[acct] += op.amount
		}
		if op.result != nil {
			op.result <- ok
		}
	})
	done, declined, err := run(lists, func(t Transfer) (bool, error) {
		result := make(chan bool, 1) // the handler never waits to send
		if err := q.Push(ctx, t.From, keyedOp{amount: -t.Amount, result: result}); err != nil {
			return false, err
		}
		select {
		case ok := <-result:
			if !ok {
				return false, nil
			}
		case <-ctx.Done():
			return false, ctx.Err()
		}
		return true, q.Push(ctx, t.To, keyedOp{amount: t.Amount})
	})
	err = errors.Join(err, q.Close()) // Close returns once every line is handled
	return done, declined, balances, err
}

// withBoth guards each balance with its own lock and makes each transfer
// under both locks at once, taken in lock.Both's global order.
func withBoth(_ context.Context, wk Work, lists [][]Transfer) (int, int, []int64, error) {
	accts := make([]*lock.Guarded[int64], wk.Accounts)
	for i := range accts {
		accts[i] = lock.New(wk.Opening)
	}
	done, declined, err := run(lists, func(t Transfer) (ok bool, _ error) {
		lock.Both(accts[t.From], accts[t.To], func(from, to *int64) {
			if ok = *from >= t.Amount; ok {
				*from -= t.Amount
				*to += t.Amount
			}
		})
		return ok, nil
	})
	balances := make([]int64, wk.Accounts)
	for i, a := range accts {
		balances[i] = lock.With(a, func(b *int64) int64 { return *b })
	}
	return done, declined, balances, err
}
