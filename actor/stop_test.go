package actor_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/leaktest"
)

func TestStopHandlesAcceptedThenEnds(t *testing.T) {
	base := runtime.NumGoroutine()
	gate := make(chan struct{})
	var handled atomic.Int64
	ref := actor.Spawn(context.Background(), func() int { return 0 }, func(_ context.Context, _ *int, m int) {
		if m == 0 {
			<-gate
		}
		handled.Add(1)
	}, actor.Mailbox(8))
	for i := range 8 {
		if err := ref.Tell(context.Background(), i); err != nil {
			t.Fatalf("Tell(%d) = %v", i, err)
		}
	}
	stopped := make(chan error)
	go func() { stopped <- ref.Stop() }()
	// Once Stop has begun, Tell is refused; the accepted messages still run.
	for !ref.Stats().Stopped {
		runtime.Gosched()
	}
	if ref.TryTell(99) {
		t.Fatal("TryTell accepted a message after Stop")
	}
	if err := ref.Tell(context.Background(), 100); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Tell after Stop = %v, want tame.ErrClosed", err)
	}
	close(gate)
	if err := <-stopped; err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
	if got := handled.Load(); got != 8 {
		t.Errorf("handled %d messages, want the 8 accepted before Stop", got)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("second Stop() = %v, want nil", err)
	}
	leaktest.Back(t, base)
}

func TestSendersRacingStop(t *testing.T) {
	base := runtime.NumGoroutine()
	var handled atomic.Int64
	ref := actor.Spawn(context.Background(), func() int { return 0 },
		func(context.Context, *int, int) { handled.Add(1) }, actor.Mailbox(16))
	var accepted, refused atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 32 {
		wg.Go(func() {
			<-start
			for i := range 200 {
				err := ref.Tell(context.Background(), i)
				switch {
				case err == nil:
					accepted.Add(1)
				case errors.Is(err, tame.ErrClosed):
					refused.Add(1)
				default:
					t.Errorf("Tell() = %v, want nil or tame.ErrClosed", err)
				}
			}
		})
	}
	errs := make([]error, 4)
	var stops sync.WaitGroup
	for i := range errs {
		stops.Go(func() {
			<-start
			for range i * 50 {
				runtime.Gosched()
			}
			errs[i] = ref.Stop()
		})
	}
	close(start)
	stops.Wait()
	atStop := handled.Load()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Stop() #%d = %v, want nil", i, err)
		}
	}
	if got := handled.Load(); got != atStop {
		t.Errorf("handled %d messages after Stop returned, want none", got-atStop)
	}
	if a, h := accepted.Load(), handled.Load(); a != h {
		t.Errorf("accepted %d messages, handled %d; want equal", a, h)
	}
	if a, r := accepted.Load(), refused.Load(); a+r != 32*200 {
		t.Errorf("accepted %d + refused %d, want %d", a, r, 32*200)
	}
	leaktest.Back(t, base)
}

