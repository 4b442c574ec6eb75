// Package tame is a library of concurrency patterns, one small package per
// pattern, and a lesson in choosing between them. This package holds the
// lesson, the rules every package keeps and their shared errors.
//
// # Concurrency, parallelism and shared state
//
// Concurrency is dealing with many things at once; parallelism is doing them
// at the same instant, on several cores. The hard part is shared mutable
// state: two goroutines that "read, add one, write back" the same counter
// lose updates whenever their steps interleave (go test -race catches such a
// data race when a run shows it). Pure code, which reads only its arguments
// and data nobody changes, is safe to run concurrently; every pattern here is
// a way back to it. The simplest correct program is sequential: concurrency
// earns its complexity when there is waiting to overlap or independent work
// for several cores.
//
// # Choosing a pattern, in order of preference
//
//  1. Don't share mutable state. [github.com/tamego/tame/pool]: independent
//     tasks, at most N at a time (Group for a batch that fails as a whole,
//     Map and ForEach over a slice, Pool for a long-lived executor). Or share
//     only data that never changes ([github.com/tamego/tame/lock.Snapshot]).
//  2. Pass messages. [github.com/tamego/tame/pipeline]: values streamed
//     through stages that all stop at the first error.
//     [github.com/tamego/tame/actor]: a goroutine that alone owns its state
//     and answers messages, restarted with fresh state after a panic.
//  3. Queue. [github.com/tamego/tame/queue]: many producers, one consumer
//     that handles items one at a time in order, or one such line per key.
//  4. Lock, as the last resort. [github.com/tamego/tame/lock]: Guarded values
//     reachable only under their lock, Both to lock two without deadlock,
//     and a checker that finds lock orders that could deadlock.
//
// [github.com/tamego/tame/tametest] runs a test under many seeded schedules
// and replays the one that fails.
//
// # Rules every package keeps
//
// The same situation gets the same answer in every package.
//
//   - No goroutine outlives its owner: Wait, Close, Stop and Shutdown return
//     only after every goroutine they own has finished its work.
//   - Nothing accepted is lost: a Push, Submit, Go or Tell that returned nil
//     (or a Try that returned true) is handled exactly once, also across
//     Close, which stops accepting and then drains. What cannot be handled
//     (a message left to a stopped actor) is reported.
//   - Bounded and exact: a full buffer blocks the producer until there is
//     room or its context is done; Try variants never block. Capacity c
//     accepts exactly c waiting items, not counting those being handled.
//   - A done context refuses: given a context already done, a call accepts
//     nothing, runs nothing and returns ctx.Err(), even when there is room.
//     A context that ends while the call waits makes it return promptly.
//   - Close from inside returns at once: Close, Stop or Shutdown called from
//     the component's own task, handler or receive stops accepting and
//     returns an error wrapping [ErrDeadlock]; the accepted work is still
//     done, and a Close from outside waits for it and returns the result.
//     Any other call tame can tell would wait forever also returns an error
//     wrapping ErrDeadlock.
//   - Shutdown is Close bounded by a context: once ctx is done it returns
//     ctx.Err() and the work goes on, still owned, and a later Close or
//     Shutdown waits for it. Close and Stop are idempotent, safe to call
//     concurrently, and return the same result every time.
//   - Misuse panics at the call site: a limit or capacity below 1, a nil
//     function (OnPanic(nil) included) or Go after Wait panics with a message
//     naming the package. Run-time conditions are errors: [ErrClosed],
//     ctx.Err() or [context.Cause].
//   - One Stats vocabulary: Submitted (accepted), Refused (calls that
//     accepted nothing), Waiting (accepted, not started), MaxWaiting (its
//     high-water mark), Running (handed to a worker, not finished), Completed
//     and Failed (an error, a panic or runtime.Goexit). Once a component is
//     closed, Submitted == Completed + Failed.
//   - Bubbles are welcome: a value made outside a [testing/synctest] bubble
//     works inside and outside one, as a sync.Mutex does.
//
// # Panics
//
// A panic is never lost or swallowed.
//
// Scoped work (pool.Group, pool.Map, pool.ForEach, pipeline): the panic is
// recovered where it happened, the scope's context is cancelled, and Wait
// re-panics in its caller's goroutine with a *[PanicError] carrying the
// original value and stack. The first panic wins, also over an earlier error;
// later ones are kept in its Later field. [Recover] turns it into an error.
//
// Long-lived work (pool.Pool, queue, actor): the panic is recovered and the
// component keeps working (an actor restarts or stops, by its policy). The
// package's OnPanic handler is told at once, and Close or Stop returns the
// panics, joined with [errors.Join].
//
// Work run in the caller's goroutine (lock): the panic releases the locks and
// propagates unchanged.
//
// panic(nil) and [runtime.Goexit] are failures too, reported as a PanicError;
// neither lets Wait return success or hang.
package tame
