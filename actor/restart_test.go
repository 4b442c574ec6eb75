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
		if s := ref.Stats(); s.Restarts != 5 || countPanics(err) != 6 || !s.Stopped {
			t.Errorf("Stats() = %+v, Stop() = %v; want 5 restarts, 6 panics, stopped", s, err)
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
	if err := ref.Stop(); countPanics(err) != 2 {
		t.Errorf("Stop() = %v, want the 2 init panics", err)
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
