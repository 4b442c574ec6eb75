package pool_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/pool"
)

// TestPoolStatsRefusedCountsEveryRefusal: every Submit or TrySubmit that
// accepted nothing is counted in Refused, whatever the reason, and nothing
// else is; once the pool is closed, Submitted == Completed + Failed.
func TestPoolStatsRefusedCountsEveryRefusal(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name   string
		refuse func(t *testing.T, p *pool.Pool)
		closed bool // the case closes the pool
	}{
		{"TrySubmit on a full pool", func(t *testing.T, p *pool.Pool) {
			if p.TrySubmit(func() { t.Error("refused task ran") }) {
				t.Error("TrySubmit() on a full pool = true")
			}
		}, false},
		{"Submit with a done context, full", func(t *testing.T, p *pool.Pool) {
			if err := p.Submit(done, func() { t.Error("refused task ran") }); err != context.Canceled {
				t.Errorf("Submit() = %v, want context.Canceled", err)
			}
		}, false},
		{"Submit whose context ends while it waits", func(t *testing.T, p *pool.Pool) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			if err := p.Submit(ctx, func() { t.Error("refused task ran") }); err != context.DeadlineExceeded {
				t.Errorf("Submit() = %v, want context.DeadlineExceeded", err)
			}
		}, false},
		{"Submit waiting when Close is called", func(t *testing.T, p *pool.Pool) {
			errc := make(chan error)
			go func() { errc <- p.Submit(context.Background(), func() { t.Error("refused task ran") }) }()
			synctest.Wait()
			go func() { _ = p.Close() }()
			if err := <-errc; !errors.Is(err, tame.ErrClosed) {
				t.Errorf("Submit() = %v, want tame.ErrClosed", err)
			}
		}, true},
		{"TrySubmit after Close", func(t *testing.T, p *pool.Pool) {
			go func() { _ = p.Close() }()
			synctest.Wait()
			if p.TrySubmit(func() { t.Error("refused task ran") }) {
				t.Error("TrySubmit() after Close = true")
			}
		}, true},
		{"Submit after Shutdown", func(t *testing.T, p *pool.Pool) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = p.Shutdown(ctx)
			if err := p.Submit(context.Background(), func() { t.Error("refused task ran") }); !errors.Is(err, tame.ErrClosed) {
				t.Errorf("Submit() = %v, want tame.ErrClosed", err)
			}
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := pool.NewPool(1, pool.Backlog(1))
				release := make(chan struct{})
				for range 2 {
					if !p.TrySubmit(func() { <-release }) {
						t.Fatal("TrySubmit() on an idle pool = false")
					}
				}
				tc.refuse(t, p)
				if s := p.Stats(); s.Refused != 1 || s.Submitted != 2 {
					t.Errorf("Stats() = %+v, want Refused 1, Submitted 2", s)
				}
				close(release)
				if err := p.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
				if s := p.Stats(); s.Submitted != s.Completed+s.Failed || s.Completed != 2 || s.Waiting != 0 || s.Running != 0 || s.Blocked != 0 {
					t.Errorf("Stats() after Close = %+v, want Submitted == Completed + Failed == 2, nothing waiting, running or blocked", s)
				}
			})
		})
	}
}
