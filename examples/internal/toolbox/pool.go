package toolbox

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/pool"
)

// Pool is the tour's chapter on the pool package.
var Pool = lesson.Chapter{
	Name:  "pool",
	Title: "pool: each task owns its data, at most N at a time",
	Intro: "The first pattern: don't share mutable state. pool.Map runs a function on every element of a slice, " +
		"each call reading its own element and writing its own result, on at most limit goroutines. " +
		"A pool.Group is a batch of tasks that fails as a whole: the first error or panic cancels the others' " +
		"context, and a panic is not lost in a goroutine nobody watches: Wait re-raises it in the caller, " +
		"with the stack of the goroutine where it happened.",
	Run: runPool,
}

func runPool(ctx context.Context, w io.Writer, opt lesson.Options) error {
	c := lesson.Checker{Verbose: opt.Verbose}
	n, limit := 24, 3
	var running, most atomic.Int32 // instrumentation only: how many run at once
	squares, err := pool.Map(ctx, limit, ints(n), func(ctx context.Context, v int) (int, error) {
		now := running.Add(1)
		for old := most.Load(); now > old && !most.CompareAndSwap(old, now); old = most.Load() {
		}
		time.Sleep(time.Millisecond) // stands for some I/O
		running.Add(-1)
		return v * v, nil
	})
	if err != nil {
		return err
	}
	say(w, "pool.Map squared 0..%d with limit %d: results %v ... %v, in input order.", n-1, limit, squares[:4], squares[n-2:])
	inOrder := len(squares) == n
	for i, s := range squares {
		inOrder = inOrder && s == i*i
	}
	c.Check(w, inOrder, "every result is in its input's slot")
	c.Check(w, most.Load() <= int32(limit), "at most %d calls ran at once (measured: %d)", limit, most.Load())

	// A Group whose tasks fail: one returns an error, later one panics.
	g := pool.NewGroup(ctx, 4)
	var cancelled atomic.Int32
	boom := errors.New("task 3 failed")
	for i := range 8 {
		g.Go(func(ctx context.Context) error {
			if i == 3 {
				return boom
			}
			<-ctx.Done() // the others wait until the group gives up
			cancelled.Add(1)
			return nil
		})
	}
	err = g.Wait()
	say(w, "pool.Group: task 3 returned an error; Wait returned %q; %d running tasks saw their context cancelled.", err, cancelled.Load())
	c.Check(w, errors.Is(err, boom), "Wait returned the first error")

	pe := recoverWait(func() error {
		g := pool.NewGroup(ctx, 2)
		g.Go(func(context.Context) error { return explode() })
		return g.Wait()
	})
	if pe != nil {
		say(w, "pool.Group: a task panicked with %q; Wait re-panicked in the caller with a *tame.PanicError "+
			"whose stack points at %s.", describe(pe.Value), where(pe.Stack))
	}
	c.Check(w, pe != nil && pe.Value == "the oven caught fire", "the task's panic reached the caller of Wait, with its value")
	return c.Done(w)
}

// explode panics: the stack of the panic names it.
func explode() error { panic("the oven caught fire") }

// recoverWait calls wait and returns the *tame.PanicError it panics with,
// or nil when it returns.
func recoverWait(wait func() error) (pe *tame.PanicError) {
	defer func() {
		if v := recover(); v != nil {
			pe, _ = v.(*tame.PanicError)
		}
	}()
	_ = wait()
	return nil
}

// ints returns 0..n-1.
func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
