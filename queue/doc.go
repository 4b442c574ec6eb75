// Package queue funnels work through one ordered line, handled one item at a
// time: many goroutines push, one goroutine handles.
//
// # Why one line removes the race
//
// Concurrency is not the hard part; shared mutable state is. When several
// goroutines change the same data at unpredictable times they race, and the
// program is right 99 times and corrupts the data on the 100th. A [Queue]
// takes the "at the same time" out of the picture: producers only hand over
// values, and the one consumer goroutine that calls the handler is the only
// code that touches the state behind it. The handler is written as plain
// sequential code, needs no lock, and sees the items in the order they were
// accepted (the items of one producer in the order it pushed them).
//
//	account := queue.New(64, func(amount int) { balance += amount })
//	account.Push(ctx, 100) // from any goroutine
//	err := account.Close() // every accepted item handled; balance is final
//
// # When a queue beats a lock
//
// A lock makes every goroutine wait its turn to touch the data, and while it
// waits it does nothing else. A queue lets a producer drop its item and go
// on; the work is done later, in order, by the consumer. Prefer a queue when
// the producers need not wait for the result (logging, writing to one file
// or connection, applying events to one aggregate, booking to one account),
// when the order of the operations matters, or when the operation is slow
// and its callers should not pile up on a lock. Prefer a lock (package lock)
// when the caller needs the result at once, and message passing to an actor
// (package actor) when it needs a reply. Prefer, before either, not to share
// the data at all.
//
// # Why bounded
//
// Every queue has a capacity: the most items that wait at once (the item
// being handled is not counted; [Queue.Len] never exceeds the capacity). An
// unbounded queue in front of a consumer that is slower than its producers
// grows until the process runs out of memory, and every item in it waits
// longer and longer. A bounded queue pushes back instead: [Queue.Push]
// waits while the queue is full, so producers slow down to the consumer's
// pace, and gives up with ctx.Err() when its context ends; [Queue.TryPush]
// never waits and reports whether the item was taken, so a server can shed
// load ("busy, try later") rather than queue it. [Queue.Stats] reports the
// depth, its high-water mark and how long producers were held back.
//
// # One line per key
//
// A [Keyed] queue keeps one line per key: the items of one key are handled
// one at a time, in order; the items of different keys are handled in
// parallel, on at most workers goroutines. That is the shape of "serialize
// per customer, per account, per document" that one Queue per key would
// give, without a goroutine per key and with one capacity shared by all
// keys. Ready keys take turns, one item each, so a hot key with a long
// backlog never starves the others, and a slow item holds up only its own
// key. A key whose line has drained is forgotten: it holds no memory.
//
// # Panics
//
// A panic is never lost, never swallowed, and never leaves a lock held, a
// consumer dead or a Close hanging. A panic in the handler is recovered, the
// queue keeps working (the next item is handled; the item that panicked is
// not retried), the panic is reported at once to the function given with
// [OnPanic], and Close returns it: errors.Join of *tame.PanicError with the
// panic value and the stack of the handler, the first 32 of them and a
// count of the rest. panic(nil) and runtime.Goexit in the handler are
// failures too, reported the same way (Goexit ends the consumer goroutine; a
// new one takes over and goes on with the next item, so the handler still
// runs on one goroutine at a time). A panic in the OnPanic function itself
// is recovered and returned by Close as well.
//
// # Hostile cases
//
// What each call does when it is used against the grain:
//
//   - Push and TryPush after Close return tame.ErrClosed and false; Pushes
//     waiting for room when Close is called return tame.ErrClosed and their
//     items are not handled. A Push that returned nil is handled exactly
//     once, also when Close races with it: Close stops accepting, then
//     handles everything accepted, then returns. No "send on closed
//     channel", ever.
//   - Push with a context that is already done returns ctx.Err() and never
//     accepts the item, even when there is room.
//   - Close is idempotent, safe to call from many goroutines at once, and
//     returns the same error every time. Once it returns, no handler code
//     runs any more and the queue's goroutines are exiting.
//   - Close called by the handler (or by OnPanic) of the same queue cannot
//     wait for the item it is part of. It stops accepting and returns at
//     once, with the panics recorded so far; the items accepted before it
//     are still handled, then the goroutines end on their own. A Close from
//     another goroutine still waits for all of that and returns the full
//     result.
//   - Push called by the handler on its own queue is accepted while there is
//     room; when the queue is full it returns [ErrDeadlock] instead of
//     waiting for room that only its own goroutine could make. (For a Keyed
//     queue this holds for every worker: if they all waited, none would
//     make room.) Telling the handler's goroutine from the others is slow
//     (about 15 µs), so a Push checks only once it has waited 1 ms: the
//     handler gets ErrDeadlock after that millisecond, and the busy path
//     pays nothing. A handler that hands the Push to another goroutine and
//     waits for it is not detected: give that Push a context with a
//     deadline.
//   - A capacity or worker count below 1, a nil handler and a nil Option
//     panic in New or NewKeyed with a "queue: ..." message; the zero Queue
//     and Keyed panic when used. A Keyed key that holds an interface value
//     whose dynamic type is not comparable (a slice, say) panics in Push or
//     TryPush, in the caller's goroutine, and leaves the queue working.
//
// # Cost
//
// A Push to a Queue takes no lock while there is room: it claims the next
// position of a ring with a compare-and-swap, writes its item into that
// slot and marks the slot written; the consumer reads the slots in order.
// The consumer tells the producers how far it got every 16 items, not
// after each one (an atomic store per item costs more than the rest of its
// work on an item), so Len may count up to 15 items the handler already
// has, and a Push can find the queue full that much early; it then waits
// until the handler returns from its current call (also when the consumer
// had published room just before), so a handler must not wait for a
// producer whose Push comes first. (The handler's own Push is measured
// from the consumer's true position once it has waited 1 ms.) When the
// consumer finds nothing to do it parks on a channel at once, after a
// handshake with the producers (it sets a flag, then looks at the next slot
// once more; a Push writes its slot, then looks at the flag), so no item is
// left behind a sleeping consumer: an idle queue uses no CPU, and under CPU
// load an item pushed to an idle queue is handled about as soon as by a
// channel's consumer (BenchmarkLatencyUnderLoad: a consumer that yielded
// before parking made that tens of milliseconds). The lock is taken only by
// Pushes that find the queue full, by the consumer when it lets them in or
// parks, and by Close.
//
// Pushes that must wait are queued in order and let in together, oldest
// first, a batch per acquisition of the lock, once the consumer (or the
// Keyed workers) has made room for capacity/8 items, or has nothing else
// to do: producers are not woken one per item handled, to push one item
// and wait again. Until then later Pushes queue up behind them. Waiting
// allocates nothing in the steady state.
//
// A Keyed queue takes its lock for every Push and for every turn of a
// worker (one item per turn is what keeps the keys fair). When no other key
// is ready, nobody waits for a turn, so a worker hands up to 16 items of its
// key to the handler per acquisition of the lock. Keyed workers start when
// there is work and park when there is none.
//
// BenchmarkQueue compares a Queue with a buffered channel drained by one
// goroutine and with a mutex-guarded slice; BenchmarkKeyed does the same
// for Keyed (with 8 and with GOMAXPROCS workers). Measured on a shared
// 2-core machine (interleaved runs, medians, tiny handler), a Queue took
// about 0.35 to 0.5 times the channel's time per item with 1, 2 and 8
// producers (the lock it took per Push before made that up to 1.1 times
// with 8 producers, as they queued on it). A Keyed queue costs about 0.6
// to 0.85 times the channel with 1 or 2 producers, and about 0.9 times
// with 8 producers and GOMAXPROCS workers, where 8 producers and the
// workers contend for one lock and the workers for the processors (up to
// 1.5 times in single runs on a loaded machine, where parked goroutines
// wake slowly).
package queue
