package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/pipeline"
)

func TestBatchBySize(t *testing.T) {
	for _, size := range []int{1, 3, 10, 11} {
		t.Run(fmt.Sprint("size=", size), func(t *testing.T) {
			p := pipeline.New(context.Background())
			got, err := pipeline.Collect(p, pipeline.Batch(p, pipeline.From(p, ints(10)), size, 0))
			if err != nil {
				t.Fatalf("Collect() error = %v", err)
			}
			var want [][]int
			for b := range slices.Chunk(ints(10), size) {
				want = append(want, b)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("batches = %v, want %v", got, want)
			}
		})
	}
}

// advance moves the fake clock of the synctest bubble on by d, then lets
// every goroutine of the bubble run until it blocks.
func advance(d time.Duration) {
	<-time.After(d) // in a bubble, time only moves when every goroutine waits
	synctest.Wait()
}

// batchAt is a batch and when it was received, relative to the start.
type batchAt struct {
	items []int
	at    time.Duration
}

// batchTimes starts a Batch over in inside a bubble and records every batch
// with the time it arrived; wait stops the recording and returns it.
func batchTimes(t *testing.T, in <-chan int, size int, maxWait time.Duration) (wait func() []batchAt) {
	start := time.Now()
	p := pipeline.New(t.Context())
	out := pipeline.Batch(p, in, size, maxWait)
	var got []batchAt
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range out {
			got = append(got, batchAt{b, time.Since(start)})
		}
	}()
	return func() []batchAt {
		<-done
		if err := p.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
		return got
	}
}

func equalBatches(a, b batchAt) bool { return a.at == b.at && slices.Equal(a.items, b.items) }

// TestBatchMaxWaitFromFirstItem: items arrive every 30ms and the batch is
// sent 100ms after its first item; a timer reset by every item would never
// fire while items keep coming.
func TestBatchMaxWaitFromFirstItem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan int)
		wait := batchTimes(t, in, 100, 100*time.Millisecond)
		for i := range 8 { // at 0, 30, ..., 210ms
			in <- i
			advance(30 * time.Millisecond)
		}
		close(in) // at 240ms: the rest, at once
		got := wait()
		want := []batchAt{
			{[]int{0, 1, 2, 3}, 100 * time.Millisecond}, // first item at 0
			{[]int{4, 5, 6, 7}, 220 * time.Millisecond}, // first item at 120
		}
		if !slices.EqualFunc(got, want, equalBatches) {
			t.Fatalf("batches = %v, want %v", got, want)
		}
	})
}

func TestBatchMaxWaitThenSizeThenEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		in := make(chan int)
		wait := batchTimes(t, in, 3, time.Second)
		in <- 1
		advance(2 * time.Second) // sent at 1s, alone
		in <- 2
		in <- 3
		in <- 4 // full at 2s: sent at once
		in <- 5
		advance(500 * time.Millisecond)
		close(in) // at 2.5s: the rest, at once
		got := wait()
		want := []batchAt{
			{[]int{1}, time.Second},
			{[]int{2, 3, 4}, 2 * time.Second},
			{[]int{5}, 2500 * time.Millisecond},
		}
		if !slices.EqualFunc(got, want, equalBatches) {
			t.Fatalf("batches = %v, want %v", got, want)
		}
	})
}

// TestBatchNoMaxWait: with maxWait <= 0 a batch waits for its size or the
// end of the input, however long that takes.
func TestBatchNoMaxWait(t *testing.T) {
	for _, maxWait := range []time.Duration{0, -time.Second} {
		t.Run(fmt.Sprint("maxWait=", maxWait), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				in := make(chan int)
				wait := batchTimes(t, in, 3, maxWait)
				in <- 1
				advance(time.Hour)
				in <- 2
				advance(time.Hour)
				close(in)
				got := wait()
				want := []batchAt{{[]int{1, 2}, 2 * time.Hour}}
				if !slices.EqualFunc(got, want, equalBatches) {
					t.Fatalf("batches = %v, want %v", got, want)
				}
			})
		})
	}
}

// TestBatchBackpressure: while a full batch cannot be sent, Batch takes no
// more items; cancelling the pipeline ends it and drops the pending batch.
func TestBatchBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := pipeline.New(ctx)
		p.Stats() // watch: stages publish their counters before they wait
		in := make(chan int, 100)
		for i := range 100 {
			in <- i
		}
		_ = pipeline.Batch(p.Buffered(1).Named("batch"), in, 10, time.Millisecond)
		advance(time.Hour)
		// One batch in the buffer, one in Batch's hands waiting to be sent.
		if got := len(in); got != 80 {
			t.Errorf("items left in the input = %d, want 80", got)
		}
		want := []pipeline.StageStats{{Name: "batch", In: 20, Out: 1, Running: 10}}
		if got := p.Stats(); !slices.Equal(got, want) {
			t.Errorf("Stats() = %+v, want %+v", got, want)
		}
		cancel()
		if err := p.Wait(); err != context.Canceled {
			t.Fatalf("Wait() = %v, want context.Canceled", err)
		}
	})
}
