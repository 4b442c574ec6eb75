package actor_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/leaktest"
)

func TestAskStoppedActor(t *testing.T) {
	ref := spawnCounter(context.Background())
	if err := ref.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	_, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) counterMsg { return counterMsg{reply: r} })
	if !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Ask() to a stopped actor = %v, want tame.ErrClosed", err)
	}
}

func TestAskActorStopsBeforeReplying(t *testing.T) {
	base := runtime.NumGoroutine()
	kept := make(chan actor.Reply[int], 1)
	ref := actor.Spawn(context.Background(), func() int { return 0 }, func(_ context.Context, _ *int, r actor.Reply[int]) {
		kept <- r // keeps the reply, never answers
	})
	done := make(chan error)
	go func() {
		_, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) actor.Reply[int] { return r })
		done <- err
	}()
	r := <-kept
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	if err := <-done; !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Ask() whose actor stopped without replying = %v, want tame.ErrClosed", err)
	}
	r.Send(1) // late: dropped, never blocks
	leaktest.Back(t, base)
}

// TestLateReplyDropped keeps the Reply of an ask whose ctx expired and sends
// it during every later ask: the late answer must never reach them, although
// the reply cells are reused.
func TestLateReplyDropped(t *testing.T) {
	base := runtime.NumGoroutine()
	type msg struct {
		v     int
		reply actor.Reply[int]
		stale *actor.Reply[int]
	}
	gate := make(chan struct{})
	held := make(chan actor.Reply[int], 1)
	ref := actor.Spawn(context.Background(), func() int { return 0 }, func(_ context.Context, _ *int, m msg) {
		if m.v == -1 {
			held <- m.reply
			<-gate
			return
		}
		if m.stale != nil {
			m.stale.Send(-1) // a reply for an ask that gave up
		}
		m.reply.Send(m.v)
	})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) msg { return msg{v: -1, reply: r} })
		errc <- err
	}()
	stale := <-held
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Ask() whose ctx was cancelled = %v, want context.Canceled", err)
	}
	close(gate)
	stale.Send(-1) // the asker is gone: dropped
	for i := range 200 {
		got, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) msg { return msg{v: i, reply: r, stale: &stale} })
		if got != i || err != nil {
			t.Fatalf("Ask #%d = %d, %v; want %d, nil (a stale reply leaked into a later ask)", i, got, err, i)
		}
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	leaktest.Back(t, base)
}

func TestAskDoneContext(t *testing.T) {
	ref := spawnCounter(context.Background())
	defer ref.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) counterMsg { return counterMsg{add: 1, reply: r} }); !errors.Is(err, context.Canceled) {
		t.Errorf("Ask() with a done ctx = %v, want context.Canceled", err)
	}
	if got := askCount(t, ref); got != 0 {
		t.Errorf("count = %d, want 0: an Ask with a done ctx must send nothing", got)
	}
}

func TestAskItself(t *testing.T) {
	errc := make(chan error, 1)
	var ref *actor.Ref[counterMsg]
	ref = actor.Spawn(context.Background(), func() int { return 0 }, func(ctx context.Context, n *int, m counterMsg) {
		if m.add == 1 {
			_, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) counterMsg { return counterMsg{reply: r} })
			errc <- err
		}
	})
	if err := ref.Tell(context.Background(), counterMsg{add: 1}); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Ask() to itself = %v, want tame.ErrDeadlock", err)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
}

// hop is a message that is forwarded along path with an Ask at each step.
type hop struct {
	path  []*actor.Ref[hop]
	reply actor.Reply[error]
}

func forward(ctx context.Context, _ *struct{}, m hop) {
	if len(m.path) == 0 {
		m.reply.Send(nil)
		return
	}
	answer, err := actor.Ask(ctx, m.path[0], func(r actor.Reply[error]) hop { return hop{path: m.path[1:], reply: r} })
	m.reply.Send(errors.Join(answer, err))
}

