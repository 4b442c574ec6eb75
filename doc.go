// Package tame is a library of concurrency patterns that keep concurrent Go
// programs sane, one small package per pattern, and a lesson in how to choose
// between them. This package holds the lesson and the vocabulary the other
// packages share: [ErrClosed], [ErrGoexit] and [PanicError].
//
// # Concurrency is not parallelism
//
// Concurrency is dealing with many things at once: several tasks are in
// progress and take turns. Parallelism is doing many things at the same
// instant, which needs several cores. Picture a kitchen. One chef cooking
// three dishes chops the onions, puts the roast in the oven and, while it
// bakes, starts the soup: that is concurrency. Three chefs each chopping for
// their own dish at the same moment: that is parallelism. One core can be
// concurrent without being parallel; the oven time is waiting, and waiting
// overlaps on a single chef.
//
// # Shared mutable state is the hard part
//
// Starting goroutines is easy. What is hard is two tasks that read and change
// the same data at unpredictable times. A counter incremented as "read the
// value, add one, write it back" from two goroutines loses updates whenever
// their steps interleave: the program works 99 times and corrupts data on the
// 100th, and no test run is guaranteed to show it. A data race (two
// unsynchronized accesses to one variable, one of them a write) is the kind
// the race detector, go test -race, catches; a race condition (a result that
// depends on timing) can happen without one.
//
// Pure code, which reads only its arguments and data nobody changes and
// writes only its own result, is safe to run concurrently. Every pattern
// below is a way to get back to that.
//
// # The patterns, in order of preference
//
//  1. Don't share mutable state. Give each task its own data and combine the
//     results at the end ([github.com/tamego/tame/pool]: Map writes each
//     result into its own slot), or share only data that never changes
//     ([github.com/tamego/tame/lock.Snapshot]: readers load an immutable
//     version, writers publish a new one).
//  2. Message passing. Tasks send values to each other instead of touching
//     the same memory: stages connected by channels
//     ([github.com/tamego/tame/pipeline]), or a goroutine that alone owns a
//     piece of state and answers messages ([github.com/tamego/tame/actor]).
//  3. Queues. Funnel the work on one piece of state through one ordered line,
//     handled one item at a time ([github.com/tamego/tame/queue]); the race
//     is gone because there is only one line.
//  4. Locks, as the last resort. When data must be shared and changed, guard
//     it so that it cannot be touched without the lock
//     ([github.com/tamego/tame/lock.Guarded]). Locks bring their own failure,
//     the deadlock: two goroutines that take two locks in opposite orders
//     wait for each other forever. Take several locks in one global order
//     ([github.com/tamego/tame/lock.Both]) and let the lock-order checker
//     (build tag lockcheck) find the orders that could deadlock.
//
// # When not to use concurrency
//
// The simplest correct program is sequential. Concurrency earns its
// complexity when there is waiting to overlap (network, disk, timers) or
// enough independent CPU work to keep several cores busy; it costs a
// goroutine start, a channel handoff or a lock per item, and for small inputs
// a plain loop wins. Measure before and after: every package here has
// benchmarks beside the plain standard-library way of doing the same thing.
//
// # Choosing a package
//
//   - Use [github.com/tamego/tame/pool] if you want to run many independent
//     tasks with at most N at a time: Group for one batch that fails as a
//     whole, Map and ForEach over a slice, Pool for a long-lived executor
//     whose tasks fail one by one.
//   - Use [github.com/tamego/tame/pipeline] if you want to stream values
//     through stages (map, filter, batch, merge) with fan-out and fan-in, and
//     stop every stage at the first error.
//   - Use [github.com/tamego/tame/queue] if you want many producers and one
//     consumer that handles items one at a time in order, or one such line
//     per key (Keyed).
//   - Use [github.com/tamego/tame/actor] if you want a goroutine that owns
//     its state and answers messages (Tell, Ask), restarted with fresh state
//     when it panics.
//   - Use [github.com/tamego/tame/lock] if you must share mutable state:
//     Guarded and RWGuarded values reachable only under their lock, Snapshot
//     for read-mostly data, Both to lock two values without deadlock.
//
// # Rules every package keeps
//
// The same situation gets the same answer in every package; the package docs
// link here instead of repeating it.
//
//   - No goroutine outlives its owner. Wait, Close, Stop and Shutdown return
//     only after every goroutine they own has finished its work.
//   - Nothing accepted is lost. A Push, Submit, Go or Tell that returned nil
//     (or a Try variant that returned true) is handled exactly once, also
//     across Close, which stops accepting and then drains. What cannot be
//     handled (a message left to an actor stopped by a panic) is reported.
//   - Bounded, and exact. Every buffer has a capacity; a full one blocks the
//     producer, who can give up through its context, and Try variants never
//     block and report whether they accepted. Capacity counts what waits,
//     not what is being handled: a component with capacity c accepts c
//     waiting items, no fewer and no more.
//   - A done context refuses. A call given a [context.Context] that is
//     already done accepts nothing, runs nothing and returns ctx.Err(), also
//     when there would be room, as semaphore.Acquire does. A context that
//     ends while the call waits makes it return ctx.Err() promptly.
//   - Close from inside returns at once. Close, Stop or Shutdown called from
//     the component's own task, handler or receive cannot wait for its own
//     call: it stops accepting and returns at once an error for which
//     errors.Is(err, [ErrDeadlock]) is true. The work already accepted is
//     still done; a Close from outside waits for it and returns the result.
//     Every other call that tame can tell would wait forever returns an error
//     wrapping ErrDeadlock too.
//   - Shutdown is Close bounded by a context. It stops accepting and waits
//     until everything accepted has been handled or ctx is done; then it
//     returns ctx.Err() and the work goes on, still owned: nothing is
//     dropped, and a later Close or Shutdown waits for it. Close and Stop are
//     idempotent, safe to call concurrently with each other and with
//     Shutdown, and return the same result every time.
//   - Misuse panics at the call site. A limit or capacity below 1, a nil
//     function (OnPanic(nil) included) or Go after Wait panics at once with
//     a message that names the package and the argument ("pool: limit must
//     be at least 1, got 0"), never later inside a worker. Conditions that
//     arise at run time are errors: [ErrClosed] once a component is closed,
//     ctx.Err() or [context.Cause] once a context is done.
//   - One Stats vocabulary. Where a component counts, the same quantity has
//     the same name and type everywhere: Submitted (uint64, work accepted),
//     Refused (uint64, calls that accepted nothing: full, closed or
//     cancelled; tame never drops what it accepted), Waiting (int, accepted
//     and not started), MaxWaiting (int, the most that ever waited at once),
//     Running (int, handed to a worker or handler and not finished),
//     Completed (uint64, finished normally) and Failed (uint64, finished with
//     an error, a panic or runtime.Goexit). Once the component is closed,
//     Submitted == Completed + Failed.
//   - Bubbles are welcome. A value made outside a [testing/synctest] bubble
//     works inside and outside one, as a sync.Mutex does.
//
// # Panics
//
// A panic is never lost, never swallowed, and never leaves a lock held, a
// consumer dead or a Wait hanging.
//
// Scoped work (pool.Group, pool.Map, pool.ForEach, pipeline): the panic is
// recovered in the goroutine that ran the task, the scope's context is
// cancelled at once so that the other tasks stop, and Wait re-panics in its
// caller's goroutine with a *[PanicError] that carries the original value and
// the stack of the goroutine that panicked. The first panic wins, also over
// an earlier error; later panics of the same scope are kept in its Later
// field. golang.org/x/sync/errgroup lets a task's panic crash the program,
// because a recovered panic can hide a broken invariant and lose its stack.
// tame differs because the owner of a scope owns its panics: a server that
// recovers panics per request keeps running when a request's child task
// panics. It answers errgroup's objections by cancelling the scope at once and
// by keeping the original stack, printed by [PanicError.Error].
//
// Long-lived work (pool.Pool, queue, actor): the panic is recovered and the
// component keeps working (the queue handles the next item; the actor is
// restarted with fresh state when it has a restart policy, or stops). The
// panic is reported at once to the OnPanic handler of the package, and Close
// or Stop returns it: [errors.Join] of the *[PanicError] values, the first
// ones kept and the rest counted.
//
// panic(nil) and [runtime.Goexit] in a task are failures too: panic(nil)
// arrives as a PanicError whose Value is a [*runtime.PanicNilError], Goexit as
// one whose Value is [ErrGoexit]. Neither lets Wait return success or hang.
package tame
