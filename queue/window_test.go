package queue_test

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

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

// The tests in this file aim at the window of a Keyed worker: when no other
// key is ready, a worker hands up to 16 items of its key to the handler
// without taking the lock, reading them in place while Pushes add more.

// TestKeyedWindowYieldsTurn checks that a key that gets ready while a worker
// is in the middle of a window of another key gets its turn after the item
// being handled, not after the window.
func TestKeyedWindowYieldsTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
		started := make(chan string, 64)
		var got []string
		q := queue.NewKeyed(1, 100, func(key string, v int) {
			started <- fmt.Sprint(key, v)
			if g := gates[v]; key == "hot" && g != nil {
				<-g
			}
			got = append(got, fmt.Sprint(key, v))
		})
		ctx := context.Background()
		q.Push(ctx, "hot", 0)
		<-started // hot 0 is being handled, in a window of its own
		for i := 1; i < 40; i++ {
			q.Push(ctx, "hot", i)
		}
		close(gates[0]) // the next window is hot 1..16; it stops in hot 1
		if s := <-started; s != "hot1" {
			t.Fatalf("handled %s after hot0, want hot1", s)
		}
		synctest.Wait()
		q.Push(ctx, "cold", 0)
		close(gates[1])
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if want := []string{"hot0", "hot1", "cold0", "hot2", "hot3"}; !slices.Equal(got[:5], want) {
			t.Errorf("handled %v first, want %v", got[:5], want)
		}
		if len(got) != 41 {
			t.Errorf("handled %d items, want 41", len(got))
		}
	})
}

// TestKeyedWindowLen checks that the items of a window that the handler has
// not reached yet still count as waiting, and that once the worker is done
// with the window the counts are exact.
func TestKeyedWindowLen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := map[int]chan struct{}{0: make(chan struct{}), 3: make(chan struct{})}
		started := make(chan int, 64)
		q := queue.NewKeyed(1, 100, func(_ string, v int) {
			started <- v
			if g := gates[v]; g != nil {
				<-g
			}
		})
		ctx := context.Background()
		q.Push(ctx, "k", 0)
		<-started
		for i := 1; i <= 30; i++ {
			q.Push(ctx, "k", i)
		}
		close(gates[0])
		for v := range started {
			if v == 3 {
				break
			}
		}
		// 1 and 2 were handled and 3 is in the handler, all in the window
		// 1..16: Len may count them (at most the 30 pushed), never fewer
		// than the 27 truly waiting.
		if n := q.Len(); n < 27 || n > 30 {
			t.Errorf("Len() = %d with item 3 in the handler, want 27..30", n)
		}
		close(gates[3])
		synctest.Wait()
		if s := q.Stats(); s.Waiting != 0 || handledCount(s) != 31 || s.Keys != 0 || s.MaxWaiting != 30 {
			t.Errorf("Stats() = %+v once idle, want Depth 0, Handled 31, Keys 0, MaxDepth 30", s)
		}
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
	})
}

// TestKeyedWindowPanics checks that a panic and a Goexit in the middle of a
// window (one of them where the window goes on in the next chunk of the
// line) skip only their item, and that the rest of the window is handled in
// order, once.
func TestKeyedWindowPanics(t *testing.T) {
	base := runtime.NumGoroutine()
	boom := errors.New("boom")
	var got []int
	gate := make(chan struct{})
	q := queue.NewKeyed(1, 100, func(_ string, v int) {
		switch v {
		case 0:
			<-gate
		case 5, 16:
			panic(boom)
		case 20:
			runtime.Goexit()
		}
		got = append(got, v)
	})
	q.Push(context.Background(), "k", 0)
	for i := 1; i < 40; i++ {
		q.Push(context.Background(), "k", i)
	}
	close(gate)
	err := q.Close()
	leaktest.Back(t, base)
	if !errors.Is(err, boom) || !errors.Is(err, tame.ErrGoexit) {
		t.Errorf("Close() = %v, want boom and tame.ErrGoexit", err)
	}
	var want []int
	for i := range 40 {
		if i != 5 && i != 16 && i != 20 {
			want = append(want, i)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("handled %v, want %v", got, want)
	}
	if s := q.Stats(); handledCount(s) != 40 || s.Failed != 3 || s.Waiting != 0 || s.Keys != 0 {
		t.Errorf("Stats() = %+v, want Handled 40, Panicked 3, Depth 0, Keys 0", s)
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

// TestKeyedWindowPushToOwnQueue checks that the handler's Push to its own
// queue in the middle of a window is accepted while there is room: the
// window's items it was already given still count as waiting, so the queue
// looks full, but the handler must not get ErrDeadlock for room that is
// there.
func TestKeyedWindowPushToOwnQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const capacity = 32
		gates := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
		pushed := make(chan struct{})
		var (
			q       *queue.Keyed[string, int]
			handled []int
			selfErr = errors.New("not pushed")
		)
		q = queue.NewKeyed(1, capacity, func(_ string, v int) {
			handled = append(handled, v)
			switch v {
			case 0, 1:
				<-gates[v]
			case 10:
				// In the window 1..16: 9 items were given after the first,
				// so capacity-9 wait.
				selfErr = q.Push(context.Background(), "k", 1000)
				close(pushed)
			}
		})
		ctx := context.Background()
		q.Push(ctx, "k", 0)
		synctest.Wait() // 0 is in the handler
		for i := 1; i <= capacity; i++ {
			if err := q.Push(ctx, "k", i); err != nil {
				t.Fatalf("Push(%d) = %v, want nil", i, err)
			}
		}
		close(gates[0])
		synctest.Wait() // 1 is in the handler, the first of a window
		if err := q.Push(ctx, "k", capacity+1); err != nil {
			t.Fatalf("Push(%d) = %v, want nil", capacity+1, err)
		}
		close(gates[1])
		<-pushed
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if selfErr != nil {
			t.Errorf("Push by the handler with %d items waiting = %v, want nil", capacity-9, selfErr)
		}
		if n := len(handled); n != capacity+3 || handled[n-1] != 1000 {
			t.Errorf("handled %v, want 0..%d then 1000", handled, capacity+1)
		}
	})
}

