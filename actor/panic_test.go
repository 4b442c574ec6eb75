package actor_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/leaktest"
)

// wordMsg appends word to the state; "panic", "nil" and "goexit" fail.
type wordMsg struct {
	word  string
	reply actor.Reply[[]string]
}

func wordInit() []string { return []string{"init"} }

func wordReceive(_ context.Context, s *[]string, m wordMsg) {
	switch m.word {
	case "panic":
		panic("boom")
	case "nil":
		panic(nil)
	case "goexit":
		runtime.Goexit()
	}
	*s = append(*s, m.word)
	m.reply.Send(slices.Clone(*s))
}

func askWords(ref *actor.Ref[wordMsg], word string) ([]string, error) {
	return actor.Ask(context.Background(), ref, func(r actor.Reply[[]string]) wordMsg { return wordMsg{word: word, reply: r} })
}

// TestPanicWithoutRestartStops checks that without Restart a panic stops the
// actor: pending asks fail at once, the other messages left go to the
// dead-letter handler in order and are counted in Stop's result.
func TestPanicWithoutRestartStops(t *testing.T) {
	for _, fail := range []string{"panic", "goexit"} {
		t.Run(fail, func(t *testing.T) {
			base := runtime.NumGoroutine()
			gate := make(chan struct{})
			var dead []string // touched by the actor's goroutine, read after Stop
			ref := actor.Spawn(context.Background(), wordInit, func(ctx context.Context, s *[]string, m wordMsg) {
				if m.word == "wait" {
					<-gate
				}
				wordReceive(ctx, s, m)
			}, actor.DeadLetter(func(m wordMsg) { dead = append(dead, m.word) }))
			for _, w := range []string{"wait", fail, "x", "y"} {
				if err := ref.Tell(context.Background(), wordMsg{word: w}); err != nil {
					t.Fatalf("Tell(%q) = %v", w, err)
				}
			}
			askErr := make(chan error)
			go func() {
				_, err := askWords(ref, "z")
				askErr <- err
			}()
			for ref.Stats().Waiting < 4 { // "wait" is in receive
				runtime.Gosched()
			}
			close(gate)
			if err := <-askErr; !errors.Is(err, tame.ErrClosed) {
				t.Errorf("pending Ask() after the panic = %v, want tame.ErrClosed", err)
			}
			err := ref.Stop()
			var pe *tame.PanicError
			var dl *actor.DeadLetterError
			if !errors.As(err, &pe) || !errors.As(err, &dl) || dl.Count != 2 {
				t.Errorf("Stop() = %v, want the panic joined with 2 dead letters", err)
			}
			if want := []string{"x", "y"}; !slices.Equal(dead, want) {
				t.Errorf("dead letters = %v, want %v", dead, want)
			}
			if err := ref.Tell(context.Background(), wordMsg{word: "late"}); !errors.Is(err, tame.ErrClosed) {
				t.Errorf("Tell() after the actor stopped on a panic = %v, want tame.ErrClosed", err)
			}
			leaktest.Back(t, base)
		})
	}
}

// TestPanicInPendingAsk checks that the asks stuck behind a panic that stops
// the actor fail at once, before the dead letters in front of them are
// handed to a handler that waits for those asks (in a bubble: if they did
// not fail first, the bubble would deadlock and the test fail).
func TestPanicInPendingAsk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		asksDone := make(chan struct{})
		var dead []string
		ref := actor.Spawn(context.Background(), wordInit, func(ctx context.Context, s *[]string, m wordMsg) {
			<-gate
			wordReceive(ctx, s, m)
		}, actor.DeadLetter(func(m wordMsg) {
			<-asksDone
			dead = append(dead, m.word)
		}))
		_ = ref.Tell(context.Background(), wordMsg{word: "panic"})
		_ = ref.Tell(context.Background(), wordMsg{word: "x"})
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				_, err := askWords(ref, "q")
				errs <- err
			}()
		}
		synctest.Wait()
		close(gate)
		for range 3 {
			if err := <-errs; !errors.Is(err, tame.ErrClosed) {
				t.Errorf("pending Ask() = %v, want tame.ErrClosed", err)
			}
		}
		close(asksDone)
		var dl *actor.DeadLetterError
		if err := ref.Stop(); !errors.As(err, &dl) || dl.Count != 1 || !slices.Equal(dead, []string{"x"}) {
			t.Errorf("Stop() = %v, dead letters %v; want 1 dead letter [x] (failed asks are not dead letters)", err, dead)
		}
		if s := ref.Stats(); s.Completed+s.Failed != s.Submitted || s.Completed != 0 {
			t.Errorf("Stats() = %+v, want none completed, every message failed (dead letters and failed asks are not handled)", s)
		}
	})
}

