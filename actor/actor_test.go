package actor_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
)

// counterMsg adds add to the count, or, with a reply, asks for it.
type counterMsg struct {
	add   int
	reply actor.Reply[int]
}

func spawnCounter(ctx context.Context, opts ...actor.Option) *actor.Ref[counterMsg] {
	return actor.Spawn(ctx, func() int { return 0 }, func(_ context.Context, n *int, m counterMsg) {
		*n += m.add
		m.reply.Send(*n)
	}, opts...)
}

func askCount(t *testing.T, ref *actor.Ref[counterMsg]) int {
	t.Helper()
	n, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) counterMsg { return counterMsg{reply: r} })
	if err != nil {
		t.Fatalf("Ask() error = %v, want nil", err)
	}
	return n
}

func TestStateConfinement(t *testing.T) {
	const senders, each = 64, 1000
	// The state records, per sender, the last sequence number seen, so that
	// one sender's messages are checked to arrive in its send order.
	type seqMsg struct {
		sender, seq int
		reply       actor.Reply[int]
	}
	type state struct {
		total    int
		last     [senders]int
		outOfLin int
	}
	ref := actor.Spawn(context.Background(), func() *state { return &state{} },
		func(_ context.Context, s **state, m seqMsg) {
			st := *s
			if m.reply != (actor.Reply[int]{}) {
				m.reply.Send(st.total*1000 + st.outOfLin)
				return
			}
			if m.seq != st.last[m.sender]+1 {
				st.outOfLin++
			}
			st.last[m.sender] = m.seq
			st.total++
		})
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			for i := 1; i <= each; i++ {
				if err := ref.Tell(context.Background(), seqMsg{sender: s, seq: i}); err != nil {
					t.Errorf("Tell() = %v, want nil", err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) seqMsg { return seqMsg{reply: r} })
	if err != nil {
		t.Fatalf("Ask() error = %v", err)
	}
	if total, disorder := got/1000, got%1000; total != senders*each || disorder != 0 {
		t.Errorf("handled %d messages with %d out of send order, want %d and 0", total, disorder, senders*each)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
}

// TestTellWaitsWhileFullUntilCtxDone runs in a bubble: the deadline passes
// in fake time, as soon as every goroutine is blocked.
func TestTellWaitsWhileFullUntilCtxDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		ref := actor.Spawn(context.Background(), func() int { return 0 }, func(context.Context, *int, int) { <-gate },
			actor.Mailbox(1))
		defer ref.Stop()
		defer close(gate)
		if err := ref.Tell(context.Background(), 1); err != nil {
			t.Fatalf("Tell() = %v", err)
		}
		synctest.Wait() // 1 is in receive: it does not count
		if !ref.TryTell(2) {
			t.Fatal("TryTell() = false on an empty mailbox, want true")
		}
		if ref.TryTell(3) {
			t.Fatal("TryTell() = true on a full mailbox, want false")
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := ref.Tell(ctx, 3); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Tell() on a full mailbox = %v, want context.DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != time.Minute {
			t.Errorf("Tell() returned after %v, want exactly the deadline, 1m0s", waited)
		}
		ctx, cancelCause := context.WithCancelCause(context.Background())
		cancelCause(errors.New("gave up"))
		if err := ref.Tell(ctx, 4); err != context.Canceled {
			t.Errorf("Tell() with a cancelled ctx = %v, want ctx.Err(), context.Canceled", err)
		}
		if s := ref.Stats(); s.Waiting != 1 || s.Submitted != 2 || s.Refused != 3 || s.Running != 1 {
			t.Errorf("Stats() = %+v, want 2 submitted, 1 waiting, 1 running, 3 refused", s)
		}
	})
}

func TestTellToItselfWithFullMailbox(t *testing.T) {
	errc := make(chan error, 1)
	var self *actor.Ref[int]
	self = actor.Spawn(context.Background(), func() int { return 0 }, func(ctx context.Context, _ *int, m int) {
		if m != 0 {
			return
		}
		for i := 0; ; i++ {
			if err := self.Tell(ctx, 1); err != nil {
				errc <- err
				return
			}
			if i > 100 {
				errc <- nil
				return
			}
		}
	}, actor.Mailbox(4))
	if err := self.Tell(context.Background(), 0); err != nil {
		t.Fatalf("Tell() = %v", err)
	}
	if err := <-errc; !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Tell to itself with a full mailbox = %v, want tame.ErrDeadlock", err)
	}
	if err := self.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
}