// TestKeyedWindowSelfPushesUnderLoad races the handler's own Pushes (in the
// middle of windows, whose given items they take out of the counts) and
// panics and Goexits of the handler against producers on a small queue:
// every item accepted is handled exactly once, in each key's order for the
// producers' items, Len stays within the capacity, and the counts add up.
func TestKeyedWindowSelfPushesUnderLoad(t *testing.T) {
	const keys, items, capacity = 3, 600, 24
	base := runtime.NumGoroutine()
	var (
		q               *queue.Keyed[int, int]
		mu              sync.Mutex
		next            = make([]int, keys) // per key: the next producer item
		handled         = make(map[int]bool)
		count, accepted atomic.Int64
		failed          atomic.Int64
		selfRefused     atomic.Int64
	)
	for k := range next {
		next[k] = k // key k gets k, k+keys, k+2*keys...
	}
	q = queue.NewKeyed(2, capacity, func(k, v int) {
		count.Add(1)
		mu.Lock()
		if handled[v] {
			t.Errorf("key %d: %d handled twice", k, v)
		}
		handled[v] = true
		if v < keys*items {
			if v != next[k] {
				t.Errorf("key %d: handled %d, want %d", k, v, next[k])
			}
			next[k] = v + keys
		}
		mu.Unlock()
		if v >= keys*items || v%7 != 0 {
			return
		}
		// Push an item of its own, to a key no producer uses: the
		// producers' keys keep their order.
		switch err := q.Push(context.Background(), (k+1)%keys+keys, keys*items+v); {
		case err == nil:
			accepted.Add(1)
		case errors.Is(err, tame.ErrDeadlock), errors.Is(err, tame.ErrClosed): // (Close is called as the producers end)
			selfRefused.Add(1)
		default:
			t.Errorf("Push by the handler = %v, want nil, ErrDeadlock or ErrClosed", err)
		}
		switch v % 5 {
		case 1:
			failed.Add(1)
			panic(v)
		case 2:
			failed.Add(1)
			runtime.Goexit()
		}
	})
	stop := make(chan struct{})
	var poller sync.WaitGroup
	poller.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n := q.Len(); n > capacity || n < 0 {
				t.Errorf("Len() = %d, want 0..%d", n, capacity)
				return
			}
			runtime.Gosched()
		}
	})
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), k, i*keys+k); err != nil {
					t.Errorf("Push = %v", err)
					return
				}
				accepted.Add(1)
			}
		})
	}
	wg.Wait()
	close(stop)
	poller.Wait()
	err := q.Close()
	leaktest.Back(t, base)
	if (err == nil) != (failed.Load() == 0) {
		t.Errorf("Close() = %v with %d panics and Goexits", err, failed.Load())
	}
	if count.Load() != accepted.Load() {
		t.Errorf("handled %d items, %d were accepted (%d refused to the handler)", count.Load(), accepted.Load(), selfRefused.Load())
	}
	if s := q.Stats(); handledCount(s) != accepted.Load() || s.Waiting != 0 || s.Keys != 0 || s.MaxWaiting > capacity || s.Failed != uint64(failed.Load()) {
		t.Errorf("Stats() = %+v, want Handled %d, Depth 0, Keys 0, MaxDepth <= %d, Panicked %d", s, accepted.Load(), capacity, failed.Load())
	}
}
