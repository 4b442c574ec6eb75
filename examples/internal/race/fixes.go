package race

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/lock"
	"github.com/tamego/tame/pool"
	"github.com/tamego/tame/queue"
)

// A Fix is one way to count goroutines*perItem increments correctly.
type Fix struct {
	Pattern string
	Uses    string // what the fix uses, in a few words
	Count   func(ctx context.Context, goroutines, perItem int) (int, error)
}

// Fixes are the patterns of the lesson, in its order of preference, after
// the sequential program that needs none of them.
var Fixes = []Fix{
	{"sequential", "a plain loop", sequential},
	{"own data", "pool.Map, then a sum", ownData},
	{"immutable sharing", "lock.Snapshot.Update", snapshot},
	{"message passing", "actor: Tell", messages},
	{"queue", "queue: Push", line},
	{"lock", "lock.Guarded.Do", guarded},
	{"atomics", "atomic.Int64.Add", atomics},
}

func sequential(_ context.Context, goroutines, perItem int) (int, error) {
	n := 0
	for range goroutines * perItem {
		n++
	}
	return n, nil
}

// ownData gives each task its own counter: nothing is shared while they run,
// and the results are combined once they are all done.
func ownData(ctx context.Context, goroutines, perItem int) (int, error) {
	tasks := make([]int, goroutines)
	counts, err := pool.Map(ctx, goroutines, tasks, func(ctx context.Context, _ int) (int, error) {
		n := 0
		for range perItem {
			n++
		}
		return n, nil
	})
	sum := 0
	for _, n := range counts {
		sum += n
	}
	return sum, err
}

// snapshot publishes a new immutable version of the count at every
// increment; Update serializes the writers, and a reader could Load any
// version at any time without a lock.
func snapshot(ctx context.Context, goroutines, perItem int) (int, error) {
	s := lock.NewSnapshot(0)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perItem {
				s.Update(func(old int) int { return old + 1 })
			}
		})
	}
	wg.Wait()
	return s.Load(), nil
}

// counterMsg is a message to the counting actor: add to the count, or, when
// get is set, reply with it.
type counterMsg struct {
	add   int
	get   bool
	reply actor.Reply[int]
}

// messages sends every increment to one actor, the only goroutine that
// touches the count, and asks it for the total at the end.
func messages(ctx context.Context, goroutines, perItem int) (int, error) {
	ref := actor.Spawn(ctx, func() int { return 0 }, func(_ context.Context, n *int, m counterMsg) {
		if m.get {
			m.reply.Send(*n)
			return
		}
		*n += m.add
	})
	var wg sync.WaitGroup
	errs := make([]error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for range perItem {
				if err := ref.Tell(ctx, counterMsg{add: 1}); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	n, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) counterMsg { return counterMsg{get: true, reply: r} })
	if stopErr := ref.Stop(); err == nil {
		err = stopErr
	}
	for _, e := range errs {
		if err == nil {
			err = e
		}
	}
	return n, err
}

// line funnels every increment through one queue; its one consumer is the
// only goroutine that touches the count, and Close waits until it has
// handled every accepted item.
func line(ctx context.Context, goroutines, perItem int) (int, error) {
	n := 0
	q := queue.New(1024, func(add int) { n += add })
	var wg sync.WaitGroup
	errs := make([]error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for range perItem {
				if err := q.Push(ctx, 1); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	err := q.Close()
	for _, e := range errs {
		if err == nil {
			err = e
		}
	}
	return n, err // Close has returned: the consumer is done with n
}

// guarded keeps the count in a lock.Guarded: the read, the add and the write
// happen under one lock, as one step.
func guarded(_ context.Context, goroutines, perItem int) (int, error) {
	g := lock.New(0)
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perItem {
				g.Do(func(n *int) { *n++ })
			}
		})
	}
	wg.Wait()
	return lock.With(g, func(n *int) int { return *n }), nil
}

// atomics uses one atomic add per increment: the read-modify-write is a
// single indivisible instruction.
func atomics(_ context.Context, goroutines, perItem int) (int, error) {
	var n atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perItem {
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return int(n.Load()), nil
}
