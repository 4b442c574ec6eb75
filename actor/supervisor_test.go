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

func TestSupervisorOneForOne(t *testing.T) {
	base := runtime.NumGoroutine()
	sup := actor.NewSupervisor(context.Background(), 3, time.Hour)
	a, err := actor.Supervise(sup, wordInit, wordReceive)
	if err != nil {
		t.Fatalf("Supervise() = %v", err)
	}
	b, err := actor.Supervise(sup, wordInit, wordReceive)
	if err != nil {
		t.Fatalf("Supervise() = %v", err)
	}
	for _, m := range []struct {
		ref  *actor.Ref[wordMsg]
		word string
	}{{a, "a1"}, {b, "b1"}, {b, "panic"}} {
		if err := m.ref.Tell(context.Background(), wordMsg{word: m.word}); err != nil {
			t.Fatalf("Tell(%q) = %v", m.word, err)
		}
	}
	gotA, errA := askWords(a, "a2")
	gotB, errB := askWords(b, "b2")
	if errA != nil || errB != nil || !slices.Equal(gotA, []string{"init", "a1", "a2"}) || !slices.Equal(gotB, []string{"init", "b2"}) {
		t.Errorf("after b panicked: a = %v, %v; b = %v, %v; want a untouched [init a1 a2], b fresh [init b2]", gotA, errA, gotB, errB)
	}
	if ra, rb := a.Stats().Restarts, b.Stats().Restarts; ra != 0 || rb != 1 {
		t.Errorf("restarts: a %d, b %d; want 0, 1", ra, rb)
	}
	err = sup.Stop()
	var pe *tame.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" {
		t.Errorf("Stop() = %v, want b's panic", err)
	}
	if again := sup.Stop(); again != err {
		t.Errorf("second Stop() = %v, want the same %v", again, err)
	}
	if _, err := actor.Supervise(sup, wordInit, wordReceive); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Supervise() after Stop = %v, want tame.ErrClosed", err)
	}
	select {
	case <-sup.Done():
	default:
		t.Error("Done() not closed after Stop")
	}
	leaktest.Back(t, base)
}

// TestSupervisorStopOrder checks, with the children blocked in receive, that
// the Supervisor closes the latest child first and the next one only once
// that child has ended.
func TestSupervisorStopOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sup := actor.NewSupervisor(context.Background(), 1, time.Second)
		var kids []*actor.Ref[int]
		var gates []chan struct{}
		for range 3 {
			gate := make(chan struct{})
			k, err := actor.Supervise(sup, func() int { return 0 }, func(context.Context, *int, int) { <-gate })
			if err != nil {
				t.Fatalf("Supervise() = %v", err)
			}
			_ = k.Tell(context.Background(), 1)
			kids, gates = append(kids, k), append(gates, gate)
		}
		stopped := func() []bool {
			return []bool{kids[0].Stats().Stopped, kids[1].Stats().Stopped, kids[2].Stats().Stopped}
		}
		go sup.Stop()
		synctest.Wait()
		if got := stopped(); !slices.Equal(got, []bool{false, false, true}) {
			t.Errorf("stopping: %v, want only the last child", got)
		}
		close(gates[2])
		synctest.Wait()
		if got := stopped(); !slices.Equal(got, []bool{false, true, true}) {
			t.Errorf("after the last ended: %v, want the middle one stopping too", got)
		}
		close(gates[1])
		synctest.Wait()
		if got := stopped(); !slices.Equal(got, []bool{true, true, true}) {
			t.Errorf("after the middle one ended: %v, want all", got)
		}
		close(gates[0])
		if err := sup.Stop(); err != nil {
			t.Errorf("Stop() = %v, want nil", err)
		}
	})
}

// TestSupervisorIntensity checks, in fake time, that the children's restarts
// share one window and that going beyond it stops every child.
func TestSupervisorIntensity(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sup := actor.NewSupervisor(context.Background(), 2, time.Second)
		a, _ := actor.Supervise(sup, wordInit, wordReceive)
		b, _ := actor.Supervise(sup, wordInit, wordReceive)
		_ = a.Tell(context.Background(), wordMsg{word: "panic"})
		synctest.Wait()
		advance(1500 * time.Millisecond) // the first restart leaves the window
		_ = b.Tell(context.Background(), wordMsg{word: "panic"})
		_ = a.Tell(context.Background(), wordMsg{word: "panic"})
		synctest.Wait()
		if _, err := askWords(a, "alive"); err != nil {
			t.Fatalf("Ask() after 2 restarts in the window = %v, want nil", err)
		}
		_ = b.Tell(context.Background(), wordMsg{word: "panic"}) // the third in one second
		<-sup.Done()
		for i, k := range []*actor.Ref[wordMsg]{a, b} {
			if err := k.Tell(context.Background(), wordMsg{word: "x"}); !errors.Is(err, tame.ErrClosed) {
				t.Errorf("child %d: Tell() after the Supervisor gave up = %v, want tame.ErrClosed", i, err)
			}
		}
		err := sup.Stop()
		if got := countPanics(err); got != 4 {
			t.Errorf("Stop() reports %d panics, want 4: %v", got, err)
		}
	})
}

func countPanics(err error) int {
	if err == nil {
		return 0
	}
	if _, ok := err.(*tame.PanicError); ok {
		return 1
	}
	n := 0
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			n += countPanics(e)
		}
	}
	return n
}

func TestSupervisorContextDone(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	sup := actor.NewSupervisor(ctx, 1, time.Second)
	a, _ := actor.Supervise(sup, func() int { return 0 }, func(_ context.Context, n *int, m counterMsg) {
		*n += m.add
		m.reply.Send(*n)
	})
	_ = a.Tell(context.Background(), counterMsg{add: 2})
	cancel()
	<-sup.Done()
	if err := a.Tell(context.Background(), counterMsg{add: 1}); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Tell() after the supervisor's ctx ended = %v, want tame.ErrClosed", err)
	}
	if err := sup.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
	leaktest.Back(t, base)
}

func TestSupervisorStopFromChild(t *testing.T) {
	base := runtime.NumGoroutine()
	sup := actor.NewSupervisor(context.Background(), 1, time.Second)
	inner := make(chan error, 1)
	a, _ := actor.Supervise(sup, func() int { return 0 }, func(context.Context, *int, int) { inner <- sup.Stop() })
	_ = a.Tell(context.Background(), 1)
	if err := <-inner; !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Supervisor.Stop() from a child = %v, want tame.ErrDeadlock", err)
	}
	<-sup.Done()
	if err := sup.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
	leaktest.Back(t, base)
}
