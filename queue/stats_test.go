package queue_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/queue"
)

// TestStatsVocabulary checks every field of Stats at two moments: with the
// handler held in a call, items waiting and a Push blocked; and after
// Close, where Submitted == Completed + Failed.
func TestStatsVocabulary(t *testing.T) {
	type pusher struct {
		q    closer
		push func(context.Context, int) error
		try  func(int) bool
	}
	makers := map[string]func(handle func(int)) pusher{
		"Queue": func(handle func(int)) pusher {
			q := queue.New(2, handle)
			return pusher{q, q.Push, q.TryPush}
		},
		"Keyed": func(handle func(int)) pusher {
			q := queue.NewKeyed(4, 2, func(_ string, v int) { handle(v) })
			return pusher{q,
				func(ctx context.Context, v int) error { return q.Push(ctx, "k", v) },
				func(v int) bool { return q.TryPush("k", v) }}
		},
	}
	for name, newQueue := range makers {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newGate[int]()
				p := newQueue(func(v int) {
					g.handle(v)
					if v == 2 {
						panic("two")
					}
				})
				for v := range 3 {
					p.push(context.Background(), v)
					synctest.Wait()
				}
				p.try(9)
				go p.push(context.Background(), 3)
				synctest.Wait()
				keys := 0
				if name == "Keyed" {
					keys = 1
				}
				want := queue.Stats{Submitted: 3, Refused: 1, Waiting: 2, MaxWaiting: 2, Running: 1, Keys: keys, Blocked: 1}
				if s := p.q.Stats(); s != want {
					t.Errorf("Stats() while held = %+v, want %+v", s, want)
				}
				g.open()
				synctest.Wait() // the blocked Push is let in
				p.q.Close()
				want = queue.Stats{Submitted: 4, Refused: 1, MaxWaiting: 2, Completed: 3, Failed: 1}
				if s := p.q.Stats(); s != want {
					t.Errorf("Stats() after Close = %+v, want %+v", s, want)
				}
			})
		})
	}
}

// TestStatsRefusedCountsEveryRefusal checks that Refused counts every call
// that accepted nothing, whatever the reason (full, a context done before
// or while waiting, the handler's Push to its own full queue, closed), and
// only those: Submitted + Refused is the number of calls.
func TestStatsRefusedCountsEveryRefusal(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var q shutdownable
				full, pushed := make(chan struct{}), make(chan struct{})
				var inner error
				// Multiples of 3: one key for Keyed, one call at a time.
				q = newQueue(1, func(v int) {
					if v == 0 {
						<-full
						inner = q.push(context.Background(), 6) // 3 waits
						close(pushed)
					}
				})
				calls := 0
				push := func(ctx context.Context, v int) error { calls++; return q.push(ctx, v) }
				if err := push(context.Background(), 0); err != nil {
					t.Fatalf("Push(0) = %v", err)
				}
				synctest.Wait()
				if err := push(context.Background(), 3); err != nil {
					t.Fatalf("Push(3) = %v", err)
				}
				done, cancel := context.WithCancel(context.Background())
				cancel()
				if err := push(done, 9); !errors.Is(err, context.Canceled) {
					t.Errorf("Push(done ctx) = %v, want context.Canceled", err)
				}
				short, cancel2 := context.WithTimeout(context.Background(), time.Second)
				defer cancel2()
				if err := push(short, 12); !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("Push on the full queue with a 1s timeout = %v, want context.DeadlineExceeded", err)
				}
				close(full)
				<-pushed
				if err := q.q.Close(); err != nil {
					t.Fatalf("Close() = %v", err)
				}
				if !errors.Is(inner, tame.ErrDeadlock) {
					t.Errorf("Push from the handler to its full queue = %v, want tame.ErrDeadlock", inner)
				}
				if err := push(context.Background(), 15); !errors.Is(err, tame.ErrClosed) {
					t.Errorf("Push after Close = %v, want tame.ErrClosed", err)
				}
				s := q.q.Stats()
				// Refused: done ctx, timeout, the handler's Push, after Close.
				if s.Submitted != 2 || s.Refused != 4 || s.Completed != 2 || s.Failed != 0 {
					t.Errorf("Stats() = %+v, want Submitted 2, Refused 4, Completed 2", s)
				}
				if got := s.Submitted + s.Refused; got != uint64(calls)+1 {
					t.Errorf("Submitted + Refused = %d, want %d calls", got, calls+1)
				}
			})
		})
	}
}

// TestStatsCountCallsAsTheyReturn checks that Completed and Failed count
// each handler call as it ends, also while a Keyed worker hands several
// items of one key in a row: with the handler held in a call, every item
// accepted is waiting, running, completed or failed.
func TestStatsCountCallsAsTheyReturn(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const n = 40
				g := newGate[int]()
				q := newQueue(64, func(v int) {
					g.handle(v)
					if v%21 == 0 {
						panic(v)
					}
				})
				defer q.q.Close()
				defer g.open()
				// Multiples of 3: one key for Keyed, one call at a time.
				for i := range n {
					if err := q.push(context.Background(), 3*i); err != nil {
						t.Fatalf("Push = %v", err)
					}
				}
				synctest.Wait()
				for ended := range n {
					s := q.q.Stats()
					failed := uint64((ended + 6) / 7) // items 0, 7, 14, ... (v = 0, 21, 42, ...)
					want := queue.Stats{Submitted: n, Waiting: n - ended - 1, MaxWaiting: s.MaxWaiting, Running: 1,
						Completed: uint64(ended) - failed, Failed: failed, Keys: s.Keys}
					if s != want {
						t.Fatalf("after %d calls ended, with the next one held: Stats() = %+v, want %+v", ended, s, want)
					}
					g.step()
				}
			})
		})
	}
}

// TestStatsInOnPanic checks what OnPanic sees in Stats: the call that
// panicked or called runtime.Goexit still runs until OnPanic returns, and
// the calls before it are counted as they ended.
func TestStatsInOnPanic(t *testing.T) {
	for name, newQueue := range kinds {
		t.Run(name, func(t *testing.T) {
			var q shutdownable
			var seen []queue.Stats
			start := make(chan struct{})
			// Multiples of 3: one key for Keyed, one call at a time.
			q = newQueue(8, func(v int) {
				switch v {
				case 0:
					<-start // until the three items are in
				case 3:
					panic(v)
				case 6:
					runtime.Goexit()
				}
			}, queue.OnPanic(func(*tame.PanicError) { seen = append(seen, q.q.Stats()) }))
			for i := range 3 {
				if err := q.push(context.Background(), 3*i); err != nil {
					t.Fatalf("Push = %v", err)
				}
			}
			close(start)
			q.q.Close()
			want := []queue.Stats{
				{Submitted: 3, Waiting: 1, MaxWaiting: 3, Running: 1, Completed: 1, Failed: 0, Keys: 1},
				{Submitted: 3, Waiting: 0, MaxWaiting: 3, Running: 1, Completed: 1, Failed: 1, Keys: 1},
			}
			if len(seen) != 2 {
				t.Fatalf("OnPanic called %d times, want 2", len(seen))
			}
			for i := range seen {
				if m := seen[i].MaxWaiting; m == 2 || m == 3 {
					want[i].MaxWaiting = m // the first item may be taken before the others come
				}
				if name == "Queue" {
					want[i].Keys = 0
				}
				if seen[i] != want[i] {
					t.Errorf("Stats() in OnPanic %d = %+v, want %+v", i, seen[i], want[i])
				}
			}
		})
	}
}
