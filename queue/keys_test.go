package queue_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/queue"
)

// TestKeyedForgetsDrainedKeys checks that keys hold no memory once drained.
func TestKeyedForgetsDrainedKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		q := queue.NewKeyed(4, 1000, func(int, int) { n.Add(1) })
		for round := range 3 {
			for k := range 5000 {
				q.Push(context.Background(), round*5000+k, k)
			}
			synctest.Wait()
			if s := q.Stats(); s.Keys != 0 || s.Waiting != 0 {
				t.Errorf("round %d: Stats() = %+v once drained, want Keys 0, Depth 0", round, s)
			}
		}
		q.Close()
		if n.Load() != 15000 {
			t.Errorf("handled %d, want 15000", n.Load())
		}
	})
}

// TestKeyedRefusesKeysNotEqualToThemselves checks that a key that is not
// equal to itself (a NaN, or a struct or interface holding one), which a
// map could never find again, is refused with a panic in the caller, before
// it takes memory, and that the queue goes on working and holds no line for
// it.
func TestKeyedRefusesKeysNotEqualToThemselves(t *testing.T) {
	type pair struct {
		name string
		f    float64
	}
	bad := []any{math.NaN(), pair{"x", math.NaN()}, [2]float64{1, math.NaN()}, any(math.NaN())}
	handled := 0
	q := queue.NewKeyed(2, 8, func(any, int) { handled++ })
	mustPanic := func(what string, key any, call func()) {
		t.Helper()
		defer func() {
			msg := fmt.Sprint(recover())
			if !strings.HasPrefix(msg, "queue: key is not equal to itself") {
				t.Errorf("%s with key %#v: panic %q, want \"queue: key is not equal to itself...\"", what, key, msg)
			}
		}()
		call()
	}
	for range 1000 {
		for _, key := range bad {
			mustPanic("Push", key, func() { q.Push(context.Background(), key, 1) })
			mustPanic("TryPush", key, func() { q.TryPush(key, 1) })
		}
	}
	if err := q.Push(context.Background(), 1.5, 1); err != nil {
		t.Fatalf("Push with a good key after the panics = %v", err)
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if s := q.Stats(); s.Keys != 0 || s.Submitted != 1 || handled != 1 {
		t.Errorf("Stats() = %+v, handled %d; want Keys 0, Submitted 1, handled 1", s, handled)
	}
}

// TestKeyedFloatKeys checks that float keys that are equal to themselves
// work, +0 and -0 being one key, as in a map.
func TestKeyedFloatKeys(t *testing.T) {
	got := map[float64][]int{}
	q := queue.NewKeyed(1, 8, func(k float64, v int) { got[k] = append(got[k], v) })
	for i, k := range []float64{0, math.Copysign(0, -1), math.Inf(1), 2.5} {
		if err := q.Push(context.Background(), k, i); err != nil {
			t.Fatalf("Push(%v) = %v", k, err)
		}
	}
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if fmt.Sprint(got) != "map[0:[0 1] 2.5:[3] +Inf:[2]]" {
		t.Errorf("handled %v, want map[+Inf:[2] 0:[0 1] 2.5:[3]]", got)
	}
	if s := q.Stats(); s.Keys != 0 {
		t.Errorf("Stats().Keys = %d, want 0", s.Keys)
	}
}
