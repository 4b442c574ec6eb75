// Package lock guards state that goroutines must share: values reachable only
// while their lock is held ([Guarded], [RWGuarded]), immutable snapshots read
// without locking ([Snapshot]), and two locks taken in an order that cannot
// deadlock ([Both]), with a checker that reports lock orders that could.
//
//	balance := lock.New(0)
//	balance.Do(func(b *int) { *b += 10 }) // the only way to the int
//	cfg := lock.NewSnapshot(Config{Limit: 5})
//	limit := cfg.Load().Limit // no lock, never waits
//
// # When to use it
//
// Locks are the last of the patterns in [github.com/tamego/tame]: prefer
// giving each task its own data (pool), one owner for the state (actor) or one
// line (queue). A lock is right when several goroutines must change one piece
// of state in place, in short critical sections.
//
// Data read often and changed rarely (a configuration, a routing table) is
// best shared as a [Snapshot]: a writer publishes a new version, and a version
// a reader loaded never changes under it. Treat the value as immutable: copy a
// slice or map before changing it.
//
// Data that must change in place goes in a [Guarded], which hands the value
// only to a function that runs under the lock, so no caller can forget the
// lock. Do not keep the pointer that function gets. [RWGuarded] lets many
// readers in at once; it pays off only when reads are long enough to overlap.
//
// # Deadlock and lock order
//
// If one goroutine locks a then b while another locks b then a, each can end
// up waiting for the other forever, on some runs only. One global order
// prevents it: [Both] locks two Guarded values in such an order, whatever the
// order of its arguments.
//
// Locks nested in code (Do inside Do) are ordered by the code. Test with the
// tag lockcheck (go test -tags lockcheck ./...) to turn on the lock-order
// checker: it panics before blocking, with the stacks involved, when a
// goroutine acquires a Guarded, an RWGuarded or a Snapshot's writers' lock that
// it already holds, or in an order that contradicts one seen before anywhere
// in the process, even if no deadlock happened. Orders are learnt per class:
// the line that created the lock, or a name given with [NewNamed], so the
// accounts a program creates in one place are one class, and two of them
// nested are reported too (lock them with Both). The checker serializes
// acquisitions and records stacks: it is meant for tests. Without the tag it
// is not compiled in and costs nothing.
//
// # Guarantees
//
//   - Every type is safe for concurrent use, and its zero value is ready to
//     use. A value must not be copied after first use (go vet reports it).
//   - Functions run in the caller's goroutine; the package starts none.
//   - Locks are not re-entrant, as with sync.Mutex: Do inside Do on the same
//     value deadlocks. Both(g, g) panics.
//   - A panic in the function given to any method (also panic(nil) and
//     runtime.Goexit) releases the locks and propagates unchanged to the
//     caller. The value keeps what the function wrote; a Snapshot publishes
//     nothing.
//   - [Guarded.DoContext] with a context already done returns ctx.Err() and
//     never runs fn; a context that ends while it waits makes it return
//     ctx.Err() promptly.
//   - A nil function, context or Guarded panics at the call site.
//   - A value made outside a testing/synctest bubble (a package-level zero
//     value, say) works inside and outside bubbles, as a sync.Mutex does.
//
// The [rules every tame package keeps] and the [panic policy] are stated once,
// in the root package.
//
// [rules every tame package keeps]: https://pkg.go.dev/github.com/tamego/tame#hdr-Rules_every_package_keeps
// [panic policy]: https://pkg.go.dev/github.com/tamego/tame#hdr-Panics
package lock
