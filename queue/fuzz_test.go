package queue_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame"
	"github.com/tamego/tame/queue"
)

// fuzzItem is an item of FuzzQueue: who pushed it, its place in that
// producer's sequence, and whether the handler panics on it.
type fuzzItem struct {
	producer, seq int
	panics        bool
}

// FuzzQueue checks the queue's invariant on random workloads: every item
// accepted (Push returned nil, TryPush true) is handled exactly once, the
// items of each producer in push order; an item that panics is skipped and
// comes back from Close; nothing else is handled.
//
// data[0] picks the capacity (1..4); each later byte is one push: the
// producer (of 3), and whether it is a Push, a TryPush or a panicking Push.
func FuzzQueue(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{3, 0, 0, 0, 12, 8, 8, 8, 1, 1, 2})
	f.Add([]byte{1, 15, 15, 15, 255, 254, 253, 0})
	f.Fuzz(fuzzBody)
}

// fuzzBody is FuzzQueue's body.
func fuzzBody(t *testing.T, data []byte) {
	if len(data) == 0 {
		return
	}
	capacity := 1 + int(data[0]%4)
	plans := make([][]byte, 3)
	for _, b := range data[1:] {
		plans[b%3] = append(plans[b%3], b/3%3)
	}

	handled := make([][]int, 3) // per producer, the seqs handled
	q := queue.New(capacity, func(it fuzzItem) {
		if it.panics {
			panic(it)
		}
		handled[it.producer] = append(handled[it.producer], it.seq)
	})
	accepted := make([][]int, 3) // per producer, the seqs accepted
	panicking := make([]int, 3)
	var wg sync.WaitGroup
	for p, plan := range plans {
		wg.Go(func() {
			for seq, kind := range plan {
				it := fuzzItem{p, seq, kind == 2}
				ok := false
				if kind == 1 {
					ok = q.TryPush(it)
				} else {
					ok = q.Push(context.Background(), it) == nil
				}
				switch {
				case ok && it.panics:
					panicking[p]++
				case ok:
					accepted[p] = append(accepted[p], seq)
				}
			}
		})
	}
	wg.Wait()
	err := q.Close()
	wantPanics := panicking[0] + panicking[1] + panicking[2]
	kept, counted := 0, 0 // Close keeps the first 32 panics and counts the rest
	if err != nil {
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var pe *tame.PanicError
			if errors.As(e, &pe) {
				kept++
			} else if _, scanErr := fmt.Sscanf(e.Error(), "tame: %d more panics", &counted); scanErr != nil {
				t.Errorf("Close() holds %v, want only panics and a count", e)
			}
		}
	}
	if kept+counted != wantPanics || kept > 32 {
		t.Errorf("Close() returned %d panics and a count of %d more, want %d in all", kept, counted, wantPanics)
	}
	total := int64(wantPanics)
	for p := range plans {
		if !slices.Equal(handled[p], accepted[p]) {
			t.Errorf("producer %d: handled %v, accepted %v", p, handled[p], accepted[p])
		}
		total += int64(len(accepted[p]))
	}
	if s := q.Stats(); handledCount(s) != total || s.Failed != uint64(wantPanics) || s.Waiting != 0 {
		t.Errorf("Stats() = %+v, want Handled %d, Panicked %d, Depth 0", s, total, wantPanics)
	}
}

// FuzzKeyed checks the Keyed queue's invariant on random workloads: every
// item accepted is handled exactly once, the items of each key in push
// order, and never two items of one key at once.
//
// data[0] picks the workers (1..4) and the capacity (1..4); each later byte
// is one push by one of 3 producers: its key (of 4), and whether it is a
// Push or a TryPush.
func FuzzKeyed(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{15, 0, 0, 0, 12, 8, 8, 8, 1, 1, 2, 200, 201, 202})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		workers, capacity := 1+int(data[0]%4), 1+int(data[0]/4%4)
		type op struct {
			key int
			try bool
		}
		plans := make([][]op, 3)
		for _, b := range data[1:] {
			plans[b%3] = append(plans[b%3], op{int(b / 3 % 4), b/12%2 == 1})
		}
		// A key's items come from several producers: the value is
		// seq*3+producer, and per key and producer the seqs must arrive
		// in order.
		var mu sync.Mutex
		handled := map[[2]int][]int{} // {key, producer} -> seqs
		busy := make([]atomic.Bool, 4)
		q := queue.NewKeyed(workers, capacity, func(key, v int) {
			if !busy[key].CompareAndSwap(false, true) {
				t.Errorf("key %d handled twice at once", key)
			}
			mu.Lock()
			handled[[2]int{key, v % 3}] = append(handled[[2]int{key, v % 3}], v/3)
			mu.Unlock()
			busy[key].Store(false)
		})
		accepted := map[[2]int][]int{}
		var amu sync.Mutex
		var wg sync.WaitGroup
		for p, plan := range plans {
			wg.Go(func() {
				for seq, o := range plan {
					v := seq*3 + p
					ok := false
					if o.try {
						ok = q.TryPush(o.key, v)
					} else {
						ok = q.Push(context.Background(), o.key, v) == nil
					}
					if ok {
						amu.Lock()
						accepted[[2]int{o.key, p}] = append(accepted[[2]int{o.key, p}], seq)
						amu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		total := 0
		for k, want := range accepted {
			if !slices.Equal(handled[k], want) {
				t.Errorf("key %d, producer %d: handled %v, accepted %v", k[0], k[1], handled[k], want)
			}
			total += len(want)
		}
		if len(handled) != len(accepted) {
			t.Errorf("handled %d key/producer pairs, accepted %d", len(handled), len(accepted))
		}
		if s := q.Stats(); handledCount(s) != int64(total) || s.Keys != 0 || s.Waiting != 0 {
			t.Errorf("Stats() = %+v, want Handled %d, Keys 0, Depth 0", s, total)
		}
	})
}
