package pool_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

// A call from a task is told apart exactly, whichever worker goroutine runs
// the task: the first one of a worker, one after a panic or a Goexit (a
// replacement goroutine), one another worker took over from a batch, one
// on a recycled worker, and the OnPanic handler. Each Close, Shutdown or
// Wait from there returns at once with tame.ErrDeadlock; from any other
// goroutine, it waits.

// fromTaskCases each submit, to p, tasks that call check from where the
// case says, and return the number of checks made.
var fromTaskCases = []struct {
	name string
	run  func(t *testing.T, submit func(func()), check func()) int
}{
	{"first task", func(t *testing.T, submit func(func()), check func()) int {
		submit(check)
		return 1
	}},
	{"after a panic", func(t *testing.T, submit func(func()), check func()) int {
		gate := make(chan struct{})
		submit(func() { <-gate; panic("boom") })
		submit(check)
		close(gate)
		return 1
	}},
	{"after a Goexit", func(t *testing.T, submit func(func()), check func()) int {
		gate := make(chan struct{})
		submit(func() { <-gate; runtime.Goexit() })
		submit(check)
		close(gate)
		return 1
	}},
	{"recycled worker", func(t *testing.T, submit func(func()), check func()) int {
		submit(func() {})
		synctest.Wait() // the worker retired
		submit(check)
		return 1
	}},
	{"every task of a long backlog", func(t *testing.T, submit func(func()), check func()) int {
		gate := make(chan struct{})
		submit(func() { <-gate })
		blocked := make(chan struct{})
		submit(func() { <-blocked })
		for range 100 {
			submit(check)
		}
		close(gate)
		synctest.Wait()
		close(blocked)
		return 100
	}},
}

func TestPoolCloseFromAnyTaskGoroutine(t *testing.T) {
	for _, call := range []string{"Close", "Shutdown"} {
		for _, tc := range fromTaskCases {
			t.Run(call+"/"+tc.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					p := pool.NewPool(2)
					var mu sync.Mutex
					var errs []error
					check := func() {
						var err error
						if call == "Close" {
							err = p.Close()
						} else {
							err = p.Shutdown(context.Background())
						}
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
					n := tc.run(t, func(f func()) {
						if err := p.Submit(context.Background(), f); err != nil {
							t.Fatalf("Submit() = %v", err)
						}
					}, check)
					synctest.Wait()
					mu.Lock()
					if len(errs) != n {
						t.Errorf("%d calls returned, want %d (a call from a task waited)", len(errs), n)
					}
					for _, err := range errs {
						if !errors.Is(err, tame.ErrDeadlock) {
							t.Errorf("%s() from a task = %v, want an error wrapping tame.ErrDeadlock", call, err)
						}
					}
					mu.Unlock()
					_ = p.Close()
				})
			})
		}
	}
}

func TestGroupWaitFromAnyTaskGoroutine(t *testing.T) {
	for _, tc := range fromTaskCases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := pool.NewGroup(context.Background(), 2, pool.JoinErrors())
				var mu sync.Mutex
				var errs []error
				check := func() {
					err := g.Wait()
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				n := tc.run(t, func(f func()) {
					g.Go(func(context.Context) error { f(); return nil })
				}, check)
				synctest.Wait()
				mu.Lock()
				if len(errs) != n {
					t.Errorf("%d calls returned, want %d (a Wait from a task waited)", len(errs), n)
				}
				for _, err := range errs {
					if !errors.Is(err, tame.ErrDeadlock) {
						t.Errorf("Wait() from a task = %v, want an error wrapping tame.ErrDeadlock", err)
					}
				}
				mu.Unlock()
				var err error
				func() {
					defer tame.Recover(&err) // the cases with a panic or a Goexit
					err = g.Wait()
				}()
				if pe, ok := errors.AsType[*tame.PanicError](err); err != nil && !ok {
					t.Errorf("Wait() = %v, want nil or the panic", err)
				} else if ok && pe.Value != "boom" && pe.Value != tame.ErrGoexit {
					t.Errorf("Wait() panicked with %v, want the task's panic", pe.Value)
				}
			})
		})
	}
}

// TestPoolCloseFromOnPanicAfterGoexit: the OnPanic handler told of a
// Goexit runs on the goroutine that is exiting; a Close there is from the
// pool too.
func TestPoolCloseFromOnPanicAfterGoexit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got := make(chan error, 1)
		var p *pool.Pool
		p = pool.NewPool(1, pool.OnPanic(func(*tame.PanicError) { got <- p.Close() }))
		_ = p.Submit(context.Background(), runtime.Goexit)
		synctest.Wait()
		select {
		case err := <-got:
			if !errors.Is(err, tame.ErrDeadlock) {
				t.Errorf("Close() from OnPanic after a Goexit = %v, want tame.ErrDeadlock", err)
			}
		default:
			t.Error("Close() from OnPanic after a Goexit waits")
		}
		if err := p.Close(); !errors.Is(err, tame.ErrGoexit) {
			t.Errorf("Close() = %v, want the Goexit", err)
		}
	})
}

// TestPoolShutdownFromGoroutineOfTaskWaits: a goroutine a task starts is
// not the pool's: its Shutdown waits, and gives up when its context ends.
func TestPoolShutdownFromGoroutineOfTaskWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := pool.NewPool(1)
		var err error
		_ = p.Submit(context.Background(), func() {
			res := make(chan error)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				res <- p.Shutdown(ctx)
			}()
			err = <-res // the Shutdown cannot end before this task does
		})
		if cerr := p.Close(); cerr != nil {
			t.Errorf("Close() = %v", cerr)
		}
		if err != context.DeadlineExceeded {
			t.Errorf("Shutdown() from a goroutine a task started = %v, want context.DeadlineExceeded", err)
		}
	})
}
