// Package pipeline streams values through stages connected by channels, with
// fan-out, fan-in and batching, and stops every stage at the first error,
// panic or early break, leaking no goroutine.
//
//	p := pipeline.New(ctx)
//	nums := pipeline.From(p, []int{1, 2, 3, 4, 5})
//	squares := pipeline.Map(p, nums, 2, func(ctx context.Context, n int) (int, error) {
//		return n * n, nil
//	})
//	sum, err := pipeline.Reduce(p, squares, 0, func(acc, sq int) int { return acc + sq })
//
// This is message passing, the second pattern of tame's lesson: each stage
// owns the value it holds and hands it on by sending it, so every stage is
// sequential code with nothing to lock. Keep to it: do not change a value
// after sending it (a slice or pointer still points at the same memory on
// the other side), and treat the copies [Broadcast] hands out as read-only.
//
// # When to use it
//
// Use a pipeline for a stream of items that go through several steps, some
// of which wait (I/O, remote calls) or are worth spreading over cores. For a
// slice of independent tasks, pool.Map is simpler; for many producers
// feeding one consumer, use a queue. When the work per item is tiny, a plain
// loop wins, because a channel handoff costs more than the work: send
// batches ([Batch], or slices from the source), as BenchmarkBatch shows.
//
// # Stages
//
// Sources: [From], [FromSeq], [Generate] (gets the context, can fail).
// Transforms: [Map] and [FlatMap] on several workers in any order,
// [OrderedMap] in input order, [Filter], [Batch]. Fan in: [Merge]. Fan out by
// copying: [Broadcast]. Sinks run in the caller's goroutine, then wait for
// the whole pipeline: [ForEach], [Collect], [Reduce], [All] (a range loop).
// Stages take and return plain typed channels: yours plug in anywhere.
//
// # Guarantees
//
//   - A [Pipeline] owns the goroutines of its stages. [Pipeline.Wait], and
//     every sink, returns only once all of them have ended; then no stage
//     code runs any more.
//   - The first error returned by a stage's, a source's or a sink's function
//     cancels the pipeline's context ([Pipeline.Context]) with that error as
//     its cause. Each stage stops before its next item; none stays blocked
//     on a send. Wait returns that error, or the parent context's cause
//     ([context.Cause]) when it ended first, or nil. Leaving a loop over All
//     early is not an error.
//   - A pipeline made with a context that is already done stops at once: no
//     stage function runs, and Wait returns the context's cause.
//   - A panic in a stage (panic(nil) and [runtime.Goexit] included) stops
//     the pipeline at once; Wait, or the sink, re-raises it in the caller's
//     goroutine as a *[github.com/tamego/tame.PanicError], which
//     [github.com/tamego/tame.Recover] turns into an error.
//   - Memory is bounded. The channel a stage returns holds 64 items unless
//     the stage was made through [Pipeline.Buffered]; behind a slow
//     consumer, the stages wait, back to the source. [Pipeline.Stats] shows
//     the items each stage received, sent and is handling.
//
// # Reading by hand, and sources that block
//
// Whoever reads an output channel by hand must read it to the end, or cancel
// the context the pipeline was made with, and then call Wait. Breaking out of
// All does both.
//
// The pipeline cannot interrupt a source's own code: while the sequence of
// FromSeq or the function of Generate is blocked (in a Read, say), Wait, the
// sinks and the end of a loop over All wait for it. Write such a source with
// Generate and return once its context is done: pass the context on, and
// close a reader that takes none with [context.AfterFunc], so that the
// blocked Read returns (see the Generate examples).
//
// Misuse (a nil function or channel, a count below 1, a stage added after
// Wait) panics at the call. The rules every tame package keeps, the panic
// policy and the lesson are in package [github.com/tamego/tame].
package pipeline
