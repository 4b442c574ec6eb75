// Package pool runs many independent tasks with bounded concurrency, each
// task owning its own data. It is the first pattern of tame's lesson, and
// the one to reach for first: don't share mutable state.
//
// # Give each task its own data
//
// Tasks that share nothing cannot race. [Map] shows the pattern at its
// purest: the call for in[i] reads only in[i] and writes only out[i], so
// there is no lock, no channel and nothing to get wrong, and the results come
// back in input order. When tasks must produce something together, let each
// one fill its own slot (an index, a field of its own struct) and combine the
// slots after Wait, in one goroutine.
//
// # Bounded concurrency
//
// "go f()" in a loop starts as many goroutines as there are items: fine for
// ten, a problem for a million open files or a thousand requests to one
// server. Every entry point here takes a limit: at most limit tasks run at
// once. A limit below 1 is a mistake and panics
// ("pool: limit must be at least 1, got 0"); 0 never means "unlimited".
// Ask for no limit with [NoLimit], which says so.
//
// The three shapes:
//
//   - [Group]: a batch that succeeds or fails as a whole (errgroup with a
//     limit). The first error or panic cancels the context the other tasks
//     get, and Wait returns that error or re-panics.
//   - [Map] and [ForEach]: the same over a slice, with results in input
//     order. No goroutine per element: up to limit goroutines claim chunks of
//     indices, so the cost per element is a few nanoseconds.
//   - [Pool]: a long-lived executor for a service. A task's failure does not
//     stop the others; panics go to [OnPanic] at once and come back from
//     Close. [Pool.Stats] reports running, waiting, completed and failed
//     tasks and the high-water mark of running ones.
//
// # Why not a fixed set of workers
//
// The classic worker pool starts N goroutines that loop over a channel
// forever. Bryan C. Mills ("Rethinking Classical Concurrency Patterns",
// GopherCon 2018) argues against it: the workers idle when there is no work,
// someone must remember to stop them, and the limit is hidden in how many
// were started. Here a worker goroutine is started when a task arrives and
// fewer than limit are running, and it exits as soon as the backlog is empty,
// so an idle Group or Pool holds no goroutine and nothing outlives Wait or
// Close. A submitter never waits for a worker to take its task: it puts the
// task in a bounded backlog (a ring under a mutex) and returns, which is why
// this is about as fast as the hand-written worker set (see BenchmarkPool).
//
// A fixed set is worth it when each worker holds something expensive that
// tasks reuse: a connection, a large scratch buffer, a locked OS thread.
// Write that one by hand, or use a [Pool] whose tasks take the resource from
// a sync.Pool.
//
// # Backpressure and cancellation
//
// Go and Submit wait while limit tasks run and the backlog is full (1024
// tasks; [Backlog] sets it for a Pool). Submit gives up when its context is
// done, returning ctx.Err(); Go gives up when the group's context is done,
// and Wait then returns [context.Cause]. TryGo and TrySubmit never wait and
// report whether they accepted the task. A task that was accepted runs
// exactly once, also when the context is cancelled or the Pool is closed
// afterwards (it then gets a done context, and should return early).
//
// # Panics
//
// A panic is never lost, never swallowed, and never leaves a lock held, a
// worker dead or a Wait hanging. panic(nil) and runtime.Goexit in a task are
// failures too, reported as a [*tame.PanicError] whose Value is a
// [*runtime.PanicNilError] or [tame.ErrGoexit]; none of them costs a Group
// or Pool a worker slot.
//
// Scoped work ([Group], [Map], [ForEach]): the panic is recovered in the
// goroutine that ran the task, the scope's context is cancelled at once (so
// the other tasks stop and Wait is reached), and Wait (or Map, or ForEach)
// re-panics in its caller's goroutine with a *tame.PanicError carrying the
// original value and stack. The first panic wins, also over an earlier
// error; later panics of the same scope stay reachable from its Later field.
// golang.org/x/sync/errgroup lets such a panic crash the program instead,
// because a recovered panic may hide a broken invariant and loses its stack.
// tame differs because the owner of a scope owns its panics: a server that
// recovers panics per request keeps running when a request's child task
// panics. Against errgroup's objections, the scope is cancelled at once, and
// the original stack is kept and printed by [tame.PanicError.Error].
//
// Long-lived work ([Pool]): the panic is recovered, the pool goes on with the
// next task, the panic is reported at once to the [OnPanic] handler, and
// Close returns it: errors.Join of the *tame.PanicError values (the first 32
// kept, the rest counted).
//
// # Hostile cases
//
//   - Go (or Submit) from inside a task is fine. On a full group (or pool)
//     it waits like any caller, unless every other running task of that
//     group is waiting in Go too: then the last one queues its task past
//     the backlog bound instead of deadlocking. The limit still holds. The
//     check is exact: a task of another group or pool is an ordinary caller.
//   - Close from inside a task of a Pool (or from its OnPanic handler) cannot
//     wait for that task: it stops the pool accepting and returns at once an
//     error wrapping [tame.ErrDeadlock]; a Close from outside waits as usual.
//   - Wait from inside one of the group's own tasks returns at once an
//     error wrapping [tame.ErrDeadlock].
//   - Go after Wait returned panics ("pool: Go called after Wait returned");
//     a nil task or fn panics at the call site.
//   - Close racing submitters: each submission either runs, before Close
//     returns, or gets [tame.ErrClosed]. Close is idempotent, safe to call
//     concurrently and returns the same value every time.
//   - Wait and Close are synchronous: when they return, no task code runs any
//     more and the workers are exiting.
//   - The backlog forgets a task once a worker has taken it, so what a
//     finished task captured can be collected while the Pool lives on.
package pool
