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

// This example sheds load with TryGo: a group of limit 1 with a backlog of
// 1 accepts exactly two tasks (one running, one waiting) and refuses the
// third at once instead of making the caller wait.
func ExampleGroup_TryGo() {
	g := pool.NewGroup(context.Background(), 1, pool.Backlog(1))
	release := make(chan struct{})
	for i := range 3 {
		ok := g.TryGo(func(context.Context) error { <-release; return nil })
		fmt.Printf("request %d accepted: %v\n", i, ok)
	}
	close(release)
	fmt.Println("Wait:", g.Wait())
	// Output:
	// request 0 accepted: true
	// request 1 accepted: true
	// request 2 accepted: false
	// Wait: <nil>
}

// This example sizes a Pool's admission with Backlog: two tasks run, two
// wait, and the fifth TrySubmit is refused. Stats shows the same picture.
func ExamplePool_TrySubmit() {
	p := pool.NewPool(2, pool.Backlog(2))
	release := make(chan struct{})
	for i := range 5 {
		fmt.Printf("job %d accepted: %v\n", i, p.TrySubmit(func() { <-release }))
	}
	s := p.Stats()
	fmt.Println("running:", s.Running, "waiting:", s.Waiting, "refused:", s.Refused)
	close(release)
	fmt.Println("Close:", p.Close())
	// Output:
	// job 0 accepted: true
	// job 1 accepted: true
	// job 2 accepted: true
	// job 3 accepted: true
	// job 4 accepted: false
	// running: 2 waiting: 2 refused: 1
	// Close: <nil>
}

// parseAll parses every "key=value" line on two goroutines. A line without
// "=" makes a task panic; tame.Recover turns the panic that Map re-raises
// into parseAll's error, with the original value and stack kept in it.
func parseAll(ctx context.Context, lines []string) (values []string, err error) {
	defer tame.Recover(&err)
	return pool.Map(ctx, 2, lines, func(_ context.Context, line string) (string, error) {
		return strings.Split(line, "=")[1], nil // a bug: no check for "="
	})
}

// This example turns a task's panic, re-raised by Map in its caller, into
// an error with tame.Recover, so that the caller (a request handler, say)
// can report it and keep running.
func Example_recover() {
	values, err := parseAll(context.Background(), []string{"a=1", "b=2"})
	fmt.Println(values, err)

	_, err = parseAll(context.Background(), []string{"a=1", "oops"})
	var pe *tame.PanicError
	fmt.Println("a panic became an error:", errors.As(err, &pe))
	fmt.Println(err)
	// Output:
	// [1 2] <nil>
	// a panic became an error: true
	// panic: runtime error: index out of range [1] with length 1
}

// This example stops a Pool within a deadline: Shutdown gives up when its
// context is done, but drops nothing; the running task still finishes, and
// a later Close waits for it.
func ExamplePool_Shutdown() {
	p := pool.NewPool(1)
	release := make(chan struct{})
	_ = p.Submit(context.Background(), func() { <-release; fmt.Println("slow task done") })

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed
	fmt.Println("Shutdown:", p.Shutdown(ctx))
	fmt.Println("Submit after Shutdown refused:", errors.Is(p.Submit(context.Background(), func() {}), tame.ErrClosed))

	close(release)
	fmt.Println("Close:", p.Close())
	// Output:
	// Shutdown: context canceled
	// Submit after Shutdown refused: true
	// slow task done
	// Close: <nil>
}

// This example resizes a running Pool: raising the limit starts waiting
// tasks at once.
func ExamplePool_SetLimit() {
	p := pool.NewPool(1)
	release := make(chan struct{})
	for range 4 {
		_ = p.Submit(context.Background(), func() { <-release })
	}
	s := p.Stats()
	fmt.Println("limit 1: running", s.Running, "waiting", s.Waiting)

	p.SetLimit(3)
	s = p.Stats()
	fmt.Println("limit 3: running", s.Running, "waiting", s.Waiting)

	close(release)
	_ = p.Close()
	fmt.Println("completed:", p.Stats().Completed)
	// Output:
	// limit 1: running 1 waiting 3
	// limit 3: running 3 waiting 1
	// completed: 4
}

// This example validates every record and reports all the problems, not
// only the first: with JoinErrors a task error does not cancel the others,
// and Wait returns every error, in the order the tasks returned them (one
// at a time here, so in input order).
func ExampleJoinErrors() {
	records := []string{"ok", "missing name", "ok", "bad date"}
	g := pool.NewGroup(context.Background(), 1, pool.JoinErrors())
	for i, r := range records {
		g.Go(func(context.Context) error {
			if r != "ok" {
				return fmt.Errorf("record %d: %s", i, r)
			}
			return nil
		})
	}
	fmt.Println(g.Wait())
	// Output:
	// record 1: missing name
	// record 3: bad date
}

// This example feeds a group from a loop that stops as soon as the group
// fails: the loop selects on Group.Context, which the first error cancels.
func ExampleGroup_Context() {
	g := pool.NewGroup(context.Background(), 1)
	paths := make(chan string)
	g.Go(func(ctx context.Context) error {
		for p := range paths {
			if p == "secret" {
				return fmt.Errorf("%s: permission denied", p)
			}
			fmt.Println("read", p)
		}
		return nil
	})

feed:
	for _, p := range []string{"a", "secret", "b", "c"} {
		select {
		case paths <- p:
		case <-g.Context().Done():
			fmt.Println("stopped feeding at", p)
			break feed
		}
	}
	close(paths)
	fmt.Println("Wait:", g.Wait())
	// Output:
	// read a
	// stopped feeding at b
	// Wait: secret: permission denied
}
