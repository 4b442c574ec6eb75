// Package pool runs many independent tasks with bounded concurrency, each
// task owning its own data: a Group for one batch that fails as a whole,
// Map and ForEach over a slice, and a long-lived Pool for services.
//
//	sizes, err := pool.Map(ctx, 8, urls, func(ctx context.Context, url string) (int, error) {
//		return fetchSize(ctx, url) // reads only its own url, writes only its own result
//	})
//
// This is the first rung of tame's lesson (see [tame]): don't share mutable
// state. Tasks that share nothing cannot race. When tasks must produce
// something together, let each fill its own slot and combine the slots after
// Wait, in one goroutine.
//
// # When to use it
//
// "go f()" in a loop starts a goroutine per item: fine for ten, a problem
// for a million open files. Every entry point here takes a limit; a limit
// below 1 panics, and [NoLimit] asks for none.
//
//   - [Group]: a batch that succeeds or fails as a whole (errgroup with a
//     limit). The first error or panic cancels [Group.Context], which the
//     other tasks get; Wait returns that error or re-panics. [JoinErrors]
//     keeps going and returns every error instead.
//   - [Map] and [ForEach]: the same over a slice, results in input order,
//     with no goroutine per element.
//   - [Pool]: a long-lived executor. A task's failure does not stop the
//     others; panics go to [OnPanic] at once and come back from Close.
//     [Pool.Stats] counts what was submitted, refused, waiting, running,
//     completed and failed; [Pool.SetLimit] resizes it while it runs.
//
// Tasks that must talk to each other while they run want message passing
// (pipeline, actor); a handful of tiny computations want a plain loop.
//
// # No idle workers
//
// The classic worker pool starts N goroutines that loop over a channel
// forever, idle when there is no work. Here, as Bryan C. Mills advises
// ("Rethinking Classical Concurrency Patterns"), a worker starts when a task
// arrives and fewer than limit run, and exits when nothing waits: an idle
// Group or Pool holds no goroutine. A fixed set pays off only when each
// worker holds something expensive (a connection); write that one by hand.
//
// # Guarantees
//
//   - Capacity is exact: a Group or Pool accepts limit running tasks plus
//     [Backlog] waiting ones, no fewer and no more. A task handed to a worker
//     counts as running at once. Go and Submit wait while it is full; TryGo
//     and TrySubmit never wait and report whether they accepted.
//   - A done context refuses: Submit returns ctx.Err() and accepts nothing;
//     once a Group's context is done, Go starts nothing and Wait returns the
//     context's cause. A task that was accepted runs exactly once, also
//     when the context ends or the Pool is closed afterwards.
//   - Wait, Close and Shutdown are synchronous: when they return, no task
//     code runs and the workers are exiting. [Pool.Shutdown] bounds Close by
//     a context and drops nothing when it gives up.
//   - Calls from a task of the same Group or Pool are told apart exactly. Go
//     or Submit on its own full group waits like any caller, unless every
//     other running task of it is waiting too: then the last one queues past
//     the backlog instead of deadlocking, and the limit still holds. Close,
//     Shutdown or Wait from its own task returns at once an error wrapping
//     [tame.ErrDeadlock]. A task of another group or pool is an ordinary
//     caller, so nested groups need no care.
//   - Panics, panic(nil) and runtime.Goexit are failures, never lost: a
//     Group, Map and ForEach re-panic in their caller with a
//     [*tame.PanicError] ([tame.Recover] turns it into an error); a Pool
//     reports them to OnPanic and returns them from Close. The rules are in
//     the [tame] package doc, with the others every package keeps.
package pool
