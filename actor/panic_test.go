package actor_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
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

func TestRestartFreshState(t *testing.T) {
	for _, fail := range []string{"panic", "nil", "goexit"} {
		t.Run(fail, func(t *testing.T) {
			base := runtime.NumGoroutine()
			var told []*tame.PanicError
			var mu sync.Mutex
			ref := actor.Spawn(context.Background(), wordInit, wordReceive,
				actor.Restart(10, time.Hour),
				actor.OnPanic(func(pe *tame.PanicError) { mu.Lock(); told = append(told, pe); mu.Unlock() }))
			for _, w := range []string{"a", fail, "b"} {
				if err := ref.Tell(context.Background(), wordMsg{word: w}); err != nil {
					t.Fatalf("Tell(%q) = %v", w, err)
				}
			}
			got, err := askWords(ref, "c")
			if want := []string{"init", "b", "c"}; err != nil || !slices.Equal(got, want) {
				t.Errorf("after a %s: Ask() = %v, %v; want %v, nil (fresh state, failing message not retried, later ones handled)", fail, got, err, want)
			}
			mu.Lock()
			n := len(told)
			mu.Unlock()
			if n != 1 {
				t.Fatalf("OnPanic told %d times before the next message, want 1", n)
			}
			stopErr := ref.Stop()
			var pe *tame.PanicError
			if !errors.As(stopErr, &pe) || pe != told[0] {
				t.Errorf("Stop() = %v, want the PanicError told to OnPanic", stopErr)
			}
			switch fail {
			case "nil":
				var pn *runtime.PanicNilError
				if !errors.As(stopErr, &pn) {
					t.Errorf("Stop() = %v, want a *runtime.PanicNilError inside", stopErr)
				}
			case "goexit":
				if !errors.Is(stopErr, tame.ErrGoexit) {
					t.Errorf("Stop() = %v, want tame.ErrGoexit inside", stopErr)
				}
			}
			if again := ref.Stop(); again != stopErr {
				t.Errorf("second Stop() = %v, want the same value %v", again, stopErr)
			}
			if got := ref.Stats().Restarts; got != 1 {
				t.Errorf("Stats().Restarts = %d, want 1", got)
			}
			leaktest.Back(t, base)
		})
	}
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
			for ref.Stats().Mailbox < 5 {
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

// TestRestartWindow uses fake time: 2 restarts are allowed per second, so
// panics spread out keep the actor alive and the third within one second
// stops it.
func TestRestartWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var dead []string
		ref := actor.Spawn(context.Background(), wordInit, wordReceive,
			actor.Restart(2, time.Second),
			actor.DeadLetter(func(m wordMsg) { dead = append(dead, m.word) }))
		tell := func(w string) {
			t.Helper()
			if err := ref.Tell(context.Background(), wordMsg{word: w}); err != nil {
				t.Fatalf("Tell(%q) = %v", w, err)
			}
			synctest.Wait()
		}
		// Two panics 600 ms apart, then 600 ms later a third: the first has
		// left the window, so only two count and the actor restarts.
		for range 3 {
			tell("panic")
			advance(600 * time.Millisecond)
		}
		if got, err := askWords(ref, "alive"); err != nil || !slices.Equal(got, []string{"init", "alive"}) {
			t.Fatalf("after 3 spread-out panics: Ask() = %v, %v; want [init alive], nil", got, err)
		}
		if s := ref.Stats(); s.Restarts != 3 || s.Stopped {
			t.Fatalf("Stats() = %+v, want 3 restarts and not stopped", s)
		}
		// Now three quick ones: the third is beyond 2 in a second.
		advance(2 * time.Second)
		tell("panic")
		tell("panic")
		for _, w := range []string{"panic", "left1", "left2"} {
			if err := ref.Tell(context.Background(), wordMsg{word: w}); err != nil {
				t.Fatalf("Tell(%q) = %v", w, err)
			}
		}
		synctest.Wait()
		if _, err := askWords(ref, "late"); !errors.Is(err, tame.ErrClosed) {
			t.Errorf("Ask() after the restart limit = %v, want tame.ErrClosed", err)
		}
		err := ref.Stop()
		if s := ref.Stats(); s.Restarts != 5 || s.Panics != 6 || !s.Stopped {
			t.Errorf("Stats() = %+v, want 5 restarts, 6 panics, stopped", s)
		}
		var dl *actor.DeadLetterError
		if !errors.As(err, &dl) || dl.Count != 2 || !slices.Equal(dead, []string{"left1", "left2"}) {
			t.Errorf("Stop() = %v, dead letters %v; want 2 dead letters [left1 left2]", err, dead)
		}
	})
}

// advance lets fake time pass inside a synctest bubble.
func advance(d time.Duration) {
	<-time.After(d)
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
		if got := ref.Stats().Handled; got != 1 {
			t.Errorf("Stats().Handled = %d, want 1 (dead letters and failed asks are not handled)", got)
		}
	})
}

func TestInitPanics(t *testing.T) {
	base := runtime.NumGoroutine()
	calls := 0
	ref := actor.Spawn(context.Background(), func() int {
		calls++
		if calls <= 2 {
			panic("init failed")
		}
		return 7
	}, func(_ context.Context, n *int, m counterMsg) { m.reply.Send(*n) }, actor.Restart(5, time.Hour))
	got, err := actor.Ask(context.Background(), ref, func(r actor.Reply[int]) counterMsg { return counterMsg{reply: r} })
	if got != 7 || err != nil {
		t.Errorf("Ask() = %d, %v; want 7, nil after init failed twice", got, err)
	}
	if err := ref.Stop(); err == nil || ref.Stats().Panics != 2 {
		t.Errorf("Stop() = %v with %d panics, want the 2 init panics", err, ref.Stats().Panics)
	}
	leaktest.Back(t, base)

	gate := make(chan struct{})
	never := actor.Spawn(context.Background(), func() int { <-gate; panic("always") },
		func(context.Context, *int, int) { t.Error("receive ran without a state") })
	if err := never.Tell(context.Background(), 1); err != nil { // accepted before init fails
		t.Fatalf("Tell() = %v", err)
	}
	close(gate)
	var dl *actor.DeadLetterError
	if err := never.Stop(); !errors.As(err, &dl) || dl.Count != 1 {
		t.Errorf("Stop() = %v, want the init panic and 1 dead letter", err)
	}
}

func TestHandlerPanicsAreKept(t *testing.T) {
	base := runtime.NumGoroutine()
	ref := actor.Spawn(context.Background(), wordInit, wordReceive,
		actor.OnPanic(func(*tame.PanicError) { panic("handler") }),
		actor.DeadLetter(func(wordMsg) { runtime.Goexit() }))
	gate := make(chan struct{})
	_ = ref.Tell(context.Background(), wordMsg{word: "a"})
	_ = gate
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
	if s := ref.Stats(); s.Panics < 2 {
		t.Errorf("Stats().Panics = %d, want the receive panic plus the handlers' failures", s.Panics)
	}
	leaktest.Back(t, base)
}
