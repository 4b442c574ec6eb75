package actor_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/leaktest"
)

// The tests of this file aim at the lock-free mailbox: producers reserving
// and writing slots while others wait for room, while the actor parks and
// wakes, and while Stop or a failure closes the mailbox under them.

// seqMsg is a message tagged with its sender and the sender's count.
type seqMsg struct {
	sender, n int
}

// TestTinyMailboxManySenders: 8 senders into a mailbox of 1 and of 3 (a ring
// longer than the capacity), so that nearly every Tell waits for room and is
// woken by the token passed on. Every message is handled once, each sender's
// in its send order, and the mailbox never holds more than its capacity.
func TestTinyMailboxManySenders(t *testing.T) {
	base := runtime.NumGoroutine()
	for _, capacity := range []int{1, 3} {
		const senders, each = 8, 300
		var overfull atomic.Int64
		var ref *actor.Ref[seqMsg]
		ref = actor.Spawn(context.Background(), func() []int { return make([]int, senders) },
			func(_ context.Context, next *[]int, m seqMsg) {
				if m.n != (*next)[m.sender] {
					t.Errorf("capacity %d: sender %d: got message %d, want %d", capacity, m.sender, m.n, (*next)[m.sender])
				}
				(*next)[m.sender] = m.n + 1
				if d := ref.Stats().Waiting; d > capacity {
					overfull.Store(int64(d))
				}
			}, actor.Mailbox(capacity))
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				for n := range each {
					if err := ref.Tell(context.Background(), seqMsg{s, n}); err != nil {
						t.Errorf("capacity %d: Tell() = %v, want nil", capacity, err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := ref.Stop(); err != nil {
			t.Fatalf("capacity %d: Stop() = %v, want nil", capacity, err)
		}
		if got, want := ref.Stats().Completed, uint64(senders*each); got != want {
			t.Errorf("capacity %d: Stats().Completed = %d, want %d", capacity, got, want)
		}
		if d := overfull.Load(); d != 0 {
			t.Errorf("capacity %d: Stats().Waiting = %d seen, want at most %d", capacity, d, capacity)
		}
	}
	leaktest.Back(t, base)
}

// TestWaitingSendersRacingStop: senders wait for room in a full mailbox,
// some with a ctx that ends, some with TryTell, while Stop closes it. Every
// Tell returns nil (and its message is handled before Stop returns), an
// error wrapping tame.ErrClosed, or its ctx's error; nothing is handled after
// Stop returned.
func TestWaitingSendersRacingStop(t *testing.T) {
	base := runtime.NumGoroutine()
	for round := range 20 {
		var handled atomic.Int64
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(context.Context, *int, int) {
				handled.Add(1)
				runtime.Gosched()
			}, actor.Mailbox(2))
		const senders = 12
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for s := range senders {
			wg.Go(func() {
				for i := range 40 {
					switch (s + i) % 3 {
					case 0:
						if ref.TryTell(i) {
							accepted.Add(1)
						}
						continue
					case 1:
						ctx, cancel := context.WithCancel(context.Background())
						if i%2 == 0 {
							cancel()
						}
						err := ref.Tell(ctx, i)
						cancel()
						switch {
						case err == nil:
							accepted.Add(1)
						case errors.Is(err, context.Canceled), errors.Is(err, tame.ErrClosed):
						default:
							t.Errorf("Tell() = %v, want nil, context.Canceled or ErrClosed", err)
						}
						continue
					}
					switch err := ref.Tell(context.Background(), i); {
					case err == nil:
						accepted.Add(1)
					case errors.Is(err, tame.ErrClosed):
					default:
						t.Errorf("Tell() = %v, want nil or ErrClosed", err)
					}
				}
			})
		}
		for range round % 5 {
			runtime.Gosched()
		}
		if err := ref.Stop(); err != nil {
			t.Fatalf("round %d: Stop() = %v, want nil", round, err)
		}
		atStop := handled.Load()
		wg.Wait()
		if got := handled.Load(); got != atStop {
			t.Fatalf("round %d: %d messages handled after Stop returned", round, got-atStop)
		}
		if got, want := atStop, accepted.Load(); got != want {
			t.Fatalf("round %d: %d messages handled, want the %d accepted", round, got, want)
		}
		if s := ref.Stats(); s.Waiting != 0 || s.Completed != uint64(atStop) || !s.Stopped {
			t.Fatalf("round %d: Stats() = %+v, want an empty stopped mailbox and %d handled", round, s, atStop)
		}
	}
	leaktest.Back(t, base)
}

// TestFailureWhileSendersWrite: an actor without Restart panics while
// senders keep filling its mailbox with Tells and Asks. Every accepted Tell
// is handled or reported as a dead letter, none twice; every Ask is answered
// or fails; Stop's DeadLetterError counts the dead letters; Stats agrees.
func TestFailureWhileSendersWrite(t *testing.T) {
	base := runtime.NumGoroutine()
	type msg struct {
		n     int
		ask   bool
		reply actor.Reply[int]
	}
	for round := range 20 {
		var tells, asks, dead atomic.Int64
		bad := 50 + round
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m msg) {
				if m.ask {
					asks.Add(1)
				} else {
					tells.Add(1)
				}
				if m.n == bad {
					panic("boom")
				}
				m.reply.Send(m.n)
			}, actor.Mailbox(4), actor.DeadLetter(func(m msg) {
				if m.ask {
					t.Errorf("ask %d reported as a dead letter", m.n)
				}
				dead.Add(1)
			}))
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for s := range 6 {
			wg.Go(func() {
				for i := range 40 {
					n := s*40 + i
					if i%5 == 4 {
						got, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) msg { return msg{n, true, r} })
						var pe *tame.PanicError
						switch {
						case err == nil && got == n:
						case errors.Is(err, tame.ErrClosed):
						case n == bad && errors.As(err, &pe):
						default:
							t.Errorf("Ask(%d) = %d, %v", n, got, err)
						}
						continue
					}
					switch err := ref.Tell(context.Background(), msg{n: n}); {
					case err == nil:
						accepted.Add(1)
					case errors.Is(err, tame.ErrClosed):
					default:
						t.Errorf("Tell() = %v, want nil or ErrClosed", err)
					}
				}
			})
		}
		wg.Wait()
		err := ref.Stop()
		var pe *tame.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("round %d: Stop() = %v, want the panic", round, err)
		}
		var dl *actor.DeadLetterError
		if d := dead.Load(); d > 0 && (!errors.As(err, &dl) || int64(dl.Count) != d) {
			t.Fatalf("round %d: Stop() = %v, want a DeadLetterError counting %d", round, err, d)
		}
		if got, want := tells.Load()+dead.Load(), accepted.Load(); got != want {
			t.Fatalf("round %d: %d Tells handled + %d dead, want the %d accepted", round, tells.Load(), dead.Load(), want)
		}
		if s := ref.Stats(); s.Waiting != 0 || s.Submitted != s.Completed+s.Failed || s.Completed != uint64(tells.Load()+asks.Load()-1) {
			t.Fatalf("round %d: Stats() = %+v, want an empty mailbox, %d completed, the rest failed", round, s, tells.Load()+asks.Load()-1)
		}
	}
	leaktest.Back(t, base)
}

