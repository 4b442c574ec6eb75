// Package lock is the last rung of tame's lesson: sharing state between
// goroutines, done so that it cannot be done wrong. It has immutable
// snapshots ([Snapshot]), values that can be reached only under their lock
// ([Guarded], [RWGuarded]), a way to lock two values that cannot deadlock
// ([Both]), and a lock-order checker that finds the orders that could
// deadlock before they do (build tag lockcheck).
//
// # Locks are the last resort
//
// Concurrency is not the hard part; shared mutable state is. Two goroutines
// that read and change the same variable at unpredictable times race: n++ is
// a read, an add and a write, and two of them interleaved lose one
// increment. The program works 99 times and corrupts data on the 100th.
// Before reaching for a lock, prefer, in this order:
//
//  1. not sharing: give each task its own data (package pool), or share only
//     data that never changes ([Snapshot]);
//  2. passing messages: one goroutine owns the state and others send it
//     requests (packages pipeline and actor);
//  3. a queue: one ordered line, handled one item at a time (package queue).
//
// A lock is right when several goroutines must read and change one piece of
// state in place, and the critical sections are short.
//
// # Share what never changes: Snapshot
//
// Data that is read often and changed rarely (a configuration, a routing
// table, a price list) is best never changed at all: a writer builds a new
// version and publishes it, and readers load whichever version is current,
// without a lock and without waiting. A version a reader holds never changes
// under it, so it can read it at leisure and see one consistent whole. This
// works only if nobody writes into a published version: treat T as
// immutable, and when it holds a slice or a map, copy it before changing it
// (see [Snapshot]). A Load is one atomic load; writers are serialized, and
// each pays for building a new version.
//
// # Guard what must change: Guarded
//
// A sync.Mutex beside the data it protects relies on every reader of the
// code to remember to lock it. A [Guarded] keeps the value out of reach: the
// only way to it is a function that runs while the lock is held, so the
// lock cannot be forgotten, and it cannot be left held, because the lock is
// released when the function returns, also by panicking. Keep those
// functions short and do not let the pointer they get escape them: a pointer
// kept after the function returns is a pointer to unguarded data again.
// [RWGuarded] lets many readers in at once; it pays off only when reads are
// long enough to overlap (for short reads of read-mostly data, a Snapshot
// is several times faster).
//
// # Deadlock and lock order
//
// Locks bring their own failure: the deadlock. If one goroutine locks a
// then b while another locks b then a, each can end up holding one lock and
// waiting for the other, forever. It does not happen on every run, and
// tests rarely catch it. The cure is a global order: if every goroutine
// takes locks in one order, no cycle of waits can form. [Both] does that for
// two Guarded values: it locks them in the order of a rank each gets on first
// use, whatever the order of the arguments.
//
// Locks taken one inside another (Do inside Do) are ordered by the code
// itself, and a mistake in that order can hide for years. Build or test with
// the tag lockcheck (go test -tags lockcheck ./...) to turn on the
// lock-order checker. It watches every acquisition of a Guarded, an
// RWGuarded and a Snapshot's writers' lock, and panics, before blocking,
// when a goroutine:
//
//   - acquires a lock it already holds (a certain deadlock: locks are not
//     re-entrant);
//   - acquires a lock while holding another in an order that contradicts an
//     order seen before, anywhere in the process, also across longer cycles
//     (a before b, b before c, then c before a), even if no deadlock has
//     happened: one run that takes both orders is enough to report them;
//   - mixes Both on two classes with a fixed nested order between them.
//
// Its message shows the stacks of both acquisitions that make the new order
// and of the earlier ones that contradict it. Orders are checked by lock
// class, not by instance, as Linux's lockdep and the Go runtime's lock
// ranking do: a class is the line that created the lock ([New], [NewRW],
// [NewSnapshot]) or a name given with [NewNamed] or [NewRWNamed]. So the
// thousand accounts a program creates in one place are one class, an order
// between accounts and ledgers is learnt once, and an inversion is reported
// even when it happens on two accounts never locked before. A zero value
// made without a constructor is a class of its own. Two locks of one class
// taken one inside the other are reported too (another goroutine could
// take the same two the other way): lock them with Both, or give each level
// its own name. [Guarded.TryDo] cannot deadlock and is not checked.
//
// The checker keeps its records for the whole process (a zero value's
// class, and the orders it takes part in, are never forgotten), serializes
// every acquisition through one lock of its own, and costs several
// microseconds per acquisition (it reads the goroutine's id from a stack
// trace and records the stack): it is meant for tests and debug builds.
// Without the tag it is not compiled in: its hooks are empty functions that
// the compiler removes, so it costs nothing.
//
// # Cost
//
// Ratios measured on a 2-core machine with b.RunParallel, medians of runs
// interleaved with their baseline (lock's BenchmarkInc, BenchmarkReadMostly,
// BenchmarkLoad and BenchmarkDoCost; go test -bench . ./lock/). Nothing
// below allocates.
//
//   - [Snapshot.Load] of a 4-word struct costs what atomic.Pointer.Load and
//     a read through the pointer cost (1.0x): the copy stays in registers.
//     In a 99%-read mix a Snapshot does 0.8-1.0x the time of an
//     atomic.Pointer kept next to its writers' mutex, because its pointer
//     has a cache line of its own (so a Snapshot takes 128 bytes). Load
//     returns T by value, as pinned, so for a
//     large T every reader copies all of it: 256 bytes cost about 6x a read
//     of one word through an atomic.Pointer (a hand-written copy of the
//     same 256 bytes costs 3.4x; the compiler copies Load's result twice).
//     Keep T small, or make it a pointer to data nobody changes
//     (Snapshot[*Config]).
//   - [Guarded.Do] costs about 1.15-1.2x a bare sync.Mutex Lock, increment
//     and Unlock. The difference is the deferred call that releases the
//     lock if fn panics: a non-inlined function calling fn through its
//     pointer costs 1.05x, the same with that defer 1.2x (BenchmarkDoCost).
//     The promise that a panic in fn releases the lock needs that defer,
//     and a function with a defer is never inlined, so Do stays above
//     1.1x. Waking DoContext waiters adds one plain load per unlock.
//   - [RWGuarded.Read] costs about 1.2-1.3x sync.RWMutex RLock/RUnlock, for
//     the same reason.
//
// # Panics
//
// A panic is never lost, never swallowed, and never leaves a lock held, a
// consumer dead or a Wait hanging. In this package every function runs in
// the caller's goroutine and no goroutine is started: a panic (also
// panic(nil) and runtime.Goexit) in the function given to Do, With, TryDo,
// DoContext, Read, Write, Update or Both releases the locks it holds and
// propagates unchanged to the caller, and the next caller gets the lock. A
// value keeps what the function wrote before it panicked; a Snapshot
// publishes nothing.
//
// # Hostile cases
//
//   - Do (or With, Read, Write, Update) inside itself on the same value
//     deadlocks, as with sync.Mutex; TryDo reports false instead; with the
//     tag lockcheck, the checker panics with both stacks.
//   - Both(g, g) panics: "lock: Both called with the same Guarded twice".
//   - A nil function, a nil ctx or a nil Guarded given to Both panics with a
//     lock: message naming the argument.
//   - DoContext with a context already done returns ctx.Err() and does not
//     run fn; when the context ends while it waits, it returns ctx.Err()
//     promptly and does not run fn.
//   - Copying a Guarded, RWGuarded or Snapshot after first use is a bug that
//     go vet reports.
package lock
