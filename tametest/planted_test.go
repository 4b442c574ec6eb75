package tametest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/lock"
	"github.com/tamego/tame/pipeline"
	"github.com/tamego/tame/pool"
	"github.com/tamego/tame/queue"
)

// The planted programs: small programs built on tame, each with a bug of a
// kind the lesson names and the invariant a test of it would check. Each
// one passes under most schedules.
var planted = []struct {
	name string
	prog func(t testing.TB)
}{
	{"CheckThenAct", checkThenAct},
	{"SnapshotLoadThenUpdate", snapshotLoadThenUpdate},
	{"PipelineSharedState", pipelineSharedState},
	{"GroupCheckThenAct", groupCheckThenAct},
	{"LongPrefixThenRace", longPrefixThenRace},
	{"StaleSecondRead", staleSecondRead},
	{"BatchStageSharedTotal", batchStageSharedTotal},
	{"TellOrder", tellOrder},
	{"AskLostUpdate", askLostUpdate},
	{"CloseRacesPush", closeRacesPush},
	{"QueueOrderTwoProducers", queueOrderTwoProducers},
	{"StopRacesTells", stopRacesTells},
	{"KeyedCrossKeyOrder", keyedCrossKeyOrder},
}

// plantedLater are planted programs whose bugs need points that tame does
// not have: the table measures them, the tests do not require them. None
// now.
var plantedLater = []struct {
	name string
	prog func(t testing.TB)
}{}

// checkThenAct checks a balance in one Guarded.Do and withdraws in
// another: two withdrawals can both pass the check.
func checkThenAct(t testing.TB) {
	account := lock.New(100)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if lock.With(account, func(b *int) int { return *b }) >= 80 {
				account.Do(func(b *int) { *b -= 80 })
			}
		})
	}
	wg.Wait()
	account.Do(func(b *int) {
		if *b < 0 {
			t.Errorf("balance = %d, want at least 0", *b)
		}
	})
}

// snapshotLoadThenUpdate computes a new version from a Load and publishes
// it with an Update that ignores the old version it is given.
func snapshotLoadThenUpdate(t testing.TB) {
	hits := lock.NewSnapshot(0)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			n := hits.Load() + 1
			hits.Update(func(int) int { return n })
		})
	}
	wg.Wait()
	if n := hits.Load(); n != 2 {
		t.Errorf("hits = %d, want 2", n)
	}
}

// tellOrder assumes that a Tell sent first in program text arrives first,
// although two goroutines send them.
func tellOrder(t testing.TB) {
	ctx := context.Background()
	var got []string // touched by receive only, read after Stop
	file := actor.Spawn(ctx, func() bool { return false }, func(_ context.Context, open *bool, msg string) {
		got = append(got, msg)
		if msg == "open" {
			*open = true
		}
	})
	var wg sync.WaitGroup
	wg.Go(func() { _ = file.Tell(ctx, "write") })
	wg.Go(func() { _ = file.Tell(ctx, "open") })
	wg.Wait()
	if err := file.Stop(); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
	if len(got) != 2 || got[0] != "open" {
		t.Errorf("messages = %q, want open first", got)
	}
}

// A counterMsg reads the counter (set < 0) or sets it.
type counterMsg struct {
	set   int
	reply actor.Reply[int]
}

// askLostUpdate reads a counter with one Ask and writes it with another.
func askLostUpdate(t testing.TB) {
	ctx := context.Background()
	counter := actor.Spawn(ctx, func() int { return 0 }, func(_ context.Context, n *int, m counterMsg) {
		if m.set >= 0 {
			*n = m.set
		}
		m.reply.Send(*n)
	})
	get := func(r actor.Reply[int]) counterMsg { return counterMsg{set: -1, reply: r} }
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			n, _ := actor.Ask(ctx, counter, get)
			_, _ = actor.Ask(ctx, counter, func(r actor.Reply[int]) counterMsg { return counterMsg{set: n + 1, reply: r} })
		})
	}
	wg.Wait()
	n, err := actor.Ask(ctx, counter, get)
	if err != nil || n != 2 {
		t.Errorf("counter = %d, %v, want 2, nil", n, err)
	}
	if err := counter.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
}

// closeRacesPush closes a queue while a producer pushes, and the producer
// ignores Push's error: the item it thinks it sent can be refused.
func closeRacesPush(t testing.TB) {
	var handled atomic.Int32
	q := queue.New(4, func(int) { handled.Add(1) })
	var wg sync.WaitGroup
	wg.Go(func() { _ = q.Close() })
	wg.Go(func() { _ = q.Push(context.Background(), 1) })
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("handled %d items, want 1", n)
	}
}

// pipelineSharedState counts items in a stage with two workers through a
// shared counter, read in one Do and written in another.
func pipelineSharedState(t testing.TB) {
	p := pipeline.New(context.Background())
	count := lock.New(0)
	out := pipeline.Map(p, pipeline.From(p, []int{1, 2, 3}), 2, func(_ context.Context, v int) (int, error) {
		n := lock.With(count, func(c *int) int { return *c })
		count.Do(func(c *int) { *c = n + 1 })
		return v, nil
	})
	got, err := pipeline.Collect(p, out)
	if err != nil || len(got) != 3 {
		t.Fatalf("Collect() = %v, %v, want 3 items", got, err)
	}
	if n := lock.With(count, func(c *int) int { return *c }); n != 3 {
		t.Errorf("count = %d, want 3", n)
	}
}

