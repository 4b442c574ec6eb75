package queue_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

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

// TestKeyedSlowKey checks that a key whose handler is stuck holds up only
// its own line: the other keys are handled meanwhile.
func TestKeyedSlowKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var mu sync.Mutex
		var got []string
		q := queue.NewKeyed(2, 100, func(key string, v int) {
			if key == "slow" && v == 0 {
				<-gate
			}
			mu.Lock()
			got = append(got, fmt.Sprint(key, v))
			mu.Unlock()
		})
		ctx := context.Background()
		q.Push(ctx, "slow", 0)
		q.Push(ctx, "slow", 1)
		for i := range 20 {
			q.Push(ctx, fmt.Sprint("k", i%3), i)
		}
		synctest.Wait() // everything that can run has run
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n != 20 {
			t.Errorf("handled %d items while key slow is stuck, want the 20 of the other keys", n)
		}
		if d := q.Len(); d != 1 {
			t.Errorf("Len() = %d, want 1 (slow 1)", d)
		}
		close(gate)
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if got[len(got)-2] != "slow0" || got[len(got)-1] != "slow1" {
			t.Errorf("handled %v, want slow0, slow1 last", got)
		}
	})
}

// TestKeyedTakesTurns checks that with one worker a hot key does not starve
// a key pushed after its backlog: ready keys take turns, one item each.
func TestKeyedTakesTurns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var got []string
		q := queue.NewKeyed(1, 200, func(key string, v int) {
			if key == "hot" && v == 0 {
				<-gate
			}
			got = append(got, fmt.Sprint(key, v))
		})
		ctx := context.Background()
		for i := range 100 {
			q.Push(ctx, "hot", i)
		}
		synctest.Wait() // hot 0 is being handled
		q.Push(ctx, "cold", 0)
		q.Push(ctx, "cold", 1)
		close(gate)
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		want := []string{"hot0", "cold0", "hot1", "cold1", "hot2"}
		if !slices.Equal(got[:5], want) {
			t.Errorf("handled %v first, want %v", got[:5], want)
		}
		var hot []string
		for _, s := range got {
			if strings.HasPrefix(s, "hot") {
				hot = append(hot, s)
			}
		}
		for i, s := range hot { // 100 items: across several chunks of the line
			if s != fmt.Sprint("hot", i) {
				t.Fatalf("hot item #%d handled is %s, want hot%d", i, s, i)
			}
		}
		if len(got) != 102 || len(hot) != 100 {
			t.Errorf("handled %d items (%d hot), want 102 (100 hot)", len(got), len(hot))
		}
	})
}

// TestKeyedForgetsDrainedKeys checks that keys hold no memory once drained.
func TestKeyedForgetsDrainedKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		q := queue.NewKeyed(4, 1000, func(int, int) { n.Add(1) })
		for round := range 3 {
			for k := range 5000 {
				q.Push(context.Background(), round*5000+k, k)
			}
			synctest.Wait()
			if s := q.Stats(); s.Keys != 0 || s.Waiting != 0 {
				t.Errorf("round %d: Stats() = %+v once drained, want Keys 0, Depth 0", round, s)
			}
		}
		q.Close()
		if n.Load() != 15000 {
			t.Errorf("handled %d, want 15000", n.Load())
		}
	})
}

func TestKeyedPanicKeepsLine(t *testing.T) {
	base := runtime.NumGoroutine()
	boom := errors.New("boom")
	var mu sync.Mutex
	got := map[string][]int{}
	var told atomic.Int64
	q := queue.NewKeyed(2, 16, func(key string, v int) {
		if key == "a" && v == 1 {
			panic(boom)
		}
		if key == "b" && v == 2 {
			runtime.Goexit()
		}
		mu.Lock()
		got[key] = append(got[key], v)
		mu.Unlock()
	}, queue.OnPanic(func(*tame.PanicError) { told.Add(1) }))
	for i := range 4 {
		q.Push(context.Background(), "a", i)
		q.Push(context.Background(), "b", i)
	}
	err := q.Close()
	leaktest.Back(t, base)
	if !errors.Is(err, boom) || !errors.Is(err, tame.ErrGoexit) {
		t.Errorf("Close() = %v, want boom and tame.ErrGoexit", err)
	}
	if fmt.Sprint(got["a"], got["b"]) != "[0 2 3] [0 1 3]" {
		t.Errorf("handled a %v, b %v; want [0 2 3], [0 1 3]", got["a"], got["b"])
	}
	if told.Load() != 2 || q.Stats().Failed != 2 {
		t.Errorf("OnPanic told %d times, Stats().Failed = %d; want 2, 2", told.Load(), q.Stats().Failed)
	}
	if err2 := q.Close(); err2 != err {
		t.Errorf("second Close() = %v, want the first's error", err2)
	}
}

func TestKeyedCloseRacesPushers(t *testing.T) {
	const pushers = 32
	for range 10 {
		base := runtime.NumGoroutine()
		var count atomic.Int64
		q := queue.NewKeyed(4, 8, func(int, int) { count.Add(1) })
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for p := range pushers {
			wg.Go(func() {
				for i := 0; ; i++ {
					if err := q.Push(context.Background(), p%5, i); err != nil {
						if !errors.Is(err, tame.ErrClosed) {
							t.Errorf("Push = %v, want nil or tame.ErrClosed", err)
						}
						return
					}
					accepted.Add(1)
				}
			})
		}
		runtime.Gosched()
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		n := count.Load()
		wg.Wait()
		leaktest.Back(t, base)
		if n != accepted.Load() {
			t.Errorf("handled %d items, %d were accepted", n, accepted.Load())
		}
	}
}

func TestKeyedCloseFromHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q *queue.Keyed[string, int]
		var mu sync.Mutex
		var handled []int
		var inner error = errors.New("not called")
		pushed := make(chan struct{})
		q = queue.NewKeyed(2, 8, func(_ string, v int) {
			mu.Lock()
			handled = append(handled, v)
			mu.Unlock()
			if v == 0 {
				<-pushed // the worker may start before the other Pushes
				inner = q.Close()
			}
		})
		for i := range 4 {
			if err := q.Push(context.Background(), "k", i); err != nil {
				t.Fatalf("Push(%d) = %v", i, err)
			}
		}
		close(pushed)
		if err := q.Close(); err != nil || !errors.Is(inner, tame.ErrDeadlock) {
			t.Errorf("Close() = %v, Close() in the handler = %v; want nil, tame.ErrDeadlock", err, inner)
		}
		if fmt.Sprint(handled) != "[0 1 2 3]" {
			t.Errorf("handled %v, want [0 1 2 3]", handled)
		}
	})
}

// TestKeyedWaitersLetInTogether checks the batched admission of waiting
// Pushes: with capacity 64 (batch 8) and the only worker stuck a few items
// after the queue filled, Len stays within the capacity and TryPush fails
// while Pushes wait; once the worker goes on, every waiting Push is let in,
// and every item is handled once, in push order.
func TestKeyedWaitersLetInTogether(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 64
		gates := map[int]chan struct{}{0: make(chan struct{}), 3: make(chan struct{})}
		started := make(chan int, 128)
		var handled []int
		q := queue.NewKeyed(1, capacity, func(_ string, v int) {
			started <- v
			if g := gates[v]; g != nil {
				<-g
			}
			handled = append(handled, v)
		})
		ctx := context.Background()
		q.Push(ctx, "k", 0)
		<-started // 0 is being handled: it does not count
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, "k", i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		done := make(chan error)
		for p := range 3 {
			go func() { done <- q.Push(ctx, "k", capacity+1+p) }()
			synctest.Wait() // in order: producer p waits before p+1 pushes
		}
		close(gates[0]) // the worker handles 1, 2 and stops in 3
		for v := range started {
			if v == 3 {
				break
			}
		}
		synctest.Wait()
		if n := q.Len(); n > capacity || n < capacity-3 {
			t.Errorf("Len() = %d with item 3 in the handler, want %d..%d", n, capacity-3, capacity)
		}
		if q.TryPush("other", 1) {
			t.Error("TryPush while Pushes wait = true, want false")
		}
		close(gates[3])
		for range 3 {
			if err := <-done; err != nil {
				t.Errorf("waiting Push = %v, want nil", err)
			}
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		checkHandled(t, handled, q.Stats(), capacity+4, capacity)
	})
}

func TestKeyedPushToOwnFullQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var q *queue.Keyed[int, int]
		var errs []error
		pushed := make(chan struct{})
		q = queue.NewKeyed(2, 1, func(k, v int) {
			if v == 0 {
				errs = append(errs, q.Push(context.Background(), k, 1)) // room: 0 is being handled
				errs = append(errs, q.Push(context.Background(), k, 2)) // full
				close(pushed)
			}
		})
		q.Push(context.Background(), 7, 0)
		<-pushed
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if len(errs) != 2 || errs[0] != nil || !errors.Is(errs[1], tame.ErrDeadlock) {
			t.Errorf("Push in the handler = %v, want [nil, ErrDeadlock]", errs)
		}
		if s := q.Stats(); handledCount(s) != 2 {
			t.Errorf("Stats().Handled = %d, want 2", handledCount(s))
		}
	})
}

func TestKeyedBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		q := queue.NewKeyed(1, 2, func(_ string, v int) {
			if v == 0 {
				<-gate
			}
		})
		ctx := context.Background()
		q.Push(ctx, "a", 0)
		synctest.Wait() // 0 is being handled: it does not count
		q.Push(ctx, "b", 1)
		q.Push(ctx, "c", 2)
		if q.Len() != 2 || q.TryPush("d", 3) {
			t.Errorf("Len() = %d and TryPush succeeded on a full queue; want 2 and false", q.Len())
		}
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if err := q.Push(tctx, "d", 3); err != context.DeadlineExceeded {
			t.Errorf("Push with a timeout on a full queue = %v, want context.DeadlineExceeded", err)
		}
		done := make(chan error)
		go func() { done <- q.Push(ctx, "e", 4) }()
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("Push on a full queue returned %v, want it to wait", err)
		default:
		}
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("waiting Push = %v, want nil", err)
		}
		q.Close()
		if s, want := q.Stats(), (queue.Stats{Submitted: 4, Refused: 2, MaxWaiting: 2, Completed: 4}); s != want {
			t.Errorf("Stats() = %+v, want %+v", s, want)
		}
	})
}
