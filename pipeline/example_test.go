package pipeline_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing/iotest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pipeline"
)

// This example builds the classic three-stage pipeline: generate numbers,
// square them on two workers, and sum the squares in the caller's goroutine.
// Each stage is a goroutine owned by the pipeline; the sink waits for all of
// them before it returns.
func Example() {
	p := pipeline.New(context.Background())
	nums := pipeline.From(p, []int{1, 2, 3, 4, 5})
	squares := pipeline.Map(p, nums, 2, func(_ context.Context, n int) (int, error) {
		return n * n, nil
	})
	sum, err := pipeline.Reduce(p, squares, 0, func(acc, sq int) int { return acc + sq })
	fmt.Println(sum, err)
	// Output: 55 <nil>
}

// This example computes results on four workers and receives them in the
// order of the input, however long each one takes.
func ExampleOrderedMap() {
	p := pipeline.New(context.Background())
	words := pipeline.From(p, []string{"concurrency", "is", "not", "parallelism"})
	lengths := pipeline.OrderedMap(p, words, 4, func(_ context.Context, w string) (string, error) {
		for range len(w) { // longer words take longer
			runtime.Gosched()
		}
		return w + "=" + strconv.Itoa(len(w)), nil
	})
	got, err := pipeline.Collect(p, lengths)
	fmt.Println(got, err)
	// Output: [concurrency=11 is=2 not=3 parallelism=11] <nil>
}

// This example groups items into batches of at most 3, so that the stage
// after Batch pays one channel handoff per batch instead of one per item.
// The last batch is sent when the input ends; with maxWait > 0, a batch is
// also sent once its first item has waited that long.
func ExampleBatch() {
	p := pipeline.New(context.Background())
	batches := pipeline.Batch(p, pipeline.From(p, []int{1, 2, 3, 4, 5, 6, 7}), 3, time.Second)
	err := pipeline.ForEach(p, batches, func(_ context.Context, b []int) error {
		fmt.Println(b)
		return nil
	})
	fmt.Println(err)
	// Output:
	// [1 2 3]
	// [4 5 6]
	// [7]
	// <nil>
}

// This example fans in: the items of three sources arrive on one channel,
// in any order across sources, which is closed once all three are done.
func ExampleMerge() {
	p := pipeline.New(context.Background())
	merged := pipeline.Merge(p,
		pipeline.From(p, []string{"a1", "a2"}),
		pipeline.From(p, []string{"b1"}),
		pipeline.From(p, []string{"c1", "c2", "c3"}),
	)
	err := pipeline.ForEach(p, merged, func(_ context.Context, s string) error {
		fmt.Println(s)
		return nil
	})
	fmt.Println("done:", err)
	// Unordered output:
	// a1
	// a2
	// b1
	// c1
	// c2
	// c3
	// done: <nil>
}

// This example demonstrates a consumer that stops early without leaking the
// goroutines that feed it. Breaking out of the loop over All stops the
// pipeline: the source, an endless sequence given to FromSeq, stops at its
// next item, and All waits for every stage before the loop statement ends.
func ExampleAll() {
	p := pipeline.New(context.Background())
	naturals := pipeline.FromSeq(p, func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				fmt.Println("source stopped")
				return
			}
		}
	})
	for n := range pipeline.All(p, naturals) {
		fmt.Println(n)
		if n == 2 {
			break
		}
	}
	fmt.Println("Wait:", p.Wait()) // stopping early is not an error
	// Output:
	// 0
	// 1
	// 2
	// source stopped
	// Wait: <nil>
}