// TestStatsDuringTraffic: Stats read while senders and the actor move the
// mailbox on: Mailbox stays within the capacity and Handled never goes back
// nor past what was sent.
func TestStatsDuringTraffic(t *testing.T) {
	base := runtime.NumGoroutine()
	ref := actor.Spawn(context.Background(), func() int { return 0 },
		func(context.Context, *int, int) {}, actor.Mailbox(5))
	var sent atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 2000 {
				sent.Add(1)
				if err := ref.Tell(context.Background(), i); err != nil {
					t.Errorf("Tell() = %v, want nil", err)
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	var last uint64
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		s := ref.Stats()
		if s.Completed < last || s.Completed > uint64(sent.Load()) {
			t.Fatalf("Stats().Completed = %d after %d, with %d sent", s.Completed, last, sent.Load())
		}
		if s.Waiting < 0 || s.Waiting > 5 || s.MaxWaiting > 5 || s.Running > 1 {
			t.Fatalf("Stats() = %+v, want 0..5 waiting, at most 5 ever, at most 1 running", s)
		}
		last = s.Completed
		runtime.Gosched()
	}
	if err := ref.Stop(); err != nil {
		t.Fatalf("Stop() = %v, want nil", err)
	}
	if s := ref.Stats(); s.Completed != 8000 || s.Submitted != 8000 || s.Waiting != 0 || s.Running != 0 {
		t.Errorf("Stats() = %+v after Stop, want 8000 handled and an empty mailbox", s)
	}
	leaktest.Back(t, base)
}

// TestMaxWaitingNeverBelowWaiting: in a large mailbox, where the high-water
// mark is kept with a position that may lag, a Stats snapshot never shows
// MaxWaiting below Waiting. The lag is made on purpose: a first burst is
// counted while the actor, busy, has not said how far it got; then a larger
// burst waits behind a blocked receive.
func TestMaxWaitingNeverBelowWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := map[int]chan struct{}{0: make(chan struct{}), 62: make(chan struct{}), -1: make(chan struct{})}
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m int) {
				if g, ok := gates[m]; ok {
					<-g
				}
			}, actor.Mailbox(1000))
		tell := func(m int) {
			t.Helper()
			if err := ref.Tell(context.Background(), m); err != nil {
				t.Fatalf("Tell(%d) = %v", m, err)
			}
		}
		check := func() {
			t.Helper()
			if s := ref.Stats(); s.MaxWaiting < s.Waiting {
				t.Errorf("Stats() = %+v: MaxWaiting below Waiting", s)
			}
		}
		tell(0)
		synctest.Wait() // 0 is in receive
		for m := 1; m <= 62; m++ {
			tell(m)
		}
		check()
		close(gates[0])
		synctest.Wait() // 1 to 61 handled, 62 in receive
		for range 30 {
			tell(1000)
		}
		check()
		close(gates[62])
		synctest.Wait() // all handled, the actor parked
		tell(-1)
		synctest.Wait() // -1 is in receive
		for range 90 {
			tell(1000)
		}
		check()
		close(gates[-1])
		if err := ref.Stop(); err != nil {
			t.Errorf("Stop() = %v", err)
		}
	})
}