func TestHandlerPanicsAreKept(t *testing.T) {
	base := runtime.NumGoroutine()
	ref := actor.Spawn(context.Background(), wordInit, wordReceive,
		actor.OnPanic(func(*tame.PanicError) { panic("handler") }),
		actor.DeadLetter(func(wordMsg) { runtime.Goexit() }))
	_ = ref.Tell(context.Background(), wordMsg{word: "a"})
	_ = ref.Tell(context.Background(), wordMsg{word: "panic"})
	_ = ref.Tell(context.Background(), wordMsg{word: "x"})
	_ = ref.Tell(context.Background(), wordMsg{word: "y"})
	err := ref.Stop()
	var values []any
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var pe *tame.PanicError
		if errors.As(e, &pe) {
			values = append(values, pe.Value)
		}
	}
	if len(values) < 1 || values[0] != "boom" {
		t.Errorf("Stop() = %v, want the receive panic first", err)
	}
	if n := countPanics(err); n < 2 {
		t.Errorf("Stop() reports %d panics, want the receive panic plus the handlers' failures", n)
	}
	leaktest.Back(t, base)
}

// TestPendingAskFailsBeforeOnPanic: when a panic stops the actor, the asks
// waiting in its mailbox fail at once, not after OnPanic returns: an
// OnPanic that waits for them does not deadlock (in a bubble: a wait would
// leave every goroutine blocked).
func TestPendingAskFailsBeforeOnPanic(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate, asked := make(chan struct{}), make(chan struct{})
		ref := actor.Spawn(context.Background(), wordInit,
			func(ctx context.Context, s *[]string, m wordMsg) {
				<-gate
				wordReceive(ctx, s, m)
			}, actor.OnPanic(func(*tame.PanicError) { <-asked }))
		_ = ref.Tell(context.Background(), wordMsg{word: "panic"})
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := askWords(ref, "q")
				errs <- err
			}()
		}
		synctest.Wait() // both asks wait in the mailbox
		close(gate)
		synctest.Wait() // the panic stopped the actor; OnPanic waits
		for range 2 {
			select {
			case err := <-errs:
				if !errors.Is(err, tame.ErrClosed) {
					t.Errorf("pending Ask() after the panic = %v, want tame.ErrClosed", err)
				}
			default:
				t.Errorf("a pending Ask() waits for OnPanic to return")
				close(asked)
				<-errs
				asked = nil
			}
		}
		if asked != nil {
			close(asked)
		}
		var pe *tame.PanicError
		if err := ref.Stop(); !errors.As(err, &pe) {
			t.Errorf("Stop() = %v, want the panic", err)
		}
	})
}

// TestStopReturnsJoinOfPanicErrors: Stop returns errors.Join of the
// *tame.PanicError of every failure, one element each, in order, as the
// other tame packages' Close does, followed by the *DeadLetterError when
// messages were left; not a join nested in a join.
func TestStopReturnsJoinOfPanicErrors(t *testing.T) {
	for _, stops := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			opts := []actor.Option{actor.Mailbox(8)}
			if !stops {
				opts = append(opts, actor.Restart(5, time.Hour))
			}
			gate := make(chan struct{})
			ref := actor.Spawn(context.Background(), wordInit,
				func(ctx context.Context, s *[]string, m wordMsg) {
					<-gate
					if m.word == "panic" && len(*s) > 1 { // the second panic is a nil one
						m.word = "nil"
					}
					wordReceive(ctx, s, m)
				}, opts...)
			for _, w := range []string{"panic", "a", "panic", "b"} {
				if err := ref.Tell(context.Background(), wordMsg{word: w}); err != nil {
					t.Fatalf("Tell(%q) = %v", w, err)
				}
			}
			close(gate)
			err := ref.Stop()
			joined, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("Stop() = %T %v, want errors.Join of the failures", err, err)
			}
			errs := joined.Unwrap()
			var want []string
			if stops {
				want = []string{"panic: boom", "actor: 3 messages left unhandled after the actor stopped on a panic"}
			} else {
				want = []string{"panic: boom", "panic: panic called with nil argument"}
			}
			if len(errs) != len(want) {
				t.Fatalf("Stop() joins %d errors (%q), want %d: %q", len(errs), err, len(want), want)
			}
			for i, e := range errs {
				if e.Error() != want[i] {
					t.Errorf("Stop() error %d = %q, want %q", i, e, want[i])
				}
			}
			if _, ok := errs[0].(*tame.PanicError); !ok {
				t.Errorf("Stop() error 0 is a %T, want *tame.PanicError", errs[0])
			}
		})
	}
}
