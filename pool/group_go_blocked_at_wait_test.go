package pool_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/pool"
)

// TestGroupGoBlockedWhenWaitIsCalled: a Go that waits for room on a full
// group when Wait is called is not refused because Wait got there first:
// its task is accepted and run, and Wait returns after it. (Go panics only
// when it is called after Wait has returned.)
func TestGroupGoBlockedWhenWaitIsCalled(t *testing.T) {
	for _, tc := range []struct{ limit, backlog int }{{1, 1}, {1, 8}, {2, 4}, {4, 16}} {
		t.Run(fmt.Sprintf("limit=%d/backlog=%d", tc.limit, tc.backlog), func(t *testing.T) {
			for range 100 {
				synctest.Test(t, func(t *testing.T) {
					g := pool.NewGroup(context.Background(), tc.limit, pool.Backlog(tc.backlog))
					release := make(chan struct{})
					var ran atomic.Int64
					for range tc.limit + tc.backlog {
						g.Go(func(context.Context) error { <-release; ran.Add(1); return nil })
					}
					recovered := make(chan any, 1)
					go func() {
						defer func() { recovered <- recover() }()
						g.Go(func(context.Context) error { ran.Add(1); return nil })
					}()
					synctest.Wait() // that Go waits: the group is full
					waited := make(chan error, 1)
					go func() { waited <- g.Wait() }()
					synctest.Wait()
					close(release)
					if err := <-waited; err != nil {
						t.Errorf("Wait() = %v", err)
					}
					if r := <-recovered; r != nil {
						t.Fatalf("a Go blocked before Wait was called panicked: %v", r)
					}
					if n := ran.Load(); n != int64(tc.limit+tc.backlog+1) {
						t.Fatalf("%d tasks had run when Wait returned, want %d", n, tc.limit+tc.backlog+1)
					}
				})
			}
		})
	}
}
