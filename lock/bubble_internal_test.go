package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// A lock must behave like a sync.Mutex with respect to testing/synctest
// bubbles: a value made outside a bubble (here, package-level zero values)
// works when it is contended inside a bubble and then outside, or the other
// way round. A channel of one bubble kept in the value and used later outside
// it kills the process ("fatal error: select on synctest channel from outside
// bubble"), and one made outside and used inside keeps the bubble from ever
// seeing its goroutines durably blocked (synctest.Wait hangs). Neither can be
// recovered, so each case runs in a child process: the test binary run again
// with bubbleEnv set.

const bubbleEnv = "TAME_LOCK_BUBBLE_CHILD"

// childWatchdog bounds a child that hangs (the second failure above).
const childWatchdog = 20 * time.Second

// The values the children contend, zero and package-level as in a program.
var (
	zeroDo, zeroDoContext Guarded[int]
	zeroRW                RWGuarded[int]
	zeroSnapshot          Snapshot[int]
	zeroA, zeroB          Guarded[int]
)

// bubbleCases contend each kind of lock value, with DoContext waiters where
// the value has a DoContext (their wake-up is the part that could keep a
// channel). In a bubble, only goroutines blocked on channels may be waiting
// when settle runs: one blocked on a sync.Mutex is never durably blocked.
var bubbleCases = map[string]func(t *testing.T, settle func(func() bool)){
	"Guarded.Do": func(t *testing.T, settle func(func() bool)) {
		contendGuarded(t, settle, &zeroDo, func(fn func(*int)) { zeroDo.Do(fn) })
	},
	"Guarded.DoContext": func(t *testing.T, settle func(func() bool)) {
		contendGuarded(t, settle, &zeroDoContext, func(fn func(*int)) {
			if err := zeroDoContext.DoContext(context.Background(), fn); err != nil {
				t.Errorf("holder's DoContext = %v, want nil", err)
			}
		})
	},
	"RWGuarded": func(t *testing.T, settle func(func() bool)) {
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{}, 2)
		go zeroRW.Write(func(n *int) { close(held); <-release; *n++ })
		<-held
		go func() { zeroRW.Read(func(int) {}); done <- struct{}{} }()
		go func() { zeroRW.Write(func(n *int) { *n++ }); done <- struct{}{} }()
		close(release)
		<-done
		<-done
	},
	"Snapshot": func(t *testing.T, settle func(func() bool)) {
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{}, 2)
		go zeroSnapshot.Update(func(old int) int { close(held); <-release; return old + 1 })
		<-held
		go func() { zeroSnapshot.Load(); done <- struct{}{} }()
		go func() { zeroSnapshot.Update(func(old int) int { return old + 1 }); done <- struct{}{} }()
		close(release)
		<-done
		<-done
	},
	"Both": func(t *testing.T, settle func(func() bool)) {
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 2)
		go Both(&zeroA, &zeroB, func(a, b *int) { close(held); <-release; *a++; *b++ })
		<-held
		// Both's release of a wakes this waiter.
		go func() { done <- zeroA.DoContext(context.Background(), func(a *int) { *a++ }) }()
		settle(func() bool { return zeroA.waiters.Load() == 1 })
		close(release)
		if err := <-done; err != nil {
			t.Errorf("DoContext waiting for Both = %v, want nil", err)
		}
		go func() { Both(&zeroB, &zeroA, func(b, a *int) { *a++; *b++ }); done <- nil }()
		<-done
	},
}

// contendGuarded holds g with hold while one DoContext waits for it and gets
// it, and another waits and gives up.
func contendGuarded(t *testing.T, settle func(func() bool), g *Guarded[int], hold func(func(*int))) {
	before := With(g, func(n *int) int { return *n })
	held, release := make(chan struct{}), make(chan struct{})
	go hold(func(n *int) { close(held); <-release; *n++ })
	<-held
	got, gaveUp := make(chan error), make(chan error)
	go func() { got <- g.DoContext(context.Background(), func(n *int) { *n++ }) }()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { gaveUp <- g.DoContext(ctx, func(n *int) { *n += 100 }) }()
	settle(func() bool { return g.waiters.Load() == 2 })
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Errorf("DoContext whose ctx ended while waiting = %v, want %v", err, context.Canceled)
	}
	close(release)
	if err := <-got; err != nil {
		t.Errorf("DoContext waiting for the lock = %v, want nil", err)
	}
	if n := With(g, func(n *int) int { return *n }); n != before+2 {
		t.Errorf("value = %d, want %d (the holder's and one waiter's increments)", n, before+2)
	}
}

// contendIn runs a bubble case inside a bubble or outside any.
func contendIn(t *testing.T, inBubble bool, c func(t *testing.T, settle func(func() bool))) {
	if inBubble {
		synctest.Test(t, func(t *testing.T) {
			c(t, func(cond func() bool) {
				synctest.Wait()
				if !cond() {
					t.Fatalf("the waiters are not waiting after synctest.Wait")
				}
			})
		})
		return
	}
	c(t, func(cond func() bool) {
		deadline := time.Now().Add(childWatchdog)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("the waiters are not waiting after %v", childWatchdog)
			}
			runtime.Gosched()
		}
	})
}

// TestBubbleChild is the child's side: it runs one case in the order that
// bubbleEnv names, then says so on a line of its own.
func TestBubbleChild(t *testing.T) {
	spec := os.Getenv(bubbleEnv)
	if spec == "" {
		t.Skip("run by TestValuesWorkInsideAndOutsideBubbles in a child process")
	}
	name, order, _ := strings.Cut(spec, ":")
	c := bubbleCases[name]
	if c == nil {
		t.Fatalf("unknown case %q", name)
	}
	first := order == "inside-first"
	contendIn(t, first, c)
	contendIn(t, !first, c)
	contendIn(t, first, c)
	if !t.Failed() {
		fmt.Println("bubble child passed:", spec)
	}
}

func TestValuesWorkInsideAndOutsideBubbles(t *testing.T) {
	if os.Getenv(bubbleEnv) != "" {
		t.Skip("in the child")
	}
	for name := range bubbleCases {
		for _, order := range []string{"inside-first", "outside-first"} {
			t.Run(name+"/"+order, func(t *testing.T) {
				spec := name + ":" + order
				ctx, cancel := context.WithTimeout(t.Context(), childWatchdog)
				defer cancel()
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBubbleChild$", "-test.count=1",
					"-test.timeout="+(childWatchdog/2).String())
				// A race-enabled binary waits a second at exit unless told not to.
				gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
				cmd.Env = append(os.Environ(), bubbleEnv+"="+spec, "GORACE="+gorace)
				out, err := cmd.CombinedOutput()
				if err != nil || !strings.Contains(string(out), "bubble child passed: "+spec) {
					t.Fatalf("child (%s) = %v, want it to pass; output:\n%s", spec, err, out)
				}
			})
		}
	}
}
