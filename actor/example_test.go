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

// Account is the typed face most programs put on an actor: methods that
// hide the messages, the Replies and the Asks. Its zero value is not usable;
// make one with NewAccount.
type Account struct {
	ref *actor.Ref[accountMsg]
}

// accountMsg is a request to the account actor: a deposit or a withdrawal
// (answered with an error) or a balance query.
type accountMsg struct {
	amount  int // positive: deposit; negative: withdrawal
	result  actor.Reply[error]
	balance actor.Reply[int]
}

// NewAccount starts the account actor. The rule "never below zero" holds
// because only the actor checks and changes the balance.
func NewAccount(ctx context.Context) *Account {
	ref := actor.Spawn(ctx, func() int { return 0 },
		func(_ context.Context, balance *int, m accountMsg) {
			if *balance+m.amount < 0 {
				m.result.Send(fmt.Errorf("withdraw %d: balance is only %d", -m.amount, *balance))
			} else {
				*balance += m.amount
				m.result.Send(nil)
			}
			m.balance.Send(*balance)
		})
	return &Account{ref: ref}
}

// Move deposits amount, or withdraws -amount, and reports whether the
// account allowed it.
func (a *Account) Move(ctx context.Context, amount int) error {
	err, askErr := actor.Ask(ctx, a.ref, func(r actor.Reply[error]) accountMsg {
		return accountMsg{amount: amount, result: r}
	})
	return errors.Join(askErr, err)
}

// Balance returns the balance after every move accepted before it.
func (a *Account) Balance(ctx context.Context) (int, error) {
	return actor.Ask(ctx, a.ref, func(r actor.Reply[int]) accountMsg { return accountMsg{balance: r} })
}

// Close stops the actor.
func (a *Account) Close() error { return a.ref.Stop() }

// This example shows a typed wrapper over Ask: the Account type hides the
// messages and Replies of a bank account actor behind plain methods.
func ExampleAsk() {
	ctx := context.Background()
	acct := NewAccount(ctx)
	defer acct.Close()
	fmt.Println(acct.Move(ctx, 100))
	fmt.Println(acct.Move(ctx, -30))
	fmt.Println(acct.Move(ctx, -500))
	fmt.Println(acct.Balance(ctx))
	// Output:
	// <nil>
	// <nil>
	// withdraw 500: balance is only 70
	// 70 <nil>
}

// This example shows TryTell shedding load: the actor is busy with one
// message and its mailbox has room for two more, so of five TryTells two
// are accepted and three refused, and Tell with a deadline gives up.
func ExampleRef_TryTell() {
	ctx := context.Background()
	started, gate := make(chan struct{}), make(chan struct{})
	var handled []string // touched by the actor, read after Stop
	worker := actor.Spawn(ctx, func() int { return 0 },
		func(_ context.Context, _ *int, job string) {
			if job == "first" {
				close(started)
				<-gate
			}
			handled = append(handled, job)
		}, actor.Mailbox(2))
	_ = worker.Tell(ctx, "first")
	<-started // "first" is in receive: it does not count against the mailbox
	for _, job := range []string{"a", "b", "c", "d", "e"} {
		fmt.Println(job, worker.TryTell(job))
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	fmt.Println("Tell:", worker.Tell(short, "f"))
	close(gate)
	fmt.Println(worker.Stop(), handled)
	// Output:
	// a true
	// b true
	// c false
	// d false
	// e false
	// Tell: context deadline exceeded
	// <nil> [first a b]
}

// This example shows what the Mailbox capacity counts: the messages
// waiting, not the one receive is handling. Stats reports both.
func ExampleMailbox() {
	ctx := context.Background()
	started, gate := make(chan struct{}), make(chan struct{})
	ref := actor.Spawn(ctx, func() int { return 0 },
		func(_ context.Context, _ *int, m int) {
			if m == 0 {
				close(started)
				<-gate
			}
		}, actor.Mailbox(3))
	_ = ref.Tell(ctx, 0)
	<-started
	for m := 1; m <= 3; m++ {
		_ = ref.Tell(ctx, m) // three wait, none blocks
	}
	s := ref.Stats()
	fmt.Println("waiting:", s.Waiting, "running:", s.Running, "room for one more:", ref.TryTell(4))
	close(gate)
	_ = ref.Stop()
	s = ref.Stats()
	fmt.Println("submitted:", s.Submitted, "completed:", s.Completed, "refused:", s.Refused)
	// Output:
	// waiting: 3 running: 1 room for one more: false
	// submitted: 4 completed: 4 refused: 1
}

// This example shows Stop after the actor stopped on a panic (it has no
// Restart policy): the messages it had accepted and not handled go to the
// DeadLetter handler, in order, and Stop reports the panic and their count.
func ExampleDeadLetter() {
	ctx := context.Background()
	gate := make(chan struct{})
	var dead []string // touched by the actor, read after Stop
	ref := actor.Spawn(ctx, func() int { return 0 },
		func(_ context.Context, _ *int, m string) {
			<-gate
			if m == "boom" {
				panic("cannot handle boom")
			}
			fmt.Println("handled", m)
		},
		actor.DeadLetter(func(m string) { dead = append(dead, m) }))
	for _, m := range []string{"a", "boom", "b", "c"} {
		_ = ref.Tell(ctx, m)
	}
	close(gate)
	err := ref.Stop()
	var dl *actor.DeadLetterError
	var pe *tame.PanicError
	fmt.Println("dead letters:", dead)
	fmt.Println(errors.As(err, &pe), pe.Value)
	fmt.Println(errors.As(err, &dl), dl.Count)
	// Output:
	// handled a
	// dead letters: [b c]
	// true cannot handle boom
	// true 2
}

// This example shows Shutdown giving up after a deadline while the actor is
// still busy: the actor accepts nothing more, goes on with what it accepted,
// and a later Stop waits for it.
func ExampleRef_Shutdown() {
	ctx := context.Background()
	gate := make(chan struct{})
	var handled []int // touched by the actor, read after Stop
	ref := actor.Spawn(ctx, func() int { return 0 },
		func(_ context.Context, _ *int, m int) {
			<-gate
			handled = append(handled, m)
		})
	for m := range 3 {
		_ = ref.Tell(ctx, m)
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	fmt.Println("Shutdown:", ref.Shutdown(short))
	fmt.Println("Tell:", ref.Tell(ctx, 3))
	close(gate)
	fmt.Println("Stop:", ref.Stop(), handled)
	// Output:
	// Shutdown: context deadline exceeded
	// Tell: actor: stopped: tame: closed
	// Stop: <nil> [0 1 2]
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
			fmt.Printf("%s: %v (ErrDeadlock: %t)\n", name, err, errors.Is(err, tame.ErrDeadlock))
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
	// B asks A: actor: ask cycle (the target is waiting on the caller): tame: deadlock (ErrDeadlock: true)
	// A asks B: actor: ask cycle (the target is waiting on the caller): tame: deadlock (ErrDeadlock: true)
	// main asked A: actor: ask cycle (the target is waiting on the caller): tame: deadlock <nil>
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
