package main

import (
	"fmt"
	"maps"

	"github.com/tamego/tame/lock"
)

// A Deposit is the Seq-th deposit to one account: Seq counts from 1 per
// account, in the order the producer pushed them.
type Deposit struct {
	Seq   int `json:"seq"`
	Cents int `json:"cents"`
}

// item names one deposit: its account and Seq.
type item struct {
	acct string
	seq  int
}

func (it item) String() string { return fmt.Sprintf("%s #%d", it.acct, it.seq) }

// A ledger is the handler's state, and its Apply method is the handler that
// both Lines drive. Apply is idempotent: it applies a deposit once per
// (account, Seq), however many times it is delivered, because (account,
// Seq) is the deposit's identity. It also counts what it saw, so that the
// program can check each Line. Apply is safe for concurrent use.
type ledger struct {
	fault item // the deposit whose first handling panics, as a transient fault would
	books lock.Guarded[books]
}

type books struct {
	accounts map[string]*account
	faulted  bool
	dups     map[item]int // duplicates absorbed, per deposit
}

type account struct {
	applied    map[int]bool
	last       int // the highest Seq applied
	balance    int
	duplicates int // deliveries of a deposit already applied, absorbed
	outOfOrder int // deposits applied after a later one of the account
	gaps       int // deposits applied while an earlier one had not been
}

func newLedger(fault item) *ledger {
	l := &ledger{fault: fault}
	l.books.Do(func(b *books) {
		b.accounts = make(map[string]*account)
		b.dups = make(map[item]int)
	})
	return l
}

// Apply adds d to acct's balance unless it was applied already. The first
// time it meets the ledger's fault deposit, it panics before applying it.
func (l *ledger) Apply(acct string, d Deposit) {
	l.books.Do(func(b *books) {
		if !b.faulted && (item{acct, d.Seq}) == l.fault {
			b.faulted = true
			panic(fmt.Sprintf("deposit %v not applied: the database connection dropped", l.fault))
		}
		a := b.accounts[acct]
		if a == nil {
			a = &account{applied: make(map[int]bool)}
			b.accounts[acct] = a
		}
		switch {
		case a.applied[d.Seq]:
			a.duplicates++
			b.dups[item{acct, d.Seq}]++
			return
		case d.Seq < a.last:
			a.outOfOrder++
		case d.Seq > a.last+1:
			a.gaps++
		}
		a.applied[d.Seq] = true
		a.balance += d.Cents
		a.last = max(a.last, d.Seq)
	})
}

// A tally is what a ledger saw, summed over its accounts.
type tally struct {
	applied, duplicates, outOfOrder, gaps int
	balances                              map[string]int
	dups                                  map[item]int
	missing                               []item // deposits of work never applied
}

func (l *ledger) tally(w work) tally {
	var t tally
	l.books.Do(func(b *books) {
		t.balances = make(map[string]int)
		t.dups = maps.Clone(b.dups)
		for _, acct := range w.accounts {
			a := b.accounts[acct]
			if a == nil {
				a = &account{}
			}
			t.applied += len(a.applied)
			t.duplicates += a.duplicates
			t.outOfOrder += a.outOfOrder
			t.gaps += a.gaps
			t.balances[acct] = a.balance
			for seq := 1; seq <= w.perAccount; seq++ {
				if !a.applied[seq] {
					t.missing = append(t.missing, item{acct, seq})
				}
			}
		}
	})
	return t
}

// work is what the producer pushes: perAccount deposits to each account,
// round after round, so that the accounts' deposits interleave.
type work struct {
	accounts   []string
	perAccount int
}

func newWork(accounts, perAccount int) work {
	w := work{perAccount: perAccount}
	for i := range accounts {
		w.accounts = append(w.accounts, fmt.Sprintf("acct-%d", i))
	}
	return w
}

func (w work) total() int { return len(w.accounts) * w.perAccount }

// cents is the amount of a deposit: any fixed function of it would do.
func cents(acct, seq int) int { return 100 + (acct*37+seq*11)%900 }

// balances returns what each account holds once every deposit, except those
// in skip, was applied once.
func (w work) balances(skip ...item) map[string]int {
	out := make(map[string]int)
	for i, acct := range w.accounts {
		for seq := 1; seq <= w.perAccount; seq++ {
			skipped := false
			for _, s := range skip {
				skipped = skipped || s == item{acct, seq}
			}
			if !skipped {
				out[acct] += cents(i, seq)
			}
		}
	}
	return out
}
