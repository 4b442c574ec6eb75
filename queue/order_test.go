package queue_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

// pushed is an item of a test: which producer pushed it, and its place in
// that producer's sequence.
type pushed struct{ producer, seq int }

// orderChecker is a handler that fails the test when two calls overlap, or
// when a producer's items arrive out of order, twice or not at all.
type orderChecker struct {
	t       *testing.T
	inside  atomic.Bool
	mu      sync.Mutex
	next    map[int]int // per producer: the seq expected next
	handled int
}

func newOrderChecker(t *testing.T) *orderChecker {
	return &orderChecker{t: t, next: make(map[int]int)}
}

func (c *orderChecker) handle(p pushed) {
	if !c.inside.CompareAndSwap(false, true) {
		c.t.Errorf("handler entered while already running (item %v)", p)
	}
	c.mu.Lock()
	if want := c.next[p.producer]; p.seq != want {
		c.t.Errorf("producer %d: handled seq %d, want %d", p.producer, p.seq, want)
	}
	c.next[p.producer] = p.seq + 1
	c.handled++
	c.mu.Unlock()
	c.inside.Store(false)
}

func TestQueueManyProducersOneLine(t *testing.T) {
	const producers, items = 16, 1000
	base := runtime.NumGoroutine()
	c := newOrderChecker(t)
	q := queue.New(64, c.handle)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), pushed{p, i}); err != nil {
					t.Errorf("Push = %v, want nil", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	leaktest.Back(t, base)
	if c.handled != producers*items {
		t.Errorf("handled %d items, want %d", c.handled, producers*items)
	}
	for p := range producers {
		if c.next[p] != items {
			t.Errorf("producer %d: handled up to %d, want %d", p, c.next[p], items)
		}
	}
	s := q.Stats()
	if handledCount(s) != producers*items || s.Waiting != 0 || s.Failed != 0 || s.MaxWaiting > 64 {
		t.Errorf("Stats() = %+v, want Handled %d, Depth 0, Panicked 0, MaxDepth <= 64", s, producers*items)
	}
}

// TestKeyedPerKeyOrder checks, with 8 workers and 1000 keys, that the items
// of a key are handled one at a time and in push order, that none is lost
// or handled twice, that at most 8 handlers run at once, and that drained
// keys are forgotten.
func TestKeyedPerKeyOrder(t *testing.T) {
	const workers, keys, perKey, producers = 8, 1000, 10, 8
	base := runtime.NumGoroutine()
	busy := make([]atomic.Bool, keys)
	next := make([]int, keys) // per key; guarded by busy[key]
	var running, peak, handled atomic.Int64
	q := queue.NewKeyed(workers, 64, func(key, seq int) {
		if r := running.Add(1); r > peak.Load() {
			peak.Store(r) // racy max, but only ever too low, never too high
		}
		if !busy[key].CompareAndSwap(false, true) {
			t.Errorf("key %d: handler entered while already running", key)
		}
		if seq != next[key] {
			t.Errorf("key %d: handled seq %d, want %d", key, seq, next[key])
		}
		next[key] = seq + 1
		handled.Add(1)
		runtime.Gosched() // let other keys overlap
		busy[key].Store(false)
		running.Add(-1)
	})
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			// Producer p owns the keys k with k%producers == p and pushes
			// their items interleaved.
			for seq := range perKey {
				for k := p; k < keys; k += producers {
					if err := q.Push(context.Background(), k, seq); err != nil {
						t.Errorf("Push = %v, want nil", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	leaktest.Back(t, base)
	if n := handled.Load(); n != keys*perKey {
		t.Errorf("handled %d items, want %d", n, keys*perKey)
	}
	for k, n := range next {
		if n != perKey {
			t.Errorf("key %d: handled up to %d, want %d", k, n, perKey)
			break
		}
	}
	if p := peak.Load(); p > workers {
		t.Errorf("%d handlers ran at once, want at most %d", p, workers)
	}
	if s := q.Stats(); s.Keys != 0 || s.Waiting != 0 || handledCount(s) != keys*perKey || s.MaxWaiting > 64 {
		t.Errorf("Stats() = %+v, want Keys 0, Depth 0, Handled %d, MaxDepth <= 64", s, keys*perKey)
	}
}

// TestKeyedWindowRacesPushes checks that a window read without the lock
// while Pushes add to the same key, across many chunks, hands every item
// over once, in order (run it with -race: a read of the line that is not
// ordered after the write shows up there).
func TestKeyedWindowRacesPushes(t *testing.T) {
	const keys, items = 2, 5000
	base := runtime.NumGoroutine()
	next := make([]int, keys) // per key; one item of a key at a time
	q := queue.NewKeyed(2, 40, func(k, v int) {
		if v != next[k] {
			t.Errorf("key %d: handled %d, want %d", k, v, next[k])
		}
		next[k] = v + 1
	})
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), k, i); err != nil {
					t.Errorf("Push = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	leaktest.Back(t, base)
	for k, n := range next {
		if n != items {
			t.Errorf("key %d: handled up to %d, want %d", k, n, items)
		}
	}
	if s := q.Stats(); handledCount(s) != keys*items || s.Waiting != 0 || s.Keys != 0 || s.MaxWaiting > 40 {
		t.Errorf("Stats() = %+v, want Handled %d, Depth 0, Keys 0, MaxDepth <= 40", s, keys*items)
	}
}