func TestStopFromInsideReceive(t *testing.T) {
	base := runtime.NumGoroutine()
	var ref *actor.Ref[string]
	var log []string // touched only by the actor, read after Stop
	innerStop := make(chan error, 1)
	told := make(chan struct{}) // closed once "b" is accepted: Stop must come after it
	ref = actor.Spawn(context.Background(), func() int { return 0 }, func(ctx context.Context, _ *int, m string) {
		log = append(log, m)
		if m == "stop" {
			<-told
			innerStop <- ref.Stop() // must not wait for itself
			if err := ref.Tell(ctx, "after"); !errors.Is(err, tame.ErrClosed) {
				t.Errorf("Tell to itself after its own Stop = %v, want tame.ErrClosed", err)
			}
		}
	})
	for _, m := range []string{"a", "stop", "b"} {
		if err := ref.Tell(context.Background(), m); err != nil {
			t.Fatalf("Tell(%q) = %v", m, err)
		}
	}
	close(told)
	if err := <-innerStop; !errors.Is(err, tame.ErrDeadlock) {
		t.Errorf("Stop() inside receive = %v, want tame.ErrDeadlock", err)
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
	if got, want := strings.Join(log, ","), "a,stop,b"; got != want {
		t.Errorf("handled %q, want %q (accepted messages are still handled)", got, want)
	}
	leaktest.Back(t, base)
}

func TestSpawnContextDoneStops(t *testing.T) {
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	gate := make(chan struct{})
	var handled atomic.Int64
	var sawDone atomic.Bool
	ref := actor.Spawn(ctx, func() int { return 0 }, func(ctx context.Context, _ *int, m int) {
		if m == 0 {
			<-gate
			<-ctx.Done() // the receive ctx ends with the spawn ctx
			sawDone.Store(true)
		}
		handled.Add(1)
	})
	for i := range 3 {
		if err := ref.Tell(context.Background(), i); err != nil {
			t.Fatalf("Tell() = %v", err)
		}
	}
	cancel()
	close(gate)
	if ref.TryTell(9) { // refused from the moment cancel returns
		t.Error("TryTell() = true once the spawn ctx was cancelled, want false")
	}
	if err := ref.Stop(); err != nil {
		t.Errorf("Stop() = %v, want nil", err)
	}
	if got := handled.Load(); got < 3 {
		t.Errorf("handled %d, want at least the 3 accepted before cancel", got)
	}
	if !sawDone.Load() {
		t.Error("receive ctx was not done after the spawn ctx was cancelled")
	}
	if err := ref.Tell(context.Background(), 1); !errors.Is(err, tame.ErrClosed) {
		t.Errorf("Tell after the spawn ctx ended = %v, want tame.ErrClosed", err)
	}
	leaktest.Back(t, base)
}

// TestStopReleasesWaitingSenders checks, in a bubble, that a Tell waiting
// for room in a full mailbox returns tame.ErrClosed once Stop is called,
// while the message already accepted is still handled.
func TestStopReleasesWaitingSenders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var got []int
		ref := actor.Spawn(context.Background(), func() int { return 0 }, func(_ context.Context, _ *int, m int) {
			<-gate
			got = append(got, m)
		}, actor.Mailbox(1))
		_ = ref.Tell(context.Background(), 1)
		synctest.Wait() // 1 is in receive: one more waits
		_ = ref.Tell(context.Background(), 2)
		errs := make(chan error, 2)
		for i := range 2 {
			go func() { errs <- ref.Tell(context.Background(), 10+i) }()
		}
		synctest.Wait() // both senders wait for room
		stopped := make(chan error)
		go func() { stopped <- ref.Stop() }()
		for range 2 {
			if err := <-errs; !errors.Is(err, tame.ErrClosed) {
				t.Errorf("waiting Tell() after Stop = %v, want tame.ErrClosed", err)
			}
		}
		close(gate)
		if err := <-stopped; err != nil {
			t.Errorf("Stop() = %v, want nil", err)
		}
		if !slices.Equal(got, []int{1, 2}) {
			t.Errorf("handled %v, want [1 2]", got)
		}
	})
}

// TestSpawnContextDoneRefusesAtOnce: an actor whose spawn ctx is done
// refuses as if Stop had been called: from the moment Spawn returns when
// the ctx was done before, and from the moment cancel returns otherwise.
func TestSpawnContextDoneRefusesAtOnce(t *testing.T) {
	base := runtime.NumGoroutine()
	for _, before := range []bool{true, false} {
		for range 50 {
			ctx, cancel := context.WithCancel(context.Background())
			if before {
				cancel()
			}
			var handled atomic.Int64
			ref := actor.Spawn(ctx, func() int { return 0 },
				func(context.Context, *int, int) { handled.Add(1) })
			cancel() // again, when it was done before: a no-op
			if err := ref.Tell(context.Background(), 1); !errors.Is(err, tame.ErrClosed) {
				t.Fatalf("Tell() once the spawn ctx is done (done before Spawn: %t) = %v, want tame.ErrClosed", before, err)
			}
			if ref.TryTell(2) {
				t.Fatalf("TryTell() once the spawn ctx is done (done before Spawn: %t) = true, want false", before)
			}
			_, err := actor.Ask(context.Background(), ref, func(actor.Reply[int]) int { return 3 })
			if !errors.Is(err, tame.ErrClosed) {
				t.Fatalf("Ask() once the spawn ctx is done (done before Spawn: %t) = %v, want tame.ErrClosed", before, err)
			}
			if !ref.Stats().Stopped {
				t.Fatalf("Stats().Stopped = false once the spawn ctx is done")
			}
			if err := ref.Stop(); err != nil || handled.Load() != 0 {
				t.Fatalf("Stop() = %v after %d handled, want nil after none", err, handled.Load())
			}
		}
	}
	leaktest.Back(t, base)
}
