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

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/queue"
)

// TestQueuePanicKeepsLine checks that a panic, a panic(nil) and a Goexit
// each skip only their item, are told to OnPanic before the next item is
// handled, and come back from Close.
func TestQueuePanicKeepsLine(t *testing.T) {
	base := runtime.NumGoroutine()
	var log []string // written by the handler and OnPanic, one at a time
	boom := errors.New("boom")
	q := queue.New(16, func(v int) {
		switch v {
		case 3:
			panic(boom)
		case 5:
			panic(nil)
		case 7:
			runtime.Goexit()
		}
		log = append(log, fmt.Sprint(v))
	}, queue.OnPanic(func(pe *tame.PanicError) {
		log = append(log, "panic")
	}))
	for i := range 10 {
		if err := q.Push(context.Background(), i); err != nil {
			t.Fatalf("Push(%d) = %v, want nil", i, err)
		}
	}
	err := q.Close()
	leaktest.Back(t, base)
	if got, want := strings.Join(log, ","), "0,1,2,panic,4,panic,6,panic,8,9"; got != want {
		t.Errorf("handled %q, want %q", got, want)
	}
	if !errors.Is(err, boom) || !errors.Is(err, tame.ErrGoexit) {
		t.Errorf("Close() = %v, want errors that are boom and tame.ErrGoexit", err)
	}
	var pnil *runtime.PanicNilError
	if !errors.As(err, &pnil) {
		t.Errorf("Close() = %v, want a *runtime.PanicNilError in it", err)
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 3 {
		t.Errorf("Close() joins %d errors, want 3", n)
	}
	if err2 := q.Close(); err2 != err {
		t.Errorf("second Close() = %v, want the same error as the first", err2)
	}
	if s := q.Stats(); s.Failed != 3 || handledCount(s) != 10 {
		t.Errorf("Stats() = %+v, want Panicked 3, Handled 10", s)
	}
}

// TestQueueOnPanicFails checks that a panic and a Goexit in OnPanic itself
// are returned by Close and do not stop the line.
func TestQueueOnPanicFails(t *testing.T) {
	base := runtime.NumGoroutine()
	var handled []int
	calls := 0
	q := queue.New(8, func(v int) {
		if v%2 == 1 {
			panic(v)
		}
		handled = append(handled, v)
	}, queue.OnPanic(func(*tame.PanicError) {
		calls++
		if calls == 1 {
			panic("in OnPanic")
		}
		runtime.Goexit()
	}))
	for i := range 5 {
		if err := q.Push(context.Background(), i); err != nil {
			t.Fatalf("Push(%d) = %v, want nil", i, err)
		}
	}
	err := q.Close()
	leaktest.Back(t, base)
	if fmt.Sprint(handled) != "[0 2 4]" {
		t.Errorf("handled %v, want [0 2 4]", handled)
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 4 {
		t.Errorf("Close() joins %d errors, want 4 (2 handler panics, a panic and a Goexit in OnPanic): %v", n, err)
	}
	if !errors.Is(err, tame.ErrGoexit) || !strings.Contains(err.Error(), "in OnPanic") {
		t.Errorf("Close() = %v, want the OnPanic panic and Goexit in it", err)
	}
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

// TestQueueFailuresWhileFull checks that a panic and a Goexit of the
// handler while Pushes wait for room on a full queue do not strand them:
// the replacement consumer lets them in, and every item accepted is
// handled once, in each producer's order.
func TestQueueFailuresWhileFull(t *testing.T) {
	const producers, items = 6, 400
	fails := func(seq int) bool { return seq%97 == 13 || seq%89 == 7 }
	base := runtime.NumGoroutine()
	next := make([]int, producers) // per producer: the least seq that may come next
	handled := 0
	q := queue.New(2, func(p pushed) {
		if p.seq < next[p.producer] {
			t.Errorf("producer %d: seq %d after %d", p.producer, p.seq, next[p.producer]-1)
		}
		next[p.producer] = p.seq + 1
		switch {
		case p.seq%97 == 13:
			panic(p)
		case p.seq%89 == 7:
			runtime.Goexit()
		}
		handled++
	})
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range items {
				if err := q.Push(context.Background(), pushed{p, i}); err != nil {
					t.Errorf("Push = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	err := q.Close()
	leaktest.Back(t, base)
	failed := 0
	for i := range items {
		if fails(i) {
			failed++
		}
	}
	if err == nil || !errors.Is(err, tame.ErrGoexit) {
		t.Errorf("Close() = %v, want the panics and Goexits", err)
	}
	if want := producers * (items - failed); handled != want {
		t.Errorf("handled %d items, want %d", handled, want)
	}
	for p, n := range next {
		if n != items {
			t.Errorf("producer %d: handled up to %d, want %d", p, n, items)
		}
	}
	if s := q.Stats(); handledCount(s) != producers*items || s.Failed != uint64(producers*failed) {
		t.Errorf("Stats() = %+v, want Handled %d, Panicked %d", s, producers*items, producers*failed)
	}
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