// TestWaitingTellsInOrder: Tells that find the mailbox full are let in in
// the order they came, and TryTell does not overtake them.
func TestWaitingTellsInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var got []int
		r := actor.Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m int) {
				<-gate
				got = append(got, m)
			}, actor.Mailbox(1))
		ctx := context.Background()
		for m := range 2 { // 0 in receive, 1 waiting: full
			if err := r.Tell(ctx, m); err != nil {
				t.Fatalf("Tell(%d) = %v", m, err)
			}
			synctest.Wait()
		}
		for m := 2; m <= 4; m++ {
			go func() {
				if err := r.Tell(ctx, m); err != nil {
					t.Errorf("Tell(%d) = %v", m, err)
				}
			}()
			synctest.Wait() // m waits behind the Tells before it
		}
		if r.TryTell(99) {
			t.Fatal("TryTell accepted while Tells wait for room")
		}
		close(gate)
		synctest.Wait() // every Tell let in and handled
		if err := r.Stop(); err != nil {
			t.Fatalf("Stop() = %v", err)
		}
		for i, m := range got {
			if m != i {
				t.Fatalf("handled %v, want 0 to 4 in order", got)
			}
		}
		if len(got) != 5 {
			t.Fatalf("handled %v, want 0 to 4", got)
		}
	})
}
