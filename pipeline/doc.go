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
// sequential code with nothing to lock. Do not change a value after sending
// it.
//
// # When to use it
//
// Use a pipeline for a stream of items that go through several steps, some
// of which wait or are worth spreading over cores. For a slice of independent
// tasks, pool.Map is simpler; for many producers feeding one consumer, use a
// queue. When the work per item is tiny, send batches (BenchmarkBatch).
//
// Sources: [From], [FromSeq], [Generate]. Stages: [Map], [FlatMap],
// [OrderedMap], [Filter], [Batch], [Merge], [Broadcast]. Sinks, which run in
// the caller's goroutine and then wait for the whole pipeline: [ForEach],
// [Collect], [Reduce], [All]. Stages take and return plain typed channels:
// yours plug in anywhere.
//
// # Guarantees
//
//   - [Pipeline.Wait] and every sink return only once every stage goroutine
//     has ended.
//   - The first error returned by a stage, source or sink function cancels
//     [Pipeline.Context] with that error as its cause, and Wait returns it.
//     Each stage stops before its next item; none stays blocked on a send.
//   - A pipeline made with a context already done runs no stage function.
//   - A panic in a stage stops the pipeline at once; Wait, or the sink,
//     re-raises it as a *[github.com/tamego/tame.PanicError].
//   - Memory is bounded: behind a slow consumer, the stages wait, back to the
//     source.
//
// Whoever reads an output channel by hand must read it to the end, or cancel
// the pipeline's parent context, and then call Wait; breaking out of All does
// both. The pipeline cannot interrupt a blocked source: see [Generate].
//
// The shared rules and the panic policy are in package
// [github.com/tamego/tame].
package pipeline
