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
// This is message passing, the second pattern of the [tame] lesson. The
// messages are handled in the order they were accepted, so the state goes
// from one consistent value to the next. The state's type is not in the
// [Ref]: keep pointers into it out of messages, and nothing else reaches it.
//
// # When to use it
//
// Reach for an actor when state with a life of its own (a connection, a
// cache, an account) is changed by many goroutines, above all when a change
// is a conversation, "check, then act". For independent tasks use package
// pool; for a stream through stages, pipeline; for a line of work items,
// queue; for data read far more often than written, lock.Snapshot. A
// message costs a handoff between goroutines: for a counter, a mutex is
// cheaper.
//
// # Tell and Ask
//
// [Ref.Tell] hands a message over and returns; [Ref.TryTell] does so only
// if the mailbox has room. [Ask] sends a message that carries a [Reply] and
// waits for the answer. Prefer Tell: an asker waits on the actor, and waits
// are where deadlocks come from; give an Ask a deadline when the actor may
// not answer. Most programs hide the messages behind a typed wrapper (see
// the examples).
//
// # Guarantees
//
//   - Bounded mailbox: [Mailbox] sets its capacity (the default is
//     [DefaultMailbox]), which counts the messages waiting, not the one
//     receive is handling. A full mailbox makes Tell and Ask wait until
//     there is room or their ctx is done; TryTell reports false.
//   - Deadlocks detected: an Ask of an actor to itself or a Tell to its
//     own full mailbox, made on its goroutine, and an Ask around a cycle (A
//     asks B while B, handling it, asks A) made with the ctx receive got,
//     fail at once with an error wrapping tame.ErrDeadlock. Waits the
//     package cannot see remain the caller's to avoid.
//   - Failures: a panic or runtime.Goexit in init or receive is reported to
//     [OnPanic] at once and returned by Stop. With [Restart] the actor
//     starts again with fresh state from init, the failing message not
//     retried; without it, or beyond its limit, the actor stops, its
//     pending Asks fail with tame.ErrClosed, and the other messages go to
//     the [DeadLetter] handler and are counted in the [DeadLetterError] that
//     Stop returns. A [Supervisor] restarts several actors one for one
//     under one limit.
//   - Stopping: [Ref.Stop] stops accepting, lets the actor handle what it
//     accepted, and waits until its goroutine has ended; [Ref.Shutdown]
//     bounds that wait with a context. When the context given to [Spawn]
//     is done, the actor stops the same way.
//
// The rules every tame package keeps (a done context refuses, Stop from
// inside returns at once, misuse panics, the Stats vocabulary, panics) are
// stated once in the [tame] package documentation.
package actor
