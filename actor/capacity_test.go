package actor_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/actor"
)

// The tests of this file check that a mailbox's capacity counts the
// messages waiting, exactly: the message receive is handling does not take
// a place, whatever the actor took from its mailbox before.

// TestCapacityCountsWaitingOnly: with receive blocked on the first of a
// burst, a Mailbox(c) takes c more messages, no fewer and no more, for
// every c from 1 to 5 and for a burst longer than the mailbox; once the
// receive returns, the next one in hand frees its place too.
func TestCapacityCountsWaitingOnly(t *testing.T) {
	for c := 1; c <= 5; c++ {
		t.Run(fmt.Sprintf("mailbox=%d", c), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				gate := make(chan struct{})
				var handled []int
				ref := actor.Spawn(context.Background(), func() int { return 0 },
					func(_ context.Context, _ *int, m int) {
						<-gate
						handled = append(handled, m)
					}, actor.Mailbox(c))
				// A burst on an idle actor: c of them wait, one more if
				// the actor took the first into receive meanwhile.
				next := 0
				for range 2 * c {
					if ref.TryTell(next) {
						next++
					}
				}
				if next != c && next != c+1 {
					t.Fatalf("TryTell burst on an idle Mailbox(%d) accepted %d, want %d or %d", c, next, c, c+1)
				}
				synctest.Wait() // message 0 is in receive
				for range 2 * c {
					if ref.TryTell(next) {
						next++
					}
				}
				if next != c+1 {
					t.Fatalf("with one message in receive, TryTell bursts accepted %d in all, want %d", next, c+1)
				}
				if s := ref.Stats(); s.Waiting != c || s.Running != 1 {
					t.Errorf("Stats() = %+v, want %d waiting, 1 running", s, c)
				}
				gate <- struct{}{} // 0 returns; 1 is taken into receive
				synctest.Wait()
				if !ref.TryTell(next) || ref.TryTell(next+1) {
					t.Errorf("after one receive returned, TryTell did not accept exactly one more")
				}
				close(gate)
				if err := ref.Stop(); err != nil {
					t.Errorf("Stop() = %v, want nil", err)
				}
				if len(handled) != c+2 {
					t.Errorf("handled %v, want %d messages", handled, c+2)
				}
			})
		})
	}
}

// TestReceiveWaitsForAnotherSender: receive waits until another goroutine's
// Tell to the same actor has returned. With nothing waiting the mailbox has
// room, so the Tell is accepted at once, whether it is a Tell or a TryTell,
// and whether the mailbox was empty or full until the receive took its
// message (the waiting Tell is then let in).
func TestReceiveWaitsForAnotherSender(t *testing.T) {
	for c := 1; c <= 5; c++ {
		for _, try := range []bool{false, true} {
			t.Run(fmt.Sprintf("mailbox=%d/try=%t", c, try), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var ref *actor.Ref[string]
					told := make(chan error)
					ref = actor.Spawn(context.Background(), func() int { return 0 },
						func(_ context.Context, _ *int, m string) {
							if m == "wait" {
								// Fill the mailbox behind this message, then
								// ask for one more from another goroutine.
								if err := <-told; err != nil {
									t.Errorf("the other sender's Tell = %v, want nil", err)
								}
							}
						}, actor.Mailbox(c))
					send := func(m string) error {
						if try {
							if !ref.TryTell(m) {
								return errors.New("TryTell() = false")
							}
							return nil
						}
						return ref.Tell(context.Background(), m)
					}
					if err := ref.Tell(context.Background(), "wait"); err != nil {
						t.Fatalf("Tell() = %v", err)
					}
					synctest.Wait() // "wait" is in receive
					for range c - 1 {
						if err := send("filler"); err != nil {
							t.Fatalf("filling: %v", err)
						}
					}
					go func() { told <- send("last") }()
					synctest.Wait() // "last" was refused, waits, or was accepted
					stopsInBubble(t, ref, "receive waits for a Tell that the mailbox refused or made wait")
				})
			})
		}
	}
}

// TestWaitingTellLetInPerMessage: a Tell waits on a full Mailbox(c); the
// receive after the one that frees a place waits for that Tell. It is let in
// as soon as a message is taken, not when the actor has taken several.
func TestWaitingTellLetInPerMessage(t *testing.T) {
	for c := 1; c <= 5; c++ {
		t.Run(fmt.Sprintf("mailbox=%d", c), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				gate := make(chan struct{})
				told := make(chan error, 1)
				ref := actor.Spawn(context.Background(), func() int { return 0 },
					func(_ context.Context, _ *int, m int) {
						switch m {
						case 0:
							<-gate
						case 1:
							if err := <-told; err != nil {
								t.Errorf("the waiting Tell = %v, want nil", err)
							}
						}
					}, actor.Mailbox(c))
				_ = ref.Tell(context.Background(), 0)
				synctest.Wait()
				for m := 1; m <= c; m++ {
					if err := ref.Tell(context.Background(), m); err != nil {
						t.Fatalf("Tell(%d) = %v", m, err)
					}
				}
				go func() { told <- ref.Tell(context.Background(), 99) }()
				synctest.Wait() // the Tell of 99 waits for room
				close(gate)
				synctest.Wait() // 99 was let in, or the actor is stuck
				stopsInBubble(t, ref, "the waiting Tell was not let in when message 1 was taken")
			})
		})
	}
}

