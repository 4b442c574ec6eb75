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

// TestShutdownBoundedByContext: Shutdown stops accepting at once, returns
// ctx.Err() when ctx ends first, and drops nothing: the actor goes on with
// what it accepted, and a later Stop waits for it.
func TestShutdownBoundedByContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var handled []int
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m int) {
				<-gate
				handled = append(handled, m)
			}, actor.Mailbox(4))
		for m := range 3 {
			if err := ref.Tell(context.Background(), m); err != nil {
				t.Fatalf("Tell(%d) = %v", m, err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := ref.Shutdown(ctx); err != context.DeadlineExceeded {
			t.Errorf("Shutdown() with the actor busy = %v, want context.DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != time.Second {
			t.Errorf("Shutdown() returned after %v, want the deadline, 1s", waited)
		}
		if err := ref.Tell(context.Background(), 9); !errors.Is(err, tame.ErrClosed) {
			t.Errorf("Tell() after Shutdown = %v, want tame.ErrClosed", err)
		}
		if s := ref.Stats(); !s.Stopped || s.Waiting != 2 || s.Running != 1 {
			t.Errorf("Stats() after Shutdown gave up = %+v, want stopped, 2 waiting, 1 running", s)
		}
		close(gate)
		if err := ref.Stop(); err != nil {
			t.Errorf("Stop() after Shutdown gave up = %v, want nil", err)
		}
		if !slices.Equal(handled, []int{0, 1, 2}) {
			t.Errorf("handled %v, want [0 1 2]: nothing accepted is dropped", handled)
		}
		if s := ref.Stats(); s.Submitted != 3 || s.Completed != 3 || s.Refused != 1 {
			t.Errorf("Stats() = %+v, want 3 submitted and completed, 1 refused", s)
		}
	})
}

// TestShutdownReturnsStopsResult: Shutdown of an actor that has handled
// everything returns what Stop returns, also with a ctx already done, and
// concurrent Stops and Shutdowns all return the same value.
func TestShutdownReturnsStopsResult(t *testing.T) {
	base := runtime.NumGoroutine()
	gate := make(chan struct{})
	ref := actor.Spawn(context.Background(), func() int { return 0 },
		func(_ context.Context, _ *int, m int) {
			<-gate
			if m == 1 {
				panic("boom")
			}
		}, actor.Restart(1, time.Hour))
	_ = ref.Tell(context.Background(), 0)
	_ = ref.Tell(context.Background(), 1)
	results := make([]error, 16)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			if i%2 == 0 {
				results[i] = ref.Stop()
			} else {
				results[i] = ref.Shutdown(context.Background())
			}
		})
	}
	close(gate)
	wg.Wait()
	var pe *tame.PanicError
	if !errors.As(results[0], &pe) || pe.Value != "boom" {
		t.Fatalf("Stop() = %v, want the panic", results[0])
	}
	for i, err := range results {
		if err != results[0] {
			t.Errorf("call %d returned %v, want the same value as the others, %v", i, err, results[0])
		}
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if err := ref.Shutdown(done); err != results[0] {
		t.Errorf("Shutdown(done ctx) after the end = %v, want Stop's result %v", err, results[0])
	}
	leaktest.Back(t, base)
}

// TestShutdownFromInsideReceive: Stop or Shutdown called on the actor's own
// goroutine returns at once with ErrDeadlock; the actor still handles what
// it accepted, then ends, and Stop from outside returns the real result.
func TestShutdownFromInsideReceive(t *testing.T) {
	for _, name := range []string{"Stop", "Shutdown"} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var ref *actor.Ref[string]
				var handled []string
				inner := make(chan error, 1)
				gate := make(chan struct{})
				ref = actor.Spawn(context.Background(), func() int { return 0 },
					func(ctx context.Context, _ *int, m string) {
						if m == "first" {
							<-gate // until "stop" and "after" are accepted
						}
						handled = append(handled, m)
						if m != "stop" {
							return
						}
						if name == "Stop" {
							inner <- ref.Stop()
						} else {
							inner <- ref.Shutdown(ctx)
						}
					}, actor.Mailbox(4))
				_ = ref.Tell(context.Background(), "first")
				for _, m := range []string{"stop", "after"} {
					if err := ref.Tell(context.Background(), m); err != nil {
						t.Fatalf("Tell(%q) = %v", m, err)
					}
				}
				close(gate)
				if err := <-inner; !errors.Is(err, tame.ErrDeadlock) {
					t.Errorf("%s() inside receive = %v, want tame.ErrDeadlock", name, err)
				}
				if err := ref.Tell(context.Background(), "late"); !errors.Is(err, tame.ErrClosed) {
					t.Errorf("Tell() after %s inside receive = %v, want tame.ErrClosed", name, err)
				}
				if err := ref.Stop(); err != nil {
					t.Errorf("Stop() from outside = %v, want nil", err)
				}
				if want := []string{"first", "stop", "after"}; !slices.Equal(handled, want) {
					t.Errorf("handled %q, want %q", handled, want)
				}
			})
		})
	}
}

