// Package queue funnels work from many producers into one ordered line
// that a single goroutine handles, one item at a time.
//
//	account := queue.New(64, func(amount int) { balance += amount })
//	err := account.Push(ctx, 100) // from any goroutine
//	err = account.Close()         // every accepted item handled; balance is final
//
// Shared mutable state is what makes concurrent programs hard. A [Queue]
// takes the "at the same time" out of it: producers only hand over values,
// and the handler, the only code that touches the state, runs on one
// goroutine, in the order the items were accepted, and needs no lock.
//
// # When to use it
//
// Use a queue when the producers need not wait for the result (writing to
// one file or connection, applying events to one aggregate, booking to one
// account), when the order of the operations matters, or when the
// operation is slow and its callers should not pile up on a lock. Use a
// lock (package lock) when the caller needs the result at once, an actor
// (package actor) when it needs a reply; better still, share nothing.
//
// A [Keyed] queue keeps one line per key: the items of a key are handled in
// order, one at a time, and different keys in parallel. So a Keyed handler
// may touch only the state of its own key: a map shared by all keys and
// updated in the handler (balances[key] += x) is a data race. Give each key
// its own value, made before the queue runs, and let the handler change
// only that value (see the Keyed examples), or guard shared state with a
// lock.
//
// # Guarantees
//
//   - An accepted item is handled exactly once, also when Close races
//     with its Push, and the items of one producer (for Keyed: of one key)
//     in the order it pushed them.
//   - The capacity counts the items waiting, not the ones being handled,
//     and is exact: a queue of capacity c accepts c waiting items, no fewer
//     and no more. Push waits while the queue is full, and the Pushes that
//     wait are let in in the order they came, as soon as there is room;
//     TryPush never waits. A Queue allocates room for its whole capacity
//     when it is made; a Keyed queue takes memory as items wait and gives
//     it back as its lines drain.
//   - Push returns ctx.Err() when its context ends first, and accepts
//     nothing when the context is already done. Push and TryPush refuse
//     with [tame.ErrClosed] once Close or Shutdown was called.
//   - Close stops accepting, waits until every accepted item was handled
//     and the queue's goroutines have ended, and returns the handler's
//     panics. Shutdown does the same within a context's deadline; when the
//     context ends first the work goes on and a later Close waits for it.
//   - The handler cannot wait for itself. A Push from the handler to its
//     own full queue, and a Close or Shutdown from the handler, return at
//     once an error wrapping [tame.ErrDeadlock] (the items already
//     accepted are still handled). A handler that hands such a call to
//     another goroutine and waits for it is not detected: give that call a
//     context with a deadline.
//   - A panic or runtime.Goexit in the handler skips only its item: the
//     line goes on, [OnPanic] hears of it at once, and Close returns it.
//   - A queue made outside a testing/synctest bubble works inside one, and
//     the reverse, as a sync.Mutex does: while a bubble's goroutine waits
//     on a queue made outside it, it is not durably blocked.
//
// The rules every tame package keeps (contexts, Close from inside, the
// panic policy, Stats) are stated once in [tame].
package queue