// This example shows what the first error does: it cancels the pipeline's
// context, so no stage takes another item (the one worker never parses "4"
// and "5"), and it is what the sink (like Wait) returns once every stage has
// ended.
func Example_errors() {
	errBad := errors.New("bad record")
	p := pipeline.New(context.Background())
	records := pipeline.From(p, []string{"1", "2", "x", "4", "5"})
	var tried []string // written by the one worker, read after ForEach returned
	parsed := pipeline.Map(p, records, 1, func(_ context.Context, s string) (int, error) {
		tried = append(tried, s)
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", s, errBad)
		}
		return n, nil
	})
	err := pipeline.ForEach(p, parsed, func(context.Context, int) error { return nil })
	fmt.Println("tried:", strings.Join(tried, ","))
	fmt.Println("error:", err, errors.Is(err, errBad))
	fmt.Println("context:", p.Context().Err())
	// Output:
	// tried: 1,2,x
	// error: "x": bad record true
	// context: context canceled
}

// This example keeps the even numbers. Filter runs on one goroutine, so the
// order of the input is kept.
func ExampleFilter() {
	p := pipeline.New(context.Background())
	evens := pipeline.Filter(p, pipeline.From(p, []int{1, 2, 3, 4, 5, 6}), func(n int) bool {
		return n%2 == 0
	})
	got, err := pipeline.Collect(p, evens)
	fmt.Println(got, err)
	// Output: [2 4 6] <nil>
}

// This example splits lines into words: FlatMap sends every element of the
// slice its function returns. With one worker, the words come in order.
func ExampleFlatMap() {
	p := pipeline.New(context.Background())
	lines := pipeline.From(p, []string{"share memory", "by communicating"})
	words := pipeline.FlatMap(p, lines, 1, func(_ context.Context, line string) ([]string, error) {
		return strings.Fields(line), nil
	})
	got, err := pipeline.Collect(p, words)
	fmt.Println(got, err)
	// Output: [share memory by communicating] <nil>
}

// This example sends every order to two readers: an audit stage that logs
// each one, and a review stage that keeps the large ones. Each output of
// Broadcast is read by a stage of its own; the slower one sets the pace of
// both.
func ExampleBroadcast() {
	p := pipeline.New(context.Background())
	copies := pipeline.Broadcast(p, pipeline.From(p, []int{120, 30, 250}), 2)
	audit := pipeline.Map(p, copies[0], 1, func(_ context.Context, amount int) (string, error) {
		return fmt.Sprint("audit ", amount), nil
	})
	large := pipeline.Filter(p, copies[1], func(amount int) bool { return amount >= 100 })
	review := pipeline.Map(p, large, 1, func(_ context.Context, amount int) (string, error) {
		return fmt.Sprint("review ", amount), nil
	})
	err := pipeline.ForEach(p, pipeline.Merge(p, audit, review), func(_ context.Context, line string) error {
		fmt.Println(line)
		return nil
	})
	fmt.Println("done:", err)
	// Unordered output:
	// audit 120
	// audit 30
	// audit 250
	// review 120
	// review 250
	// done: <nil>
}

// This example feeds a pipeline from an iterator: FromSeq ranges over any
// iter.Seq, here the fields of a string, and stops it once the pipeline
// stops.
func ExampleFromSeq() {
	p := pipeline.New(context.Background())
	fields := pipeline.FromSeq(p, strings.SplitSeq("go,chan,select", ","))
	upper := pipeline.Map(p, fields, 1, func(_ context.Context, s string) (string, error) {
		return strings.ToUpper(s), nil
	})
	for s := range pipeline.All(p, upper) {
		fmt.Println(s)
	}
	fmt.Println("Wait:", p.Wait())
	// Output:
	// GO
	// CHAN
	// SELECT
	// Wait: <nil>
}

// This example gathers the results in a slice. Collect returns once the last
// channel is closed and every stage has ended; with one worker, Map keeps
// the input order.
func ExampleCollect() {
	p := pipeline.New(context.Background())
	lengths := pipeline.Map(p, pipeline.From(p, []string{"pipe", "line"}), 1, func(_ context.Context, s string) (int, error) {
		return len(s), nil
	})
	got, err := pipeline.Collect(p, lengths)
	fmt.Println(got, err)
	// Output: [4 4] <nil>
}