// TestStats follows the counters through a blocked receive, a panic with a
// restart, refusals and Stop, in a bubble so that every step is settled.
func TestStats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		ref := actor.Spawn(context.Background(), func() int { return 0 }, func(_ context.Context, _ *int, m int) {
			if m < 0 {
				panic("negative")
			}
			if m == 0 {
				<-gate
			}
		}, actor.Restart(5, time.Hour), actor.Mailbox(3))
		tell := func(m int) {
			t.Helper()
			if err := ref.Tell(context.Background(), m); err != nil {
				t.Fatalf("Tell(%d) = %v", m, err)
			}
		}
		tell(0)
		synctest.Wait()
		for _, m := range []int{1, 2, 3} {
			tell(m)
		}
		if ref.TryTell(4) {
			t.Error("TryTell() = true with 3 waiting in a mailbox of 3, want false")
		}
		want := actor.Stats{Submitted: 4, Refused: 1, Waiting: 3, MaxWaiting: 3, Running: 1}
		if got := ref.Stats(); got != want {
			t.Errorf("Stats() while the first message blocks = %+v, want %+v", got, want)
		}
		close(gate)
		synctest.Wait()
		tell(-1)
		synctest.Wait()
		want = actor.Stats{Submitted: 5, Refused: 1, MaxWaiting: 3, Completed: 4, Failed: 1, Restarts: 1}
		if got := ref.Stats(); got != want {
			t.Errorf("Stats() after a panic and a restart = %+v, want %+v", got, want)
		}
		tell(5)
		if err := ref.Stop(); countPanics(err) != 1 {
			t.Errorf("Stop() = %v, want the panic", err)
		}
		if ref.TryTell(6) {
			t.Error("TryTell() = true after Stop, want false")
		}
		want = actor.Stats{Submitted: 6, Refused: 2, MaxWaiting: 3, Completed: 5, Failed: 1, Restarts: 1, Stopped: true}
		if got := ref.Stats(); got != want {
			t.Errorf("Stats() after Stop = %+v, want %+v", got, want)
		}
	})
}

func TestBadInputPanics(t *testing.T) {
	ctx := context.Background()
	var nilCtx context.Context
	initFn := func() int { return 0 }
	recv := func(context.Context, *int, int) {}
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"nil init", func() { actor.Spawn[int, int](ctx, nil, recv) }, "actor: Spawn needs an init function, got nil"},
		{"nil receive", func() { actor.Spawn[int, int](ctx, initFn, nil) }, "actor: Spawn needs a receive function, got nil"},
		{"mailbox 0", func() { actor.Mailbox(0) }, "actor: mailbox capacity must be at least 1, got 0"},
		{"mailbox -3", func() { actor.Mailbox(-3) }, "actor: mailbox capacity must be at least 1, got -3"},
		{"restarts 0", func() { actor.Restart(0, time.Second) }, "actor: maxRestarts must be at least 1, got 0"},
		{"window 0", func() { actor.Restart(1, 0) }, "actor: restart window must be positive, got 0s"},
		{"nil OnPanic", func() { actor.OnPanic(nil) }, "actor: OnPanic needs a function, got nil"},
		{"nil DeadLetter", func() { actor.DeadLetter[int](nil) }, "actor: DeadLetter needs a function, got nil"},
		{"DeadLetter type", func() { actor.Spawn(ctx, initFn, recv, actor.DeadLetter(func(string) {})) },
			"actor: DeadLetter handler is func(string), want func(int) for this actor's messages"},
		{"nil Option", func() { actor.Spawn(ctx, initFn, recv, nil) }, "actor: nil Option"},
		{"nil Ask msg", func() {
			ref := actor.Spawn(ctx, initFn, recv)
			defer ref.Stop()
			_, _ = actor.Ask[int, int](ctx, ref, nil)
		}, "actor: Ask needs a msg function, got nil"},
		{"nil Ask ref", func() {
			_, _ = actor.Ask(ctx, (*actor.Ref[int])(nil), func(actor.Reply[int]) int { return 0 })
		}, "actor: Ask needs a Ref, got nil"},
		{"Spawn nil ctx", func() { actor.Spawn(nilCtx, initFn, recv) }, "actor: Spawn called with a nil context"},
		{"Tell nil ctx", func() {
			ref := actor.Spawn(ctx, initFn, recv)
			defer ref.Stop()
			_ = ref.Tell(nilCtx, 1)
		}, "actor: Tell called with a nil context"},
		{"Ask nil ctx", func() {
			ref := actor.Spawn(ctx, initFn, recv)
			defer ref.Stop()
			_, _ = actor.Ask(nilCtx, ref, func(actor.Reply[int]) int { return 0 })
		}, "actor: Ask called with a nil context"},
		{"Shutdown nil ctx", func() {
			ref := actor.Spawn(ctx, initFn, recv)
			defer ref.Stop()
			_ = ref.Shutdown(nilCtx)
		}, "actor: Shutdown called with a nil context"},
		{"NewSupervisor nil ctx", func() { actor.NewSupervisor(nilCtx, 1, time.Second) }, "actor: NewSupervisor called with a nil context"},
		{"supervisor restarts 0", func() { actor.NewSupervisor(ctx, 0, time.Second) }, "actor: maxRestarts must be at least 1, got 0"},
		{"Supervise with Restart", func() {
			s := actor.NewSupervisor(ctx, 1, time.Second)
			defer s.Stop()
			_, _ = actor.Supervise(s, initFn, recv, actor.Restart(1, time.Second))
		}, "actor: a supervised actor restarts under its Supervisor's policy; do not pass Restart to Supervise"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if got := recover(); got != tt.want {
					t.Errorf("panic = %v, want %q", got, tt.want)
				}
			}()
			tt.call()
		})
	}
}
