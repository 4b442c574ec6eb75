package actor

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/internal/ring"
)

// The tests of this file stand in for a producer that has reserved its
// position (its compare-and-swap on tail succeeded) and not written its
// message yet, a window too short for a stress test to hit reliably.

// reserve claims the next position of r's mailbox, the first half of
// TryTell, and returns the second: write the message and wake the actor.
func reserve[M any](t *testing.T, r *Ref[M]) (publish func(M)) {
	t.Helper()
	p, res := r.mb.Claim()
	if res != ring.Done {
		t.Fatalf("could not claim a position: %v", res)
	}
	return func(m M) { r.mb.Write(p, &envelope[M]{msg: m}) }
}

// TestStopWaitsForReservedMessage: the actor is parked on a position whose
// producer still writes, with a later message already published, when Stop
// wakes it. It waits for the message, handles both in order, and only then
// does Stop return.
func TestStopWaitsForReservedMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log []string
		r := Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m string) { log = append(log, m) })
		publish := reserve(t, r)
		if err := r.Tell(context.Background(), "second"); err != nil {
			t.Fatalf("Tell() = %v, want nil", err)
		}
		stopped := make(chan error, 1)
		go func() { stopped <- r.Stop() }()
		synctest.Wait()
		select {
		case err := <-stopped:
			t.Fatalf("Stop() = %v before the reserved message was written", err)
		default:
		}
		if len(log) != 0 {
			t.Fatalf("handled %q before the reserved message was written, want nothing", log)
		}
		publish("first")
		if err := <-stopped; err != nil {
			t.Errorf("Stop() = %v, want nil", err)
		}
		if want := []string{"first", "second"}; !slices.Equal(log, want) {
			t.Errorf("handled %q, want %q", log, want)
		}
	})
}

// TestFailureWaitsForReservedMessage: the actor fails, without Restart,
// while a producer still writes a message it has a position for, ahead of a
// published one. Emptying the mailbox waits for it: both are dead letters, in
// order, and Stop counts them.
func TestFailureWaitsForReservedMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var dead []string
		r := Spawn(context.Background(), func() int { return 0 },
			func(_ context.Context, _ *int, m string) {
				<-gate
				panic("boom")
			}, DeadLetter(func(m string) { dead = append(dead, m) }))
		if err := r.Tell(context.Background(), "fails"); err != nil {
			t.Fatalf("Tell() = %v, want nil", err)
		}
		synctest.Wait() // the actor handles "fails" and waits on gate
		publish := reserve(t, r)
		if err := r.Tell(context.Background(), "after"); err != nil {
			t.Fatalf("Tell() = %v, want nil", err)
		}
		close(gate)
		stopped := make(chan error, 1)
		go func() { stopped <- r.Stop() }()
		synctest.Wait()
		select {
		case err := <-stopped:
			t.Fatalf("Stop() = %v before the reserved message was written", err)
		default:
		}
		if len(dead) != 0 {
			t.Fatalf("dead letters %q before the reserved message was written, want none", dead)
		}
		publish("late")
		err := <-stopped
		var dl *DeadLetterError
		if !errors.As(err, &dl) || dl.Count != 2 {
			t.Errorf("Stop() = %v, want a DeadLetterError counting 2", err)
		}
		if want := []string{"late", "after"}; !slices.Equal(dead, want) {
			t.Errorf("dead letters %q, want %q", dead, want)
		}
		if s := r.Stats(); s.Waiting != 0 || s.Submitted != 3 || s.Failed != 3 || s.Completed != 0 || !s.Stopped {
			t.Errorf("Stats() = %+v, want 3 submitted, 3 failed, none waiting, stopped", s)
		}
	})
}
