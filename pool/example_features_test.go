package pool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

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
