package toolbox

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/lock"
)

// Lock is the tour's chapter on the lock package.
var Lock = lesson.Chapter{
	Name:  "lock",
	Title: "lock: immutable snapshots, guarded values, and no deadlock",
	Intro: "When data must be shared, share a version nobody changes: readers of a lock.Snapshot load the current " +
		"immutable version without a lock while a writer publishes new ones, so a reader never sees a half-made " +
		"update. When it must also be changed in place, lock.Guarded keeps the value reachable only inside a " +
		"function that runs under its lock: forgetting the lock is not possible. A wait for a lock can be given " +
		"up with a context, and lock.Both takes two locks without the deadlock of the bank chapter.",
	Run: runLock,
}

// config is read-mostly data: its two halves must always add up to 100.
type config struct{ Left, Right int }

func runLock(ctx context.Context, w io.Writer, opt lesson.Options) error {
	c := lesson.Checker{Verbose: opt.Verbose}
	updates := 20_000
	if opt.Quick {
		updates = 2_000
	}
	snap := lock.NewSnapshot(config{Left: 50, Right: 50})
	stop := make(chan struct{})
	var readers sync.WaitGroup
	var reads, torn [4]int // each reader counts in its own slot
	for r := range 4 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				cfg := snap.Load()
				reads[r]++
				if cfg.Left+cfg.Right != 100 {
					torn[r]++
				}
			}
		})
	}
	for i := range updates {
		snap.Update(func(old config) config { return config{Left: i % 101, Right: 100 - i%101} })
	}
	close(stop)
	readers.Wait()
	totalReads, totalTorn := 0, 0
	for r := range reads {
		totalReads += reads[r]
		totalTorn += torn[r]
	}
	say(w, "Snapshot: 1 writer published %d versions while 4 readers loaded %d times without a lock.", updates, totalReads)
	c.Check(w, totalTorn == 0, "no reader saw a half-made version (Left+Right was always 100; torn reads: %d)", totalTorn)

	g := lock.New(0)
	holding, release := make(chan struct{}), make(chan struct{})
	var holder sync.WaitGroup
	holder.Go(func() {
		g.Do(func(n *int) {
			close(holding)
			<-release // hold the lock until told
		})
	})
	<-holding
	tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	ran := false
	err := g.DoContext(tctx, func(n *int) { ran = true })
	cancel()
	close(release)
	holder.Wait()
	say(w, "Guarded: while another goroutine held the lock, DoContext with a 20ms timeout returned %q.", err)
	c.Check(w, errors.Is(err, context.DeadlineExceeded) && !ran, "DoContext gave up waiting and did not run its function")

	a, b := lock.New(100), lock.New(100)
	var wg sync.WaitGroup
	for i := range 1000 {
		wg.Go(func() {
			from, to := a, b
			if i%2 == 1 {
				from, to = b, a // the opposite order, half of the time
			}
			lock.Both(from, to, func(f, t *int) { *f--; *t++ })
		})
	}
	wg.Wait()
	sum := lock.With(a, func(v *int) int { return *v }) + lock.With(b, func(v *int) int { return *v })
	say(w, "Both: 1000 goroutines locked (a, b) or (b, a) at once and all finished; a+b = %d.", sum)
	c.Check(w, sum == 200, "lock.Both never deadlocked and lost nothing")
	return c.Done(w)
}
