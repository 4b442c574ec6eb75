package actor_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/leaktest"
)

// The tests of this file aim at the goroutines that take over the mailbox
// while senders keep writing to it: a replacement after a runtime.Goexit (in
// receive, OnPanic or a DeadLetter handler), an actor stopped from inside its
// own receive, and one stopped by the end of its spawn context.

// TestGoexitReplacementsWhileSendersWrite: a tiny mailbox, six senders of
// Tells and Asks, and an actor that fails (panic or runtime.Goexit) every
// 25th message, with three restarts allowed; its OnPanic and DeadLetter
// handlers call runtime.Goexit now and then, so replacement goroutines take
// the mailbox over, the last ones while it is being emptied of dead letters
// with senders still writing. Every accepted Tell is handled or a dead
// letter, exactly once; every accepted Ask is answered or fails; Stop and
// Stats agree with the counts.
func TestGoexitReplacementsWhileSendersWrite(t *testing.T) {
	base := runtime.NumGoroutine()
	type msg struct {
		id    int
		reply actor.Reply[int]
	}
	const senders, each = 6, 40
	for round := range 8 {
		var seen [senders * each]atomic.Int32 // handled or dead, per message
		var accepted [senders * each]atomic.Bool
		var handled, dead, panics atomic.Int64
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m msg) {
				seen[m.id].Add(1)
				if k := handled.Add(1); k%25 == 0 {
					for range 4 {
						runtime.Gosched() // let the senders fill the mailbox
					}
					if k%50 == 0 {
						runtime.Goexit()
					}
					panic("boom")
				}
				m.reply.Send(m.id)
			},
			actor.Mailbox(2+round%3),
			actor.Restart(3, time.Hour),
			actor.OnPanic(func(*tame.PanicError) {
				if panics.Add(1)%2 == 0 {
					runtime.Goexit()
				}
			}),
			actor.DeadLetter(func(m msg) {
				seen[m.id].Add(1)
				if dead.Add(1)%2 == 1 {
					runtime.Goexit()
				}
			}))
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				for i := range each {
					id := s*each + i
					if i%8 == 7 {
						got, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) msg { return msg{id, r} })
						var pe *tame.PanicError
						switch {
						case err == nil && got == id:
						case errors.Is(err, tame.ErrClosed):
						case errors.As(err, &pe):
						default:
							t.Errorf("Ask(%d) = %d, %v", id, got, err)
						}
						continue
					}
					switch err := ref.Tell(context.Background(), msg{id: id}); {
					case err == nil:
						accepted[id].Store(true)
					case errors.Is(err, tame.ErrClosed):
					default:
						t.Errorf("Tell(%d) = %v, want nil or ErrClosed", id, err)
					}
				}
			})
		}
		wg.Wait()
		err := stopWithin(t, ref)
		var pe *tame.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("round %d: Stop() = %v, want the panics", round, err)
		}
		var dl *actor.DeadLetterError
		if d := dead.Load(); d > 0 && (!errors.As(err, &dl) || int64(dl.Count) != d) {
			t.Fatalf("round %d: Stop() = %v, want a DeadLetterError counting %d", round, err, d)
		}
		for id := range seen {
			if id%each%8 == 7 {
				if n := seen[id].Load(); n > 1 {
					t.Fatalf("round %d: ask %d handled or dead %d times, want at most once", round, id, n)
				}
				continue
			}
			want := int32(0)
			if accepted[id].Load() {
				want = 1
			}
			if got := seen[id].Load(); got != want {
				t.Fatalf("round %d: Tell %d handled or dead %d times, want %d", round, id, got, want)
			}
		}
		// 4 failures of receive, 2 Goexits of OnPanic, one of DeadLetter
		// for every other dead letter.
		wantPanics := 4 + 2 + int(dead.Load()+1)/2
		if s := ref.Stats(); s.Waiting != 0 || s.Completed != uint64(handled.Load()-4) || s.Submitted != s.Completed+s.Failed || s.Restarts != 3 || countPanics(err) != wantPanics || !s.Stopped {
			t.Fatalf("round %d: Stats() = %+v, Stop() = %v; want an empty stopped mailbox, %d completed, 3 restarts, %d panics", round, s, err, handled.Load()-4, wantPanics)
		}
	}
	leaktest.Back(t, base)
}

// TestStopInsideReceiveOrByContextWhileSendersWrite: senders fill a tiny
// mailbox while the actor is stopped, in turn, by its own receive calling
// Stop and by the end of its spawn context, at a varying point. Every Tell
// that returned nil is handled, once, before Stop from outside returns, and
// nothing is handled after.
func TestStopInsideReceiveOrByContextWhileSendersWrite(t *testing.T) {
	base := runtime.NumGoroutine()
	for round := range 40 {
		ctx, cancel := context.WithCancel(context.Background())
		var handled, accepted atomic.Int64
		at := int64(20 + round*7%60) // the message that stops the actor
		var ref *actor.Ref[int]
		ref = actor.Spawn(ctx, func() int { return 0 }, func(_ context.Context, _ *int, _ int) {
			if handled.Add(1) == at {
				if round%2 == 0 {
					if err := ref.Stop(); !errors.Is(err, tame.ErrDeadlock) {
						t.Errorf("Stop() inside receive = %v, want tame.ErrDeadlock", err)
					}
				} else {
					cancel()
				}
			}
		}, actor.Mailbox(1+round%4))
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for i := 0; ; i++ {
					var err error
					if i%3 == 0 {
						if !ref.TryTell(i) {
							continue
						}
					} else {
						err = ref.Tell(context.Background(), i)
					}
					switch {
					case err == nil:
						accepted.Add(1)
					case errors.Is(err, tame.ErrClosed):
						return
					default:
						t.Errorf("Tell() = %v, want nil or ErrClosed", err)
						return
					}
				}
			})
		}
		wg.Wait() // every sender saw the mailbox closed
		if err := stopWithin(t, ref); err != nil {
			t.Fatalf("round %d: Stop() = %v, want nil", round, err)
		}
		cancel()
		if h, a := handled.Load(), accepted.Load(); h != a {
			t.Fatalf("round %d: %d messages handled when Stop returned, want the %d accepted", round, h, a)
		}
		if s := ref.Stats(); s.Waiting != 0 || s.Completed != uint64(accepted.Load()) || !s.Stopped {
			t.Fatalf("round %d: Stats() = %+v, want an empty stopped mailbox and %d handled", round, s, accepted.Load())
		}
	}
	leaktest.Back(t, base)
}

// stopWithin returns what ref.Stop returns, and fails the test if Stop has
// not returned within a generous time (a wake-up was lost).
func stopWithin[M any](t *testing.T, ref *actor.Ref[M]) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- ref.Stop() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Stop() has not returned after 10s")
		return nil
	}
}
