// Package lock guards state that goroutines must share: values reachable
// only while their lock is held ([Guarded], [RWGuarded]), immutable
// snapshots read without locking ([Snapshot]), and two locks taken in an
// order that cannot deadlock ([Both]), with a checker that reports lock
// orders that could.
//
//	balance := lock.New(0)
//	balance.Do(func(b *int) { *b += 10 }) // the only way to the int
//	cfg := lock.NewSnapshot(Config{Limit: 5})
//	limit := cfg.Load().Limit // no lock, never waits
//
// # When to use it
//
// Locks are the last of the patterns in [github.com/tamego/tame]: prefer
// giving each task its own data (pool), one owner for the state (actor) or
// one line (queue). A lock is right when several goroutines must change one
// piece of state in place, in short critical sections.
//
// Share data read often and changed rarely (a configuration, a routing
// table) as a [Snapshot]. Put data changed in place in a [Guarded], which
// hands the value only to a function run under the lock, so no caller can
// forget the lock. [RWGuarded] lets many readers in at once; it pays off
// only when reads are long enough to overlap.
//
// # Deadlock and lock order
//
// Two goroutines that lock a then b and b then a can deadlock, on some runs
// only. [Both] locks two Guarded values in one global order, whatever the
// order of its arguments.
//
// Test with the tag lockcheck (go test -tags lockcheck ./...) to turn on the
// lock-order checker: before blocking, it panics with the stacks involved
// when a goroutine acquires a lock it already holds, or in an order that
// contradicts one seen before anywhere in the process, even if no deadlock
// happened. Orders are learnt per lock class: the line that created the
// lock, or a name given with [NewNamed]; nesting two locks of one class is
// reported too (use Both). The checker is meant for tests; without the tag
// it is not compiled in.
//
// # Guarantees
//
//   - Every type is safe for concurrent use, and its zero value is ready to
//     use. A value must not be copied after first use (go vet reports it).
//   - Functions run in the caller's goroutine; the package starts none.
//   - Locks are not re-entrant: Do inside Do on the same value deadlocks.
//   - A panic in the function given to any method (also panic(nil) and
//     runtime.Goexit) releases the locks and propagates unchanged. The value
//     keeps what the function wrote; a Snapshot publishes nothing.
//   - A nil function, context or Guarded panics at the call site.
//   - A value made outside a testing/synctest bubble (a package-level zero
//     value, say) works inside and outside bubbles, as a sync.Mutex does.
//
// The [rules every tame package keeps] and the [panic policy] are in the
// root package.
//
// [rules every tame package keeps]: https://pkg.go.dev/github.com/tamego/tame#hdr-Rules_every_package_keeps
// [panic policy]: https://pkg.go.dev/github.com/tamego/tame#hdr-Panics
package lock