// TestMailboxTooLarge: a capacity whose ring cannot be held in memory
// panics in Spawn with an actor: message, not inside the runtime.
func TestMailboxTooLarge(t *testing.T) {
	recv := func(context.Context, *int, [1024]byte) {}
	for _, c := range []int{math.MaxInt, math.MaxInt/2 + 1, math.MaxInt / 4, math.MaxInt / 4096} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "actor: mailbox capacity too large: ") {
					t.Errorf("Spawn with Mailbox(%d) panicked with %q, want an actor: mailbox capacity too large message", c, msg)
				}
			}()
			ref := actor.Spawn(context.Background(), func() int { return 0 }, recv, actor.Mailbox(c))
			ref.Stop()
		}()
	}
}

// TestConcurrentTryTellBursts: several goroutines burst TryTells at once
// while receive is blocked: together they get exactly the capacity, for
// each capacity from 1 to 4 and a large one.
func TestConcurrentTryTellBursts(t *testing.T) {
	for _, c := range []int{1, 2, 3, 4, 5, 64, 65, 100, 1000} {
		for range 20 {
			started, gate := make(chan struct{}), make(chan struct{})
			var handled int
			ref := actor.Spawn(context.Background(), func() int { return 0 },
				func(_ context.Context, _ *int, m int) {
					if m == -1 {
						close(started)
						<-gate
					}
					handled++
				}, actor.Mailbox(c))
			_ = ref.Tell(context.Background(), -1)
			<-started
			var accepted atomic.Int64
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for m := range c + 5 {
						if ref.TryTell(m) {
							accepted.Add(1)
						}
					}
				})
			}
			wg.Wait()
			if got := accepted.Load(); got != int64(c) {
				t.Fatalf("Mailbox(%d): concurrent TryTell bursts accepted %d, want %d", c, got, c)
			}
			if s := ref.Stats(); s.Waiting != c || s.MaxWaiting != c || s.Refused != uint64(4*(c+5)-c) {
				t.Errorf("Mailbox(%d): Stats() = %+v, want %d waiting (%d at most), %d refused", c, s, c, c, 4*(c+5)-c)
			}
			close(gate)
			if err := ref.Stop(); err != nil || handled != c+1 {
				t.Fatalf("Stop() = %v after %d handled, want nil after %d", err, handled, c+1)
			}
		}
	}
}

// stopsInBubble stops ref from a goroutine of the test's bubble and fails t,
// saying why the actor is stuck, unless Stop returns nil before every
// goroutine of the bubble blocks.
func stopsInBubble[M any](t *testing.T, ref *actor.Ref[M], stuck string) {
	t.Helper()
	stopped := make(chan error)
	go func() { stopped <- ref.Stop() }()
	synctest.Wait()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Stop() = %v, want nil", err)
		}
	default:
		t.Fatal("the actor is stuck: " + stuck)
	}
}

// TestCapacityExactAfterTraffic: once messages have gone round the ring
// several times (the positions the senders read lag behind the actor's), a
// receive that blocks still leaves room for exactly the capacity, for small
// and large mailboxes; Waiting says so.
func TestCapacityExactAfterTraffic(t *testing.T) {
	for _, c := range []int{1, 2, 3, 5, 63, 64, 65, 100, 1000} {
		t.Run(fmt.Sprintf("mailbox=%d", c), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				gate := make(chan struct{})
				ref := actor.Spawn(context.Background(), func() int { return 0 },
					func(_ context.Context, _ *int, m int) {
						if m == -1 {
							<-gate
						}
					}, actor.Mailbox(c))
				for m := range 3*c + 7 {
					if err := ref.Tell(context.Background(), m); err != nil {
						t.Fatalf("Tell(%d) = %v", m, err)
					}
				}
				_ = ref.Tell(context.Background(), -1)
				synctest.Wait() // -1 is in receive, nothing waits
				accepted := 0
				for range c + 5 {
					if ref.TryTell(1) {
						accepted++
					}
				}
				if s := ref.Stats(); accepted != c || s.Waiting != c || s.Running != 1 {
					t.Errorf("after traffic, TryTells accepted %d with Stats() = %+v, want %d accepted and waiting, 1 running", accepted, s, c)
				}
				close(gate)
				if err := ref.Stop(); err != nil {
					t.Errorf("Stop() = %v", err)
				}
				if s := ref.Stats(); s.Submitted != s.Completed+s.Failed || s.Failed != 0 {
					t.Errorf("Stats() after Stop = %+v, want every message completed", s)
				}
			})
		})
	}
}