// lockOrder takes two locks in opposite orders in two goroutines: a
// deadlock under some schedules.
func lockOrder(t testing.TB) {
	a, b := lock.New(0), lock.New(0)
	var wg sync.WaitGroup
	wg.Go(func() { a.Do(func(*int) { b.Do(func(*int) {}) }) })
	wg.Go(func() { b.Do(func(*int) { a.Do(func(*int) {}) }) })
	wg.Wait()
}

// groupCheckThenAct marks keys as seen from the tasks of a pool.Group,
// checking in one Do and marking in another: two tasks with the same key
// can both pass the check.
func groupCheckThenAct(t testing.TB) {
	seen := lock.New(map[int]int{})
	g := pool.NewGroup(context.Background(), 3)
	for i := range 3 {
		g.Go(func(context.Context) error {
			k := i % 2
			if lock.With(seen, func(m *map[int]int) int { return (*m)[k] }) == 0 {
				seen.Do(func(m *map[int]int) { (*m)[k]++ })
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait() = %v", err)
	}
	seen.Do(func(m *map[int]int) {
		for k, n := range *m {
			if n != 1 {
				t.Errorf("key %d marked %d times, want 1", k, n)
			}
		}
	})
}

// longPrefixThenRace is checkThenAct after many points in every
// goroutine: the step where one must be held back is far into the run.
func longPrefixThenRace(t testing.TB) {
	q := queue.New(64, func(int) {})
	account := lock.New(10)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for i := range 10 {
				_ = q.Push(context.Background(), i)
			}
			if lock.With(account, func(b *int) int { return *b }) >= 10 {
				account.Do(func(b *int) { *b -= 10 })
			}
		})
	}
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if b := lock.With(account, func(b *int) int { return *b }); b < 0 {
		t.Errorf("balance = %d, want at least 0", b)
	}
}

// staleSecondRead reads a value twice and takes an unchanged value for "no
// write happened": a writer that sets it and sets it back in between
// fools it (the ABA problem; a bug of depth 3).
func staleSecondRead(t testing.TB) {
	v, writes := lock.New(0), lock.New(0)
	read := func(g *lock.Guarded[int]) int { return lock.With(g, func(x *int) int { return *x }) }
	var wg sync.WaitGroup
	wg.Go(func() {
		a, w1 := read(v), read(writes)
		b, w2 := read(v), read(writes)
		if a == b && w1 != w2 && w2 == 2 {
			t.Errorf("value %d read twice across %d writes, taken as unchanged", a, w2-w1)
		}
	})
	wg.Go(func() {
		for _, x := range []int{1, 0} {
			v.Do(func(p *int) { *p = x })
			writes.Do(func(p *int) { *p++ })
		}
	})
	wg.Wait()
}

// batchStageSharedTotal sums batches in a stage with two workers through a
// shared total, read in one Do and written in another.
func batchStageSharedTotal(t testing.TB) {
	p := pipeline.New(context.Background())
	total := lock.New(0)
	batches := pipeline.Batch(p, pipeline.From(p, []int{1, 2, 3, 4, 5}), 2, time.Millisecond)
	sums := pipeline.Map(p, batches, 2, func(_ context.Context, b []int) (int, error) {
		s := 0
		for _, v := range b {
			s += v
		}
		n := lock.With(total, func(x *int) int { return *x })
		total.Do(func(x *int) { *x = n + s })
		return s, nil
	})
	if err := pipeline.ForEach(p, sums, func(context.Context, int) error { return nil }); err != nil {
		t.Fatalf("ForEach() = %v", err)
	}
	if n := lock.With(total, func(x *int) int { return *x }); n != 15 {
		t.Errorf("total = %d, want 15", n)
	}
}

// queueOrderTwoProducers assumes that one producer's single item is not
// handled after all of another producer's items.
func queueOrderTwoProducers(t testing.TB) {
	var got []int // touched by the handler only, read after Close
	q := queue.New(8, func(v int) { got = append(got, v) })
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 5 {
			_ = q.Push(context.Background(), 10+i)
		}
	})
	wg.Go(func() { _ = q.Push(context.Background(), 1) })
	wg.Wait()
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if len(got) != 6 || got[5] == 1 {
		t.Errorf("handled %v, want 1 before the last", got)
	}
}

// stopRacesTells stops an actor while another goroutine Tells it two
// messages and ignores the errors: one can be accepted and the other
// refused.
func stopRacesTells(t testing.TB) {
	ctx := context.Background()
	var n atomic.Int32
	a := actor.Spawn(ctx, func() int { return 0 }, func(context.Context, *int, int) { n.Add(1) })
	var wg sync.WaitGroup
	wg.Go(func() { _ = a.Stop() })
	wg.Go(func() {
		_ = a.Tell(ctx, 1)
		_ = a.Tell(ctx, 2)
	})
	wg.Wait()
	_ = a.Stop()
	if got := n.Load(); got == 1 {
		t.Errorf("handled %d of the 2 messages, want both or none", got)
	}
}

// keyedCrossKeyOrder assumes that a Keyed queue handles two keys in the
// order they were pushed.
func keyedCrossKeyOrder(t testing.TB) {
	var mu sync.Mutex
	var got []string
	q := queue.NewKeyed(2, 8, func(k string, _ int) {
		mu.Lock()
		got = append(got, k)
		mu.Unlock()
	})
	_ = q.Push(context.Background(), "a", 1)
	_ = q.Push(context.Background(), "b", 2)
	if err := q.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if len(got) != 2 || got[0] != "a" {
		t.Errorf("handled %q, want a first", got)
	}
}