// This example stops a pipeline from its sink: the first error ForEach's
// function returns stops every stage, and ForEach returns it once they have
// all ended. Here it ends a search at the first match.
func ExampleForEach() {
	errFound := errors.New("found")
	p := pipeline.New(context.Background())
	names := pipeline.From(p, []string{"notes.txt", "main.go", "util.go"})
	err := pipeline.ForEach(p, names, func(_ context.Context, name string) error {
		fmt.Println("checking", name)
		if strings.HasSuffix(name, ".go") {
			return fmt.Errorf("%s: %w", name, errFound)
		}
		return nil
	})
	fmt.Println(err, errors.Is(err, errFound))
	// Output:
	// checking notes.txt
	// checking main.go
	// main.go: found true
}

// This example turns a panic in a stage into an error. The panic stops the
// pipeline; the sink waits for every stage, then panics again in its
// caller's goroutine with a *tame.PanicError that carries the original value
// and stack. tame.Recover, deferred, turns it into the function's error.
func Example_panic() {
	sum := func(records []string) (total int, err error) {
		defer tame.Recover(&err)
		p := pipeline.New(context.Background())
		nums := pipeline.Map(p, pipeline.From(p, records), 2, func(_ context.Context, s string) (int, error) {
			n, err := strconv.Atoi(s)
			if err != nil {
				panic(fmt.Sprintf("bad record %q", s)) // a bug, not a run-time condition
			}
			return n, nil
		})
		return pipeline.Reduce(p, nums, 0, func(acc, n int) int { return acc + n })
	}
	_, err := sum([]string{"1", "2", "x", "4"})
	fmt.Println(err)
	var pe *tame.PanicError
	if errors.As(err, &pe) {
		fmt.Println("value:", pe.Value, "stack kept:", len(pe.Stack) > 0)
	}
	// Output:
	// panic: bad record "x"
	// value: bad record "x" stack kept: true
}

// This example reads lines from an io.Reader. The source returns the
// scanner's error: it stops the pipeline like a stage error, and the sink
// returns it. (The lines read before a failure may or may not have reached
// the sink: the pipeline stops at once.)
func ExampleGenerate() {
	lines := func(r io.Reader) func(context.Context, func(string) bool) error {
		return func(_ context.Context, yield func(string) bool) error {
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				if !yield(sc.Text()) {
					return nil // the pipeline is stopping
				}
			}
			return sc.Err()
		}
	}

	p := pipeline.New(context.Background())
	got, err := pipeline.Collect(p, pipeline.Generate(p, lines(strings.NewReader("alpha\nbeta\n"))))
	fmt.Println(got, err)

	p = pipeline.New(context.Background())
	broken := io.MultiReader(strings.NewReader("gamma\n"), iotest.ErrReader(errors.New("connection reset")))
	_, err = pipeline.Collect(p, pipeline.Generate(p, lines(broken)))
	fmt.Println(err)
	// Output:
	// [alpha beta] <nil>
	// connection reset
}

// This example stops a source that is blocked in a Read. Breaking out of
// the loop over All stops the pipeline, and All waits for the source to
// return; but a Read does not watch a context. context.AfterFunc closes the
// reader once the pipeline's context is done, which makes the blocked Read
// return. Without it, the loop below would never end.
func ExampleGenerate_blockingReader() {
	conn, peer := io.Pipe() // conn stands for a network connection
	go func() {
		// The peer sends two lines, then goes quiet; conn stays open.
		fmt.Fprint(peer, "hello\nworld\n")
	}()

	p := pipeline.New(context.Background())
	lines := pipeline.Generate(p, func(ctx context.Context, yield func(string) bool) error {
		stop := context.AfterFunc(ctx, func() { conn.Close() })
		defer stop()
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			if !yield(sc.Text()) {
				return nil
			}
		}
		return sc.Err() // io.ErrClosedPipe after the break: the pipeline had stopped, so Wait ignores it
	})
	for line := range pipeline.All(p, lines) {
		fmt.Println(line)
		if line == "world" {
			break // conn.Read is blocked now, waiting for a third line
		}
	}
	fmt.Println("Wait:", p.Wait())
	// Output:
	// hello
	// world
	// Wait: <nil>
}
