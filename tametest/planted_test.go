package tametest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/lock"
	"github.com/tamego/tame/pipeline"
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
}

// plantedLater are planted programs whose bugs lie between points that
// queue and actor do not have yet: the table measures them, the tests do
// not require them.
var plantedLater = []struct {
	name string
	prog func(t testing.TB)
}{
	{"TellOrder", tellOrder},
	{"AskLostUpdate", askLostUpdate},
	{"CloseRacesPush", closeRacesPush},
}

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
