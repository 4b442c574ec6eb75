package queue_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/queue"
)

// TestKeyedSlowKey checks that a key whose handler is stuck holds up only
// its own line: the other keys are handled meanwhile.
func TestKeyedSlowKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var mu sync.Mutex
		var got []string
		q := queue.NewKeyed(2, 100, func(key string, v int) {
			if key == "slow" && v == 0 {
				<-gate
			}
			mu.Lock()
			got = append(got, fmt.Sprint(key, v))
			mu.Unlock()
		})
		ctx := context.Background()
		q.Push(ctx, "slow", 0)
		q.Push(ctx, "slow", 1)
		for i := range 20 {
			q.Push(ctx, fmt.Sprint("k", i%3), i)
		}
		synctest.Wait() // everything that can run has run
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n != 20 {
			t.Errorf("handled %d items while key slow is stuck, want the 20 of the other keys", n)
		}
		if d := q.Len(); d != 1 {
			t.Errorf("Len() = %d, want 1 (slow 1)", d)
		}
		close(gate)
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if got[len(got)-2] != "slow0" || got[len(got)-1] != "slow1" {
			t.Errorf("handled %v, want slow0, slow1 last", got)
		}
	})
}

// TestKeyedTakesTurns checks that with one worker a hot key does not starve
// a key pushed after its backlog: ready keys take turns, one item each.
func TestKeyedTakesTurns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var got []string
		q := queue.NewKeyed(1, 200, func(key string, v int) {
			if key == "hot" && v == 0 {
				<-gate
			}
			got = append(got, fmt.Sprint(key, v))
		})
		ctx := context.Background()
		for i := range 100 {
			q.Push(ctx, "hot", i)
		}
		synctest.Wait() // hot 0 is being handled
		q.Push(ctx, "cold", 0)
		q.Push(ctx, "cold", 1)
		close(gate)
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		want := []string{"hot0", "cold0", "hot1", "cold1", "hot2"}
		if !slices.Equal(got[:5], want) {
			t.Errorf("handled %v first, want %v", got[:5], want)
		}
		var hot []string
		for _, s := range got {
			if strings.HasPrefix(s, "hot") {
				hot = append(hot, s)
			}
		}
		for i, s := range hot { // 100 items: across several chunks of the line
			if s != fmt.Sprint("hot", i) {
				t.Fatalf("hot item #%d handled is %s, want hot%d", i, s, i)
			}
		}
		if len(got) != 102 || len(hot) != 100 {
			t.Errorf("handled %d items (%d hot), want 102 (100 hot)", len(got), len(hot))
		}
	})
}

// TestKeyedWindowYieldsTurn checks that a key that gets ready while a worker
// is in the middle of a window of another key gets its turn after the item
// being handled, not after the window.
func TestKeyedWindowYieldsTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gates := map[int]chan struct{}{0: make(chan struct{}), 1: make(chan struct{})}
		started := make(chan string, 64)
		var got []string
		q := queue.NewKeyed(1, 100, func(key string, v int) {
			started <- fmt.Sprint(key, v)
			if g := gates[v]; key == "hot" && g != nil {
				<-g
			}
			got = append(got, fmt.Sprint(key, v))
		})
		ctx := context.Background()
		q.Push(ctx, "hot", 0)
		<-started // hot 0 is being handled, in a window of its own
		for i := 1; i < 40; i++ {
			q.Push(ctx, "hot", i)
		}
		close(gates[0]) // the next window is hot 1..16; it stops in hot 1
		if s := <-started; s != "hot1" {
			t.Fatalf("handled %s after hot0, want hot1", s)
		}
		synctest.Wait()
		q.Push(ctx, "cold", 0)
		close(gates[1])
		if err := q.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if want := []string{"hot0", "hot1", "cold0", "hot2", "hot3"}; !slices.Equal(got[:5], want) {
			t.Errorf("handled %v first, want %v", got[:5], want)
		}
		if len(got) != 41 {
			t.Errorf("handled %d items, want 41", len(got))
		}
	})
}
