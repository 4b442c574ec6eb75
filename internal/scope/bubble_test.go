package scope_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/internal/scope"
)

// TestMadeOutsideABubbleSettledInside: a scope made outside a synctest
// bubble, with a parent that can end, is settled and waited for inside one
// (a sync.WaitGroup counted outside and done inside would be a fatal
// error), more than once and concurrently.
func TestMadeOutsideABubbleSettledInside(t *testing.T) {
	for _, parentEnds := range []bool{false, true} {
		parent, cancel := context.WithCancel(context.Background())
		s := scope.New(parent, scope.FirstError)
		synctest.Test(t, func(t *testing.T) {
			if parentEnds {
				cancel()
			}
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					if err := s.Wait(); err != nil {
						t.Errorf("Wait() = %v", err)
					}
				})
			}
			wg.Wait()
			if !s.Stopped() {
				t.Error("not Stopped after Wait")
			}
		})
		cancel()
	}
}

// TestOnStopIsCalledWhenTheScopeStops: NewOnStop's function is called when
// a failure stops the scope and when the parent ends, not for a joined
// error.
func TestOnStopIsCalledWhenTheScopeStops(t *testing.T) {
	cases := []struct {
		name string
		mode scope.Mode
		stop func(s *scope.Scope, cancel context.CancelFunc)
		want bool
	}{
		{"error", scope.FirstError, func(s *scope.Scope, _ context.CancelFunc) { s.Fail(errors.New("x")) }, true},
		{"joined error", scope.JoinErrors, func(s *scope.Scope, _ context.CancelFunc) { s.Fail(errors.New("x")) }, false},
		{"panic", scope.JoinErrors, func(s *scope.Scope, _ context.CancelFunc) { s.Run(func() error { panic("x") }) }, true},
		{"parent", scope.FirstError, func(_ *scope.Scope, cancel context.CancelFunc) { cancel() }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				parent, cancel := context.WithCancel(context.Background())
				defer cancel()
				var mu sync.Mutex
				called := false
				s := scope.NewOnStop(parent, tc.mode, func() { mu.Lock(); called = true; mu.Unlock() })
				tc.stop(s, cancel)
				synctest.Wait()
				mu.Lock()
				if called != tc.want {
					t.Errorf("onStop called = %v, want %v", called, tc.want)
				}
				mu.Unlock()
				func() {
					defer func() { _ = recover() }()
					_ = s.Wait()
				}()
			})
		})
	}
}
