package actor_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
)

// This example shows a counter owned by an actor: many Tells change it, an
// Ask reads it. Only the actor's goroutine touches the count, so it needs no
// lock, and the Ask, queued behind the Tells, sees all of them.
func Example() {
	type msg struct {
		add   int
		reply actor.Reply[int] // set only by the Ask
	}
	ctx := context.Background()
	counter := actor.Spawn(ctx, func() int { return 0 },
		func(_ context.Context, n *int, m msg) {
			*n += m.add
			m.reply.Send(*n) // the zero Reply of a Tell drops it
		})
	for i := 1; i <= 10; i++ {
		_ = counter.Tell(ctx, msg{add: i})
	}
	total, err := actor.Ask(ctx, counter, func(r actor.Reply[int]) msg { return msg{reply: r} })
	fmt.Println(total, err)
	fmt.Println(counter.Stop())
	// Output:
	// 55 <nil>
	// <nil>
}

// account is the state of the bank account actor of ExampleAsk.
type account struct {
	balance int
}

// accountMsg is a request to the bank account actor: a deposit, a
// withdrawal, or a balance query.
type accountMsg struct {
	deposit, withdraw int
	balance           actor.Reply[int]
	result            actor.Reply[error]
}

// This example shows a bank account as an actor: deposits and withdrawals
// are asks that answer with an error when the balance is too low, and a
// balance query answers with the balance. The rule "never below zero" holds
// because only the actor checks and changes the balance.
func ExampleAsk() {
	ctx := context.Background()
	acct := actor.Spawn(ctx, func() account { return account{} },
		func(_ context.Context, a *account, m accountMsg) {
			switch {
			case m.withdraw > a.balance:
				m.result.Send(fmt.Errorf("withdraw %d: balance is only %d", m.withdraw, a.balance))
			default:
				a.balance += m.deposit - m.withdraw
				m.result.Send(nil)
			}
			m.balance.Send(a.balance)
		})
	defer acct.Stop()

	do := func(m accountMsg) {
		err, askErr := actor.Ask(ctx, acct, func(r actor.Reply[error]) accountMsg { m.result = r; return m })
		fmt.Println(err, askErr)
	}
	do(accountMsg{deposit: 100})
	do(accountMsg{withdraw: 30})
	do(accountMsg{withdraw: 500})
	balance, err := actor.Ask(ctx, acct, func(r actor.Reply[int]) accountMsg { return accountMsg{balance: r} })
	fmt.Println("balance:", balance, err)
	// Output:
	// <nil> <nil>
	// <nil> <nil>
	// withdraw 500: balance is only 70 <nil>
	// balance: 70 <nil>
}

// This example shows let-it-crash: a message that makes receive panic
// restarts the actor with fresh state from init; the failing message is not
// retried, the next ones are handled, OnPanic hears of the panic at once and
// Stop returns it.
func ExampleRestart() {
	type msg struct {
		word  string
		reply actor.Reply[[]string]
	}
	ctx := context.Background()
	words := actor.Spawn(ctx, func() []string { return []string{"(fresh)"} },
		func(_ context.Context, seen *[]string, m msg) {
			if m.word == "boom" {
				panic("cannot take boom")
			}
			*seen = append(*seen, m.word)
			m.reply.Send(*seen)
		},
		actor.Restart(3, time.Minute),
		actor.OnPanic(func(pe *tame.PanicError) { fmt.Println("OnPanic:", pe.Value) }))
	for _, w := range []string{"a", "b", "boom", "c"} {
		_ = words.Tell(ctx, msg{word: w})
	}
	seen, _ := actor.Ask(ctx, words, func(r actor.Reply[[]string]) msg { return msg{word: "d", reply: r} })
	fmt.Println(seen)
	fmt.Println("restarts:", words.Stats().Restarts)
	err := words.Stop()
	var pe *tame.PanicError
	fmt.Println("Stop returned a panic:", errors.As(err, &pe), pe.Value)
	// Output:
	// OnPanic: cannot take boom
	// [(fresh) c d]
	// restarts: 1
	// Stop returned a panic: true cannot take boom
}

// node is the message of Example_deadlock: a question that expects an
// error (or nil) as its answer, and whom to ask next.
type node struct {
	next  *actor.Ref[node]
	reply actor.Reply[error]
}

// This example shows an ask cycle detected: A, handling an ask, asks B; B,
// handling that, asks A. A is busy waiting for B, so it could never answer:
// instead of hanging, B's Ask fails at once with ErrDeadlock, because the ctx
// that receive gets records who is waiting on whom.
func Example_deadlock() {
	ctx := context.Background()
	// Both actors forward the question to the next one and pass its answer back.
	forward := func(name string) func(context.Context, *struct{}, node) {
		return func(ctx context.Context, _ *struct{}, m node) {
			answer, err := actor.Ask(ctx, m.next, func(r actor.Reply[error]) node { return node{next: m.next, reply: r} })
			if err == nil {
				err = answer
			}
			fmt.Printf("%s: %v (ErrDeadlock: %t)\n", name, err, errors.Is(err, actor.ErrDeadlock))
			m.reply.Send(err)
		}
	}
	none := func() struct{} { return struct{}{} }
	a := actor.Spawn(ctx, none, forward("A asks B"))
	b := actor.Spawn(ctx, none, func(ctx context.Context, s *struct{}, m node) {
		forward("B asks A")(ctx, s, node{next: a, reply: m.reply})
	})
	answer, err := actor.Ask(ctx, a, func(r actor.Reply[error]) node { return node{next: b, reply: r} })
	fmt.Println("main asked A:", answer, err)
	fmt.Println(a.Stop(), b.Stop())
	// Output:
	// B asks A: actor: deadlock: ask cycle (the target is waiting on the caller) (ErrDeadlock: true)
	// A asks B: actor: deadlock: ask cycle (the target is waiting on the caller) (ErrDeadlock: true)
	// main asked A: actor: deadlock: ask cycle (the target is waiting on the caller) <nil>
	// <nil> <nil>
}

// This example shows a Supervisor with two children: one fails and is
// restarted alone with fresh state, the other keeps its state; Stop stops
// them, the latest started first, and returns the child's panic.
func ExampleSupervisor() {
	ctx := context.Background()
	sup := actor.NewSupervisor(ctx, 3, time.Minute)
	type msg struct {
		word  string
		reply actor.Reply[string]
	}
	receive := func(_ context.Context, last *string, m msg) {
		if m.word == "boom" {
			panic("boom")
		}
		if m.word != "" {
			*last = m.word
		}
		m.reply.Send(*last)
	}
	fresh := func() string { return "(fresh)" }
	logger, _ := actor.Supervise(sup, fresh, receive)
	parser, _ := actor.Supervise(sup, fresh, receive)
	_ = logger.Tell(ctx, msg{word: "started"})
	_ = parser.Tell(ctx, msg{word: "header"})
	_ = parser.Tell(ctx, msg{word: "boom"})
	last := func(ref *actor.Ref[msg]) string {
		s, _ := actor.Ask(ctx, ref, func(r actor.Reply[string]) msg { return msg{reply: r} })
		return s
	}
	fmt.Println("logger:", last(logger))
	fmt.Println("parser:", last(parser))
	err := sup.Stop()
	var pe *tame.PanicError
	fmt.Println("Stop:", errors.As(err, &pe), pe.Value)
	// Output:
	// logger: started
	// parser: (fresh)
	// Stop: true boom
}
