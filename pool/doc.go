// Package pool runs many independent tasks with bounded concurrency: a Group
// for one batch that fails as a whole, Map and ForEach over a slice, and a
// long-lived Pool for services.
//
//	sizes, err := pool.Map(ctx, 8, urls, func(ctx context.Context, url string) (int, error) {
//		return fetchSize(ctx, url) // reads only its own url, writes only its own result
//	})
//
// This is the first rung of tame's lesson (see [tame]): don't share mutable
// state. Tasks that share nothing cannot race; when they must produce
// something together, let each fill its own slot and combine the slots after
// Wait.
//
// # When to use it
//
//   - [Group]: a batch that succeeds or fails as a whole, like errgroup with
//     a limit; [JoinErrors] keeps going and returns every error.
//   - [Map] and [ForEach]: the same over a slice, results in input order.
//   - [Pool]: a long-lived executor whose tasks fail alone; panics go to
//     [OnPanic] and come back from Close.
//
// Every entry point takes a limit; [NoLimit] asks for none. Tasks that must
// talk to each other while they run want message passing (pipeline, actor);
// a handful of tiny computations want a plain loop.
//
// # Guarantees
//
//   - No idle workers: a worker starts when a task arrives and fewer than
//     limit run, and exits when nothing waits.
//   - Capacity is exact: a Group or Pool accepts limit running tasks plus
//     [Backlog] waiting ones. Go and Submit wait while it is full; TryGo and
//     TrySubmit never wait and report whether they accepted.
//   - An accepted task runs exactly once, also when the context ends or the
//     Pool is closed afterwards.
//   - A task may call Go or Submit on its own full Group or Pool: it waits
//     like any caller, unless every other running task of it waits too; then
//     it queues past the backlog instead of deadlocking, and the limit still
//     holds. Close, Shutdown or Wait from its own task returns at once an
//     error wrapping [tame.ErrDeadlock]. A task of another group or pool is
//     an ordinary caller.
//   - Panics follow the [tame] rules: a Group, Map and ForEach re-panic in
//     their caller with a [*tame.PanicError]; a Pool reports them to OnPanic
//     and returns them from Close.
package pool
