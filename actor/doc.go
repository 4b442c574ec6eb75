// Package actor gives a piece of state to one goroutine, an actor, that
// handles messages one at a time: other goroutines change or read the state
// only by sending it messages, so it needs no lock and never races.
//
//	type msg struct {
//		add   int
//		total actor.Reply[int] // set by Ask; the zero Reply drops the answer
//	}
//	counter := actor.Spawn(ctx, func() int { return 0 },
//		func(ctx context.Context, n *int, m msg) {
//			*n += m.add
//			m.total.Send(*n)
//		})
//	err := counter.Tell(ctx, msg{add: 2})
//	total, err := actor.Ask(ctx, counter, func(r actor.Reply[int]) msg { return msg{total: r} })
//	err = counter.Stop()
//
// Messages are handled in the order they were accepted, so the state goes
// from one consistent value to the next. Keep pointers into the state out of
// messages.
//
// # When to use it
//
// Reach for an actor when state with a life of its own (a connection, a
// cache, an account) is changed by many goroutines, above all when a change
// is a conversation, "check, then act". For a counter, a mutex is cheaper.
//
// [Ref.Tell] hands a message over and returns; [Ask] waits for an answer.
// Prefer Tell: waits are where deadlocks come from. Most programs hide the
// messages behind a typed wrapper (see the examples).
//
// # Guarantees
//
//   - Bounded mailbox: a full [Mailbox] makes Tell and Ask wait until there is
//     room or their ctx is done, and lets them in in the order they came;
//     TryTell reports false, also while others wait.
//   - Deadlocks detected: an Ask of an actor to itself, a Tell to its own full
//     mailbox, and an Ask around a cycle (A asks B while B, handling it, asks
//     A) fail at once with an error wrapping [tame.ErrDeadlock]; see Ask for
//     the exact cases. Other waits remain the caller's to avoid.
//   - Failures: a panic or runtime.Goexit in init or receive never reaches
//     a sender. It is told to [OnPanic] and returned by Stop, and the actor
//     restarts ([Restart], [Supervisor]) or stops: its accepted messages then
//     go to the [DeadLetter] handler, counted in a [DeadLetterError].
//
// The rules every tame package keeps (contexts, Stop and Shutdown, misuse
// panics, Stats, panics) are stated in [tame].
package actor
