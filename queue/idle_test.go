package queue_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

// TestQueueIdleParks checks that an idle queue's consumer is durably
// blocked (parked on a channel), not spinning: synctest.Wait returns only
// when every goroutine of the bubble is durably blocked.
func TestQueueIdleParks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n int
		q := queue.New(4, func(v int) { n += v })
		synctest.Wait()
		q.Push(context.Background(), 1)
		q.Push(context.Background(), 2)
		synctest.Wait()
		if n != 3 {
			t.Errorf("sum = %d before Close, want 3", n)
		}
		q.Close()
	})
}

// TestQueueParkRaces checks that the consumer never sleeps on an item that
// was written: producers push one item at a time into an idle queue, each
// waiting for it to be handled, so the consumer parks between any two items
// and every Push races its park. A lost wake-up hangs; the watchdog fails
// the test instead.
func TestQueueParkRaces(t *testing.T) {
	base := runtime.NumGoroutine()
	const producers, items = 4, 2000
	handled := make([]chan struct{}, producers)
	for i := range handled {
		handled[i] = make(chan struct{}, 1)
	}
	q := queue.New(2, func(p pushed) { handled[p.producer] <- struct{}{} })
	finished := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := range items {
					if err := q.Push(context.Background(), pushed{p, i}); err != nil {
						t.Errorf("Push = %v", err)
						return
					}
					<-handled[p]
				}
			})
		}
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("items pushed to an idle queue were not handled within 30s: lost wake-up")
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	leaktest.Back(t, base)
	if s := q.Stats(); handledCount(s) != producers*items {
		t.Errorf("Stats().Handled = %d, want %d", handledCount(s), producers*items)
	}
}
