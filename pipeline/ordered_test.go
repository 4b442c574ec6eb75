package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/pipeline"
)

// jitter makes fn take a different number of scheduler turns per item, so
// that workers finish out of order.
func jitter(_ context.Context, v int) (int, error) {
	for range (v * 7919) % 5 {
		runtime.Gosched()
	}
	return v * v, nil
}

func TestOrderedMapKeepsOrder(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8} {
		for _, buffer := range []int{0, 1, 64, 1024} {
			t.Run(fmt.Sprintf("workers=%d/buffer=%d", workers, buffer), func(t *testing.T) {
				p := pipeline.New(context.Background()).Buffered(buffer)
				got, err := pipeline.Collect(p, pipeline.OrderedMap(p, pipeline.From(p, ints(3000)), workers, jitter))
				if err != nil {
					t.Fatalf("Collect() error = %v", err)
				}
				if len(got) != 3000 {
					t.Fatalf("len(got) = %d, want 3000", len(got))
				}
				for i, v := range got {
					if v != i*i {
						t.Fatalf("got[%d] = %d, want %d", i, v, i*i)
					}
				}
			})
		}
	}
}

func TestOrderedMapError(t *testing.T) {
	p := pipeline.New(context.Background())
	out := pipeline.OrderedMap(p, pipeline.From(p, ints(3000)), 4, func(ctx context.Context, v int) (int, error) {
		if v == 1234 {
			return 0, errBoom
		}
		return jitter(ctx, v)
	})
	got, err := pipeline.Collect(p, out)
	if !errors.Is(err, errBoom) {
		t.Fatalf("Collect() error = %v, want %v", err, errBoom)
	}
	// What was sent is a prefix of the results, in order.
	for i, v := range got {
		if v != i*i || i >= 1234 {
			t.Fatalf("got[%d] = %d, want %d and nothing from item 1234 on", i, v, i*i)
		}
	}
}

// TestOrderedMapWindowIsBounded: when the first item is slow, the workers go
// ahead by a bounded number of items and then wait; nothing is lost or
// reordered once the slow item is done. Inside a synctest bubble,
// synctest.Wait returns once every goroutine is blocked, so the counters are
// read when the pipeline has stalled.
func TestOrderedMapWindowIsBounded(t *testing.T) {
	for _, workers := range []int{2, 4} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const n = 10_000
				window := (2*workers + 1) * 32 // chunks out, and the one being filled, of at most 32 items (chunkMax)
				release := make(chan struct{})
				var calls atomic.Int64
				p := pipeline.New(t.Context())
				p.Stats() // watch: stages publish their counters before they wait
				out := pipeline.OrderedMap(p, pipeline.From(p, ints(n)), workers, func(_ context.Context, v int) (int, error) {
					calls.Add(1)
					if v == 0 {
						<-release
					}
					return v, nil
				})
				synctest.Wait()
				st := p.Stats()[1]
				t.Logf("stalled: calls=%d %+v", calls.Load(), st)
				if st.Running > window || calls.Load() > int64(window) {
					t.Errorf("with item 0 stuck: %d calls and %+v, want at most %d items in the window", calls.Load(), st, window)
				}
				if calls.Load() < 2 {
					t.Errorf("with item 0 stuck: %d calls, want the other workers to go ahead", calls.Load())
				}
				if st.Out != 0 {
					t.Errorf("with item 0 stuck: Out = %d, want 0", st.Out)
				}
				close(release)
				got, err := pipeline.Collect(p, out)
				if err != nil || !slices.Equal(got, ints(n)) {
					t.Fatalf("Collect() = %d items, %v; want 0..%d in order, nil", len(got), err, n-1)
				}
			})
		})
	}
}

// TestOrderedMapSpreadsSlowItems: a few items that take a while are spread
// over the workers, not grouped into one worker's chunk. The first four
// calls wait for each other, so the test hangs (and the watchdog fails it)
// unless four workers run at once.
func TestOrderedMapSpreadsSlowItems(t *testing.T) {
	const workers = 4
	watchdog(t, func() {
		var calls atomic.Int64
		var barrier sync.WaitGroup
		barrier.Add(workers)
		p := pipeline.New(context.Background())
		out := pipeline.OrderedMap(p, pipeline.From(p, ints(2*workers)), workers, func(_ context.Context, v int) (int, error) {
			if calls.Add(1) <= workers {
				barrier.Done()
				barrier.Wait()
			}
			return v, nil
		})
		if got, err := pipeline.Collect(p, out); err != nil || !slices.Equal(got, ints(2*workers)) {
			t.Errorf("Collect() = %v, %v; want %v, nil", got, err, ints(2*workers))
		}
	})
}

// FuzzOrderedMap checks the invariant of OrderedMap on arbitrary inputs and
// worker counts: every item's result arrives once, in input order.
func FuzzOrderedMap(f *testing.F) {
	f.Add([]byte{3, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(2))
	f.Add([]byte{}, uint8(8))
	f.Add([]byte{0, 255, 0, 255}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, w uint8) {
		workers := int(w%8) + 1
		in := make([]int, len(data))
		for i, b := range data {
			in[i] = int(b)
		}
		p := pipeline.New(context.Background())
		got, err := pipeline.Collect(p, pipeline.OrderedMap(p, pipeline.From(p, in), workers,
			func(_ context.Context, v int) (int, error) {
				for range v % 4 {
					runtime.Gosched()
				}
				return -v, nil
			}))
		if err != nil {
			t.Fatalf("Collect() error = %v", err)
		}
		if len(got) != len(in) {
			t.Fatalf("got %d results, want %d", len(got), len(in))
		}
		for i := range in {
			if got[i] != -in[i] {
				t.Fatalf("got[%d] = %d, want %d", i, got[i], -in[i])
			}
		}
	})
}
