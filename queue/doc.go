// Package queue funnels work from many producers into one ordered line that
// a single goroutine handles, one item at a time.
//
//	account := queue.New(64, func(amount int) { balance += amount })
//	err := account.Push(ctx, 100) // from any goroutine
//	err = account.Close()         // every accepted item handled; balance is final
//
// Producers only hand over values; the handler, the only code that touches
// the state, runs on one goroutine in the order the items were accepted, and
// needs no lock.
//
// # When to use it
//
// Use a queue when the producers need not wait for the result (writing to
// one file or connection, applying events to one aggregate, booking to one
// account), when the order of the operations matters, or when the operation
// is slow and its callers should not pile up on a lock. Use a lock (package
// lock) when the caller needs the result at once, an actor (package actor)
// when it needs a reply; better still, share nothing.
//
// A [Keyed] queue keeps one line per key, and runs different keys in
// parallel: its handler must not share state across keys (balances[key] += x
// on one map is a data race); see [Keyed] for the safe way.
//
// # Guarantees
//
//   - An accepted item is handled exactly once, also when Close races with its
//     Push, and the items of one producer (for Keyed: of one key) in the order
//     it pushed them.
//   - Capacity counts the waiting items, not those being handled, and is exact.
//     Push waits while the queue is full, and waiting Pushes are let in in the
//     order they came; TryPush never waits. A Queue allocates room for its whole
//     capacity when it is made; a Keyed queue takes memory as items wait and
//     gives it back as its lines drain, keeping some, at most twice the
//     capacity, for the keys that come next.
//   - Push and TryPush refuse with [tame.ErrClosed] once Close or Shutdown was
//     called. Close waits until every accepted item was handled and the
//     queue's goroutines have ended, and returns the handler's panics.
//   - The handler cannot wait for itself: a Push from the handler to its own
//     full queue, and a Close or Shutdown from the handler, return at once an
//     error wrapping [tame.ErrDeadlock]. A handler that hands such a call to
//     another goroutine and waits for it is not detected: give that call a
//     context with a deadline.
//   - A panic or runtime.Goexit in the handler skips only its item: the line
//     goes on, [OnPanic] hears of it at once, and Close returns it.
//   - A goroutine of a testing/synctest bubble that waits on a queue made
//     outside the bubble is not durably blocked.
//
// Contexts, Close and Shutdown, panics, Stats and bubbles follow the rules
// every tame package keeps, stated in [tame].
package queue
