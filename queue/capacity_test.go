package queue_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/queue"
)

// capacities are the capacities the exactness tests try: every one from 1
// to past the ring's publication interval and a window's length, and a few
// that are not a power of two.
var capacities = append(seq(1, 40), 63, 100, 257)

func seq(lo, hi int) []int {
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

// exactCapacity drives a queue of capacity c whose handler is held by g:
// it fills the queue, then lets one call return at a time over several laps
// of the ring, and checks each time that Len counts exactly the items
// waiting, that TryPush takes exactly the room made, and that a Push that
// waits is let in as soon as a call returns, while the handler is held in
// the next call. push and try push item i (its key, for Keyed, is i%keys).
func exactCapacity(t *testing.T, c int, g *gate[int], q closer, try func(int) bool, push func(context.Context, int) error) {
	t.Helper()
	n := 0
	tryNext := func() bool {
		if try(n) {
			n++
			return true
		}
		return false
	}
	tryNext()
	synctest.Wait() // item 0 is in the handler: it does not count
	for range c {
		if !tryNext() {
			t.Fatalf("capacity %d: TryPush refused with Len() = %d", c, q.Len())
		}
	}
	if l := q.Len(); l != c || tryNext() {
		t.Fatalf("capacity %d: full queue: Len() = %d, TryPush accepted %v; want %d, false", c, l, n > c+1, c)
	}
	for round := range 2*c + 40 {
		g.step()
		if l := q.Len(); l != c-1 {
			t.Fatalf("capacity %d, round %d: Len() = %d after a call returned, want %d", c, round, l, c-1)
		}
		if !tryNext() {
			t.Fatalf("capacity %d, round %d: TryPush refused with room for one", c, round)
		}
		if tryNext() {
			t.Fatalf("capacity %d, round %d: TryPush accepted beyond the capacity", c, round)
		}
	}
	done := make(chan error, 1)
	go func() { done <- push(context.Background(), n) }()
	synctest.Wait()
	select {
	case err := <-done:
		t.Fatalf("capacity %d: Push on a full queue = %v, want it to wait", c, err)
	default:
	}
	g.step()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("capacity %d: waiting Push = %v, want nil", c, err)
		}
		n++
	default:
		t.Fatalf("capacity %d: Push still waits with room for one, Len() = %d", c, q.Len())
	}
	if l := q.Len(); l != c {
		t.Fatalf("capacity %d: Len() = %d, want %d", c, l, c)
	}
	g.open()
	if err := q.Close(); err != nil {
		t.Fatalf("capacity %d: Close() = %v", c, err)
	}
	s := q.Stats()
	if want := (queue.Stats{Submitted: uint64(n), Refused: uint64(2*c + 41), MaxWaiting: c, Completed: uint64(n), Keys: 0}); s != want {
		t.Errorf("capacity %d: Stats() = %+v, want %+v", c, s, want)
	}
}

// TestQueueCapacityIsExact checks that a Queue of every capacity accepts
// exactly capacity waiting items, no fewer and no more, with the handler
// held in a call: its position is never published late to the producers.
func TestQueueCapacityIsExact(t *testing.T) {
	for _, c := range capacities {
		synctest.Test(t, func(t *testing.T) {
			g := newGate[int]()
			q := queue.New(c, g.handle)
			defer q.Close()
			defer g.open()
			exactCapacity(t, c, g, q, q.TryPush, q.Push)
			if h := g.items(); !slices.Equal(h, seq(0, len(h)-1)) {
				t.Errorf("capacity %d: handled %v, want them in push order", c, h)
			}
		})
	}
}

// TestKeyedCapacityIsExact checks the same for Keyed, with one key (a
// worker hands several items of its line in a row) and with three keys
// (the lines take turns), over all keys.
func TestKeyedCapacityIsExact(t *testing.T) {
	for _, keys := range []int{1, 3} {
		for _, c := range capacities {
			t.Run(fmt.Sprintf("keys=%d/capacity=%d", keys, c), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					g := newGate[int]()
					q := queue.NewKeyed(1, c, keyed[int](g))
					defer q.Close()
					defer g.open()
					exactCapacity(t, c, g, q,
						func(i int) bool { return q.TryPush(i%keys, i) },
						func(ctx context.Context, i int) error { return q.Push(ctx, i%keys, i) })
				})
			})
		}
	}
}

// TestKeyedCapacityIsExactWithWorkers checks Len, TryPush and a waiting
// Push while several workers are held in calls of different keys: only
// the items not given to the handler count.
func TestKeyedCapacityIsExactWithWorkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const workers, c = 3, 5
		g := newGate[int]()
		q := queue.NewKeyed(workers, c, keyed[int](g))
		defer q.Close()
		defer g.open()
		for i := range workers {
			if !q.TryPush(i, i) {
				t.Fatalf("TryPush(%d) refused on an empty queue", i)
			}
		}
		synctest.Wait() // three calls run, nothing waits
		if s := q.Stats(); s.Running != workers || s.Waiting != 0 || q.Len() != 0 {
			t.Fatalf("Stats() = %+v, Len() = %d; want Running %d, Waiting 0, Len 0", s, q.Len(), workers)
		}
		for i := range c {
			if !q.TryPush(i%workers, 10+i) {
				t.Fatalf("TryPush refused with Len() = %d < %d", q.Len(), c)
			}
		}
		if q.TryPush(0, 99) || q.Len() != c {
			t.Fatalf("full queue: Len() = %d, want %d and TryPush refused", q.Len(), c)
		}
		done := make(chan error, 1)
		go func() { done <- q.Push(context.Background(), 1, 20) }()
		synctest.Wait()
		g.step() // one call returns; its worker takes the next item of that key
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("waiting Push = %v, want nil", err)
			}
		default:
			t.Fatalf("Push still waits with room for one, Len() = %d", q.Len())
		}
		if s := q.Stats(); s.Running != workers || s.Waiting != c || s.Blocked != 0 {
			t.Fatalf("Stats() = %+v, want Running %d, Waiting %d, Blocked 0", s, workers, c)
		}
	})
}