// TestDoneContextRefuses: Tell and Ask given a ctx that is already done
// accept nothing, also with room in the mailbox, and return ctx.Err().
func TestDoneContextRefuses(t *testing.T) {
	ref := spawnCounter(context.Background())
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("the cause"))
	if err := ref.Tell(ctx, counterMsg{add: 1}); err != context.Canceled {
		t.Errorf("Tell(done ctx) = %v, want context.Canceled", err)
	}
	if _, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) counterMsg { return counterMsg{reply: r} }); err != context.Canceled {
		t.Errorf("Ask(done ctx) = %v, want context.Canceled", err)
	}
	if got := askCount(t, ref); got != 0 {
		t.Errorf("count = %d, want 0: nothing was accepted", got)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	if s := ref.Stats(); s.Submitted != 1 || s.Refused != 2 {
		t.Errorf("Stats() = %+v, want 1 submitted (the count Ask), 2 refused", s)
	}
}

// TestShutdownDoneContextIdle: Shutdown with a ctx already done, of an actor
// that has handled everything it accepted and is idle, returns Stop's
// result, not ctx.Err(): there is nothing left to wait for.
func TestShutdownDoneContextIdle(t *testing.T) {
	for _, failed := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			done, cancel := context.WithCancel(context.Background())
			cancel()
			ref := actor.Spawn(context.Background(), func() int { return 0 },
				func(_ context.Context, _ *int, m int) {
					if m < 0 {
						panic("boom")
					}
				}, actor.Restart(1, time.Hour))
			_ = ref.Tell(context.Background(), 1)
			if failed {
				_ = ref.Tell(context.Background(), -1)
			}
			synctest.Wait() // handled, restarted if it panicked, parked
			err := ref.Shutdown(done)
			if want := map[bool]int{false: 0, true: 1}[failed]; countPanics(err) != want || (!failed && err != nil) {
				t.Errorf("Shutdown(done ctx) of an idle actor = %v, want Stop's result (%d panics)", err, want)
			}
		})
	}
}

// TestConcurrentStopAndShutdownDoneCtxIdle: on an idle actor that has
// handled everything it accepted, Stops and Shutdowns with a ctx already
// done, called at once, all return Stop's result: whichever call closes the
// mailbox, the others see that nothing is left to wait for.
func TestConcurrentStopAndShutdownDoneCtxIdle(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for round := range 200 {
		synctest.Test(t, func(t *testing.T) {
			ref := actor.Spawn(context.Background(), func() int { return 0 },
				func(context.Context, *int, int) {})
			_ = ref.Tell(context.Background(), 1)
			synctest.Wait() // handled; the actor is parked
			errs := make([]error, 8)
			var wg sync.WaitGroup
			for i := range errs {
				wg.Go(func() {
					if i%2 == 0 {
						errs[i] = ref.Stop()
					} else {
						errs[i] = ref.Shutdown(done)
					}
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("round %d: call %d (Stop if even, Shutdown(done ctx) if odd) = %v, want nil: the actor was idle", round, i, err)
				}
			}
		})
	}
}

// TestShutdownDoneCtxFreshActor: an actor that accepted no message has
// handled everything it accepted, so Shutdown with a ctx already done, right
// after Spawn, returns Stop's result, not ctx.Err(), whether or not its
// goroutine has started.
func TestShutdownDoneCtxFreshActor(t *testing.T) {
	base := runtime.NumGoroutine()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for round := range 100 {
		ref := actor.Spawn(context.Background(), func() int { return 0 },
			func(context.Context, *int, int) {})
		if err := ref.Shutdown(done); err != nil {
			t.Fatalf("round %d: Shutdown(done ctx) right after Spawn = %v, want Stop's result, nil", round, err)
		}
		if err := ref.Stop(); err != nil {
			t.Fatalf("Stop() after Shutdown = %v, want the same result, nil", err)
		}
	}
	leaktest.Back(t, base)
}

// TestShutdownDoneCtxDuringInit: Shutdown with a ctx already done while init
// runs returns ctx.Err() at once, like for a busy receive: it does not wait
// for init, which may wait for the caller. The actor then ends on its own,
// and Stop returns nil.
func TestShutdownDoneCtxDuringInit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		done, cancel := context.WithCancel(context.Background())
		cancel()
		started, release := make(chan struct{}), make(chan struct{})
		ref := actor.Spawn(context.Background(), func() int {
			close(started)
			<-release
			return 0
		}, func(context.Context, *int, int) {})
		<-started
		got := make(chan error, 1)
		go func() { got <- ref.Shutdown(done) }()
		synctest.Wait()
		select {
		case err := <-got:
			if err != context.Canceled {
				t.Errorf("Shutdown(done ctx) while init runs = %v, want context.Canceled", err)
			}
		default:
			t.Errorf("Shutdown(done ctx) waits for init")
		}
		close(release)
		if err := ref.Stop(); err != nil {
			t.Errorf("Stop() = %v, want nil", err)
		}
	})
}
