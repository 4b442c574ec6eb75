package pool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

// This example fetches pages with at most two tasks at once. Each task
// writes only its own slot of sizes, so nothing is shared while they run;
// the slots are read after Wait, in one goroutine.
func ExampleGroup() {
	pages := []string{"home", "about", "contact", "blog"}
	fetch := func(_ context.Context, page string) (int, error) { return len(page) * 100, nil }

	sizes := make([]int, len(pages))
	g := pool.NewGroup(context.Background(), 2)
	for i, page := range pages {
		g.Go(func(ctx context.Context) error {
			n, err := fetch(ctx, page)
			sizes[i] = n // this task's own slot
			return err
		})
	}
	if err := g.Wait(); err != nil {
		fmt.Println("error:", err)
		return
	}
	for i, page := range pages {
		fmt.Printf("%s: %d bytes\n", page, sizes[i])
	}
	// Output:
	// home: 400 bytes
	// about: 500 bytes
	// contact: 700 bytes
	// blog: 400 bytes
}

// This example shows the first error cancelling the others: the task that
// fails cancels the group's context, the task that waits on it stops, and
// Wait returns the first error, which is also the context's cause.
func ExampleGroup_cancelOnError() {
	errNotFound := errors.New("not found")
	g := pool.NewGroup(context.Background(), 2)
	g.Go(func(ctx context.Context) error {
		<-ctx.Done() // a long request, abandoned when the group fails
		fmt.Println("slow task stopped:", context.Cause(ctx))
		return ctx.Err()
	})
	g.Go(func(ctx context.Context) error { return errNotFound })
	fmt.Println("Wait:", g.Wait())
	// Output:
	// slow task stopped: not found
	// Wait: not found
}

// This example walks a tree: each task handles one node and calls Go for
// the node's children, on the same group. Each task writes only its node's
// own slot, so the sizes are read after Wait without a lock. Go from a task
// never deadlocks, even when the group is full (see Group.Go).
func ExampleGroup_goFromTask() {
	type node struct {
		name     string
		size     int
		children []int
	}
	tree := []node{
		{"/", 1, []int{1, 2}},
		{"/src", 10, []int{3, 4}},
		{"/doc", 5, nil},
		{"/src/a.go", 100, nil},
		{"/src/b.go", 200, nil},
	}
	visited := make([]bool, len(tree)) // one slot per node

	g := pool.NewGroup(context.Background(), 2)
	var visit func(i int) func(context.Context) error
	visit = func(i int) func(context.Context) error {
		return func(ctx context.Context) error {
			visited[i] = true
			for _, c := range tree[i].children {
				g.Go(visit(c))
			}
			return nil
		}
	}
	g.Go(visit(0))
	if err := g.Wait(); err != nil {
		fmt.Println(err)
	}
	total := 0
	for i, n := range tree {
		if visited[i] {
			total += n.size
		}
	}
	fmt.Println("total size:", total)
	// Output:
	// total size: 316
}

// This example shows a task's panic arriving in Wait, in the goroutine that
// owns the group, where it can be recovered like any panic: the value is
// kept, with the stack of the goroutine that panicked.
func ExampleGroup_panic() {
	defer func() {
		pe := recover().(*tame.PanicError)
		fmt.Println("recovered:", pe.Value)
		fmt.Println("stack shows the task:", strings.Contains(string(pe.Stack), "ExampleGroup_panic"))
	}()
	g := pool.NewGroup(context.Background(), 2)
	g.Go(func(ctx context.Context) error {
		key, value := splitPair("no-colon") // a bug: the input has no colon
		fmt.Println(key, value)
		return nil
	})
	_ = g.Wait()
	// Output:
	// recovered: runtime error: index out of range [1] with length 1
	// stack shows the task: true
}

func splitPair(s string) (string, string) {
	parts := strings.Split(s, ":")
	return parts[0], parts[1]
}

// This example squares numbers on two goroutines. Each call reads its own
// element and returns its own result, which Map puts in input order: there is
// nothing shared to race over.
func ExampleMap() {
	in := []int{1, 2, 3, 4, 5}
	out, err := pool.Map(context.Background(), 2, in, func(_ context.Context, v int) (int, error) {
		return v * v, nil
	})
	fmt.Println(out, err)
	// Output:
	// [1 4 9 16 25] <nil>
}

// This example checks files until the first problem: ForEach stops starting
// calls after the first error and returns it.
func ExampleForEach() {
	files := []string{"a.go", "b.go", "broken.go", "c.go"}
	err := pool.ForEach(context.Background(), 1, files, func(_ context.Context, name string) error {
		if strings.HasPrefix(name, "broken") {
			return fmt.Errorf("%s: syntax error", name)
		}
		fmt.Println("ok", name)
		return nil
	})
	fmt.Println("ForEach:", err)
	// Output:
	// ok a.go
	// ok b.go
	// ForEach: broken.go: syntax error
}

// This example runs a long-lived pool: a failing task does not stop the
// others, OnPanic hears of it at once, Close waits for every accepted task
// and returns the panics, and Stats counts what happened.
func ExamplePool() {
	var panics atomic.Int64
	p := pool.NewPool(4, pool.OnPanic(func(*tame.PanicError) { panics.Add(1) }))

	var handled atomic.Int64
	for i := range 10 {
		err := p.Submit(context.Background(), func() {
			if i == 7 {
				panic("bad request")
			}
			handled.Add(1)
		})
		if err != nil {
			fmt.Println("Submit:", err)
		}
	}
	err := p.Close()
	var pe *tame.PanicError
	fmt.Println("Close returned a panic:", errors.As(err, &pe), pe.Value)
	fmt.Println("handled:", handled.Load(), "OnPanic calls:", panics.Load())

	s := p.Stats()
	fmt.Println("completed:", s.Completed, "failed:", s.Failed, "running:", s.Running)
	fmt.Println("never more than 4 at once:", s.MaxRunning <= 4)
	fmt.Println("Submit after Close:", errors.Is(p.Submit(context.Background(), func() {}), tame.ErrClosed))
	// Output:
	// Close returned a panic: true bad request
	// handled: 9 OnPanic calls: 1
	// completed: 9 failed: 1 running: 0
	// never more than 4 at once: true
	// Submit after Close: true
}

// This example asks for no limit explicitly: every task starts at once, as
// with the go statement, but the group still waits for them and reports their
// errors and panics.
func ExampleNoLimit() {
	g := pool.NewGroup(context.Background(), pool.NoLimit)
	var started atomic.Int64
	for range 100 {
		g.Go(func(context.Context) error { started.Add(1); return nil })
	}
	fmt.Println(g.Wait(), started.Load())
	// Output:
	// <nil> 100
}