func TestAskCycle(t *testing.T) {
	ctx := context.Background()
	none := func() struct{} { return struct{}{} }
	a := actor.Spawn(ctx, none, forward)
	b := actor.Spawn(ctx, none, forward)
	c := actor.Spawn(ctx, none, forward)
	tests := []struct {
		name     string
		first    *actor.Ref[hop]
		path     []*actor.Ref[hop]
		deadlock bool
	}{
		{"A→B", a, []*actor.Ref[hop]{b}, false},
		{"A→B→C", a, []*actor.Ref[hop]{b, c}, false},
		{"A→B→A", a, []*actor.Ref[hop]{b, a}, true},
		{"A→B→C→A", a, []*actor.Ref[hop]{b, c, a}, true},
		{"A→B→C→B", a, []*actor.Ref[hop]{b, c, b}, true},
		{"A→B, then B→C→A after A answered", b, []*actor.Ref[hop]{c, a}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer, err := actor.Ask(ctx, tt.first, func(r actor.Reply[error]) hop { return hop{path: tt.path, reply: r} })
			if err != nil {
				t.Fatalf("Ask() error = %v", err)
			}
			if got := errors.Is(answer, tame.ErrDeadlock); got != tt.deadlock {
				t.Errorf("answer = %v; ErrDeadlock = %t, want %t", answer, got, tt.deadlock)
			}
		})
	}
	for _, r := range []*actor.Ref[hop]{a, b, c} {
		if err := r.Stop(); err != nil {
			t.Errorf("Stop() = %v", err)
		}
	}
}

func TestAskReceivePanics(t *testing.T) {
	ref := actor.Spawn(context.Background(), wordInit, wordReceive, actor.Restart(3, time.Hour))
	_, err := askWords(ref, "panic")
	var pe *tame.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" {
		t.Errorf("Ask() whose receive panicked = %v, want an error wrapping the *tame.PanicError", err)
	}
	if got, err := askWords(ref, "next"); err != nil || len(got) != 2 {
		t.Errorf("Ask() after the restart = %v, %v; want [init next], nil", got, err)
	}
	if err := ref.Stop(); !errors.As(err, &pe) {
		t.Errorf("Stop() = %v, want the panic", err)
	}
}

// TestAsksAnsweredLater keeps the Replies of many asks in the state and
// answers some of them later: those get their answer, the others fail when
// the actor stops.
func TestAsksAnsweredLater(t *testing.T) {
	base := runtime.NumGoroutine()
	type msg struct {
		answerAll bool
		reply     actor.Reply[int]
	}
	ref := actor.Spawn(context.Background(), func() []actor.Reply[int] { return nil },
		func(_ context.Context, kept *[]actor.Reply[int], m msg) {
			if !m.answerAll {
				*kept = append(*kept, m.reply)
				return
			}
			for i, r := range *kept {
				if i%2 == 0 {
					r.Send(i)
				}
			}
			*kept = nil
		})
	const n = 300
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) msg { return msg{reply: r} })
			errs <- err
		}()
	}
	for ref.Stats().Completed < n {
		runtime.Gosched()
	}
	_ = ref.Tell(context.Background(), msg{answerAll: true})
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	answered, closed := 0, 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			answered++
		case errors.Is(err, tame.ErrClosed):
			closed++
		default:
			t.Errorf("Ask() = %v, want nil or tame.ErrClosed", err)
		}
	}
	if answered != n/2 || closed != n/2 {
		t.Errorf("%d answered, %d failed with ErrClosed; want %d and %d", answered, closed, n/2, n/2)
	}
	leaktest.Back(t, base)
}

// TestTellToWaitingAsker: B, handling A's ask, tells A twice: the first
// Tell fills A's mailbox; for the second only A could make room, and A waits
// for B, so it fails at once with ErrDeadlock instead of waiting.
func TestTellToWaitingAsker(t *testing.T) {
	type msg struct {
		to    *actor.Ref[msg] // A: ask to; B: tell to
		reply actor.Reply[error]
	}
	none := func() struct{} { return struct{}{} }
	var a *actor.Ref[msg]
	b := actor.Spawn(context.Background(), none, func(ctx context.Context, _ *struct{}, m msg) {
		first := m.to.Tell(ctx, msg{})
		if first != nil {
			t.Errorf("B's first Tell to A (room for one) = %v, want nil", first)
		}
		m.reply.Send(m.to.Tell(ctx, msg{}))
	})
	a = actor.Spawn(context.Background(), none, func(ctx context.Context, _ *struct{}, m msg) {
		if m.to == nil {
			return
		}
		answer, err := actor.Ask(ctx, m.to, func(r actor.Reply[error]) msg { return msg{to: a, reply: r} })
		m.reply.Send(errors.Join(answer, err))
	}, actor.Mailbox(1))
	got, err := actor.Ask(context.Background(), a, func(r actor.Reply[error]) msg { return msg{to: b, reply: r} })
	if err != nil || !errors.Is(got, tame.ErrDeadlock) {
		t.Errorf("B's Tell to A (full, waiting on B) = %v, %v; want tame.ErrDeadlock", got, err)
	}
	for _, r := range []*actor.Ref[msg]{a, b} {
		if err := r.Stop(); err != nil {
			t.Errorf("Stop() = %v", err)
		}
	}
}
