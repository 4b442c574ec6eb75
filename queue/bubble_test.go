package queue_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame/queue"
)

// A queue made outside a synctest bubble must work inside one and outside
// again, in any order, as a sync.Mutex does: a channel or timer made inside
// a bubble and kept by the queue would crash the process when used outside
// (a fatal error, not a panic), so each scenario runs in a child process.

const bubbleEnv = "QUEUE_TEST_BUBBLE_SCENARIO"

// A heldQueue is a queue of capacity 1 made outside any bubble, whose
// handler holds each call until release is sent to.
type heldQueue struct {
	push    func(ctx context.Context, v int) error
	blocked func() int
	close   func() error
	release chan struct{}
}

func heldQueues() map[string]func() heldQueue {
	return map[string]func() heldQueue{
		"queue": func() heldQueue {
			release := make(chan struct{})
			q := queue.New(1, func(int) { <-release })
			return heldQueue{q.Push, func() int { return q.Stats().Blocked }, q.Close, release}
		},
		"keyed": func() heldQueue {
			release := make(chan struct{})
			q := queue.NewKeyed(1, 1, func(string, int) { <-release })
			push := func(ctx context.Context, v int) error { return q.Push(ctx, "k", v) }
			return heldQueue{push, func() int { return q.Stats().Blocked }, q.Close, release}
		},
	}
}

// waitAndRelease makes a Push wait on the full queue, then lets a call
// return and checks the Push is accepted; then makes a Push wait and
// cancels it. The queue is full before and after.
func (h heldQueue) waitAndRelease(t *testing.T, v int) {
	done := make(chan error, 1)
	go func() { done <- h.push(context.Background(), v) }()
	for h.blocked() == 0 {
		runtime.Gosched() // (inside a bubble, a Push on this queue is not durably blocked)
	}
	h.release <- struct{}{}
	if err := <-done; err != nil {
		t.Errorf("waiting Push = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { done <- h.push(ctx, v+1) }()
	for h.blocked() == 0 {
		runtime.Gosched()
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("waiting Push cancelled = %v, want context.Canceled", err)
	}
}

// fill pushes the item the handler holds and the one that fills the queue.
func (h heldQueue) fill(t *testing.T) {
	for v := range 2 {
		if err := h.push(context.Background(), v); err != nil {
			t.Fatalf("Push = %v", err)
		}
	}
}

func (h heldQueue) end(t *testing.T) {
	close(h.release)
	if err := h.close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

func bubbleScenarios() map[string]func(t *testing.T) {
	m := map[string]func(t *testing.T){}
	for name, newQueue := range heldQueues() {
		m[name+"/inside-then-outside"] = func(t *testing.T) {
			h := newQueue()
			h.fill(t)
			synctest.Test(t, func(t *testing.T) { h.waitAndRelease(t, 10) })
			h.waitAndRelease(t, 20)
			h.end(t)
		}
		m[name+"/outside-then-inside"] = func(t *testing.T) {
			h := newQueue()
			h.fill(t)
			h.waitAndRelease(t, 10)
			synctest.Test(t, func(t *testing.T) { h.waitAndRelease(t, 20) })
			synctest.Test(t, func(t *testing.T) { h.waitAndRelease(t, 30) })
			h.waitAndRelease(t, 40)
			h.end(t)
		}
		m[name+"/first-push-inside"] = func(t *testing.T) {
			h := newQueue()
			synctest.Test(t, func(t *testing.T) {
				h.fill(t)
				h.waitAndRelease(t, 10)
			})
			h.waitAndRelease(t, 20)
			h.end(t)
		}
	}
	return m
}

// TestValuesMadeOutsideBubbles runs each scenario in a child process and
// checks that it passes: no fatal error, no hang.
func TestValuesMadeOutsideBubbles(t *testing.T) {
	if os.Getenv(bubbleEnv) != "" {
		t.Skip("in the child process")
	}
	for name := range bubbleScenarios() {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBubbleScenario$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), bubbleEnv+"="+name)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("scenario %s in a child process: %v\n%s", name, err, out)
			}
		})
	}
}

// TestBubbleScenario is the child process's test.
func TestBubbleScenario(t *testing.T) {
	name := os.Getenv(bubbleEnv)
	if name == "" {
		t.Skip("run by TestValuesMadeOutsideBubbles in a child process")
	}
	bubbleScenarios()[name](t)
}
