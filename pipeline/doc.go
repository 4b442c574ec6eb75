// Package pipeline streams values through stages connected by channels: the
// message-passing pattern. Instead of sharing memory and guarding it, each
// stage owns the value it holds and hands it to the next stage by sending it;
// no two stages touch a value at the same time, so there is nothing to lock.
//
// A [Pipeline] owns the goroutines of its stages. The first error or panic
// stops all of them, a consumer that stops early stops the producers, and
// [Pipeline.Wait] (or a sink) returns only once every stage goroutine has
// ended: nothing leaks.
//
//	p := pipeline.New(ctx)
//	nums := pipeline.From(p, []int{1, 2, 3, 4, 5})
//	squares := pipeline.Map(p, nums, 2, func(ctx context.Context, n int) (int, error) {
//		return n * n, nil
//	})
//	sum, err := pipeline.Reduce(p, squares, 0, func(acc, sq int) int { return acc + sq })
//
// # Message passing
//
// "Do not communicate by sharing memory; share memory by communicating." A
// value sent on a channel changes hands: the sender stops using it, the
// receiver starts. That is the whole discipline, and it is what makes each
// stage sequential code with no shared mutable state, safe to run beside the
// others. Keep to it: a stage must not change a value after sending it (a
// slice or a pointer still points at the same memory on the other side), and
// the values that [Broadcast] copies to several readers must be treated as
// read-only.
//
// Stages are [From] and [FromSeq] (sources), [Map], [OrderedMap] and
// [FlatMap] (transform, fanning out over several workers), [Filter],
// [Batch], [Merge] (fan in) and [Broadcast] (copy to several readers); the
// sinks [ForEach], [Collect], [Reduce] and [All] consume the last channel in
// the caller's goroutine. Stages take and return plain channels, typed end to
// end, so a channel of your own plugs in anywhere.
//
// # The channel rules
//
// Hand-written pipelines go wrong in three ways, and this package applies the
// rules that avoid each (from the Go blog's "Pipelines and cancellation"):
//
//   - The sender closes. Only the goroutine that sends on a channel knows
//     when there is nothing more to send, so only it closes the channel, once.
//     A stage closes its output when its input is closed and everything is
//     sent, or when the pipeline is stopped; a stage with several goroutines
//     (Map with workers, Merge) closes it when the last one ends. A receive
//     from a closed channel never blocks, so the stage after it sees the end.
//   - Receive until closed or cancelled, and never send where nobody will
//     receive. Every stage reads its input until it is closed or the
//     pipeline is stopped; once it is stopped, no stage takes another item.
//     A send on a channel that the caller reads waits in a select with the
//     pipeline's context, so it returns once the pipeline is stopped. A send
//     on a channel that another stage of the same pipeline reads is a plain
//     send, which costs less when it must wait; it cannot block forever,
//     because a stage that ends drains its input once the pipeline is
//     stopped, and its sender stops at its next item. A sender blocked
//     forever on a channel that nobody reads is the classic goroutine leak;
//     here it cannot happen.
//   - A returned channel needs an owner. A function that returns a channel
//     started a goroutine that sends on it, and that goroutine must end. The
//     Pipeline is its owner: Wait waits for it. Whoever reads an output
//     channel by hand must either read it to the end, or cancel the context
//     the pipeline was made with (or break out of [All]), and then call Wait.
//
// # Errors and cancellation
//
// Every stage function gets the pipeline's context ([Pipeline.Context]). The
// first error a stage function returns cancels it, with the error as its
// cause ([context.Cause]); so does the end of the parent context. Once it is
// cancelled, each stage stops before its next item: an error stops the
// producers upstream as well as the consumers downstream, and what is
// handled past the failing item is at most the item each other worker had
// already taken. Wait returns the first error, or the parent context's cause
// when it ended first; it returns nil when every stage ran to the end, and
// when the loop over [All] was left early (stopping early is the consumer's
// choice, not a failure).
//
// # Panics
//
// A panic is never lost, never swallowed, and never leaves a consumer dead or
// a Wait hanging. A panic in a stage (panic(nil) and [runtime.Goexit]
// included) is recovered in the goroutine that ran the stage, the pipeline's
// context is cancelled at once (so the other stages stop and Wait is
// reached), and Wait re-panics in its caller's goroutine with a
// *[github.com/tamego/tame.PanicError] carrying the original value and
// stack. The first panic wins, also over an earlier error; later panics of
// the same pipeline are not dropped: they are in its Later field. A panic in
// a sink's function is handled the same way in the caller's goroutine: the
// sink stops the pipeline, waits for its stages, then re-panics; a Goexit
// there (t.FailNow) stops and waits for the stages before the goroutine
// ends.
//
// x/sync/errgroup lets a panic crash the program from the goroutine where it
// happened; tame returns it to the owner of the work instead, because the
// owner (a server handling a request, say) decides whether a failed request
// takes the process down. errgroup's objections, and what this package does
// about them: a panic would be delayed until Wait (here it cancels the
// pipeline at once, so every other stage stops at its next item and Wait is
// reached promptly); its stack would become a mere value (here the original
// stack is kept in the PanicError and printed with it); and a panic could
// leave the program unable to reach Wait (here no stage stays blocked once
// the pipeline is stopped, and the sinks, which run in the caller's
// goroutine, wait themselves).
//
// # Bounds and backpressure
//
// Every channel a stage returns has a capacity of 64 (another with
// [Pipeline.Buffered]). When a stage's consumer is slow, its output fills and
// the stage waits, then its input fills and the stage before it waits:
// backpressure reaches the source and memory stays bounded. What a pipeline
// holds is at most, per stage, its buffer plus one item per goroutine; for
// [OrderedMap], its reordering window; for [Batch], one batch.
// [Pipeline.Stats] shows it while the pipeline runs: per stage, the items
// received, sent and in flight.
//
// # Performance: batching is the lever
//
// A channel handoff is the whole cost of a pipeline of small stages: tens of
// nanoseconds when the other side is running, a goroutine switch when it
// must be woken. A pipeline made with this package costs a little more per
// item than the same pipeline written by hand with channels of the same
// capacity and a WaitGroup (BenchmarkPipeline and BenchmarkMap measure both in
// one run; on a quiet 2-core machine about 1.1 to 1.2 times, with one
// worker as with eight), and several times less than unbuffered channels.
// With one processor (-cpu 1), where the scheduler adds no noise, the
// difference is about a fifth: a third of it is calling the stage
// functions (fn, the sequence's yield, ForEach's function), which a
// hand-written loop inlines, and the rest the checks and counters that make
// a stage stop and report (an atomic load or two per item and stage while
// nobody watches the counters, and local counts published every 64 items).
// Allocations do not grow with the number of items.
//
// The stage channels hold 64 items by default. A larger buffer lets the
// stages run further apart, so they park and wake each other less often:
// with [Pipeline.Buffered](1024), a pipeline of small stages costs about a
// sixth less CPU per item than with 64, and about 1.1 to 1.2 times the
// hand-written pipeline with the same buffer (BenchmarkBuffer). The default
// stays at 64 because the buffer is paid in memory at every stage (1024
// items of a large struct is a lot) and bounds the work done past a failure
// (workers + buffer items); ask for more where the items are small and many.
//
// A handoff costs about the same for a slice of 100 items as for one item.
// So when the work per item is small, send batches: produce slices at the
// source, or put [Batch] early, and write the later stages over slices.
// BenchmarkBatch shows the gain: with batches of 100 made at the source, the
// same three stages cost tens of times less per item. Fanning a cheap stage
// out over more workers does not help: they queue on the same channels.
// Workers pay off when each item takes real time (I/O, or microseconds of
// CPU). [OrderedMap] hands items to its workers in chunks, so keeping the
// order costs little beside [Map].
//
// # Hostile cases
//
//   - A nil function, workers < 1, size < 1, n < 1, a nil input channel or a
//     nil context panics at the call, with a message starting "pipeline:" that
//     names the argument. So does adding a stage once Wait has been called
//     (a sink calls it).
//   - An input channel that is already closed, or an empty slice or
//     sequence, gives an output that is closed at once; the pipeline succeeds.
//   - A consumer that stops reading and cancels the parent context: every
//     stage returns from its blocked send, Wait returns the context's cause,
//     and no goroutine is left.
//   - All workers failing at once: the feeder and the source are not left
//     blocked; Wait returns the first error.
//   - Wait is idempotent and safe to call from several goroutines; each call
//     returns the same error, or re-raises the same panic. Once it has
//     returned, no stage code runs any more.
//
// See also [github.com/tamego/tame/pool] for a bounded number of tasks over a
// slice (pool.Map keeps results in order without channels), and
// [github.com/tamego/tame/queue] for many producers feeding one consumer.
package pipeline
