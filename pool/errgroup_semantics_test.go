package pool_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tamego/tame/pool"
)

// What errgroup users rely on, with a Group: Wait returns the first error
// (nil when none), the first error cancels the context with that error as
// its cause, and the context is done once Wait has returned.
func TestGroupErrgroupSemantics(t *testing.T) {
	err1, err2 := errors.New("pool_test: 1"), errors.New("pool_test: 2")
	cases := []struct {
		errs []error
		want error
	}{
		{nil, nil},
		{[]error{nil}, nil},
		{[]error{err1}, err1},
		{[]error{err1, nil}, err1},
		{[]error{nil, err1}, err1},
		{[]error{err1, nil, err2}, err1},
		{[]error{nil, nil, err2, err1}, err2},
	}
	for _, tc := range cases {
		// Limit 1: the tasks run one at a time in order, so "first" is
		// well defined.
		g := pool.NewGroup(context.Background(), 1)
		ctx := g.Context()
		for _, err := range tc.errs {
			g.Go(func(context.Context) error { return err })
		}
		if err := g.Wait(); err != tc.want {
			t.Errorf("errs %v: Wait() = %v, want %v", tc.errs, err, tc.want)
		}
		if ctx.Err() == nil {
			t.Errorf("errs %v: the group's context is not done after Wait", tc.errs)
		}
		if tc.want != nil && context.Cause(ctx) != tc.want {
			t.Errorf("errs %v: context.Cause = %v, want %v", tc.errs, context.Cause(ctx), tc.want)
		}
		if again := g.Wait(); again != tc.want {
			t.Errorf("errs %v: second Wait() = %v, want %v", tc.errs, again, tc.want)
		}
	}
}

// TestGroupOnceDone: once the group's context is done, by the parent or by
// a failure, Go starts nothing, TryGo reports false, and Wait returns the
// cause (the first error, when a task failed); Go and TryGo after Wait
// panic.
func TestGroupOnceDone(t *testing.T) {
	cause := errors.New("pool_test: parent cause")
	failure := errors.New("pool_test: task failed")
	cases := []struct {
		name string
		make func() *pool.Group
		want error
	}{
		{"parent done before", func() *pool.Group {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(cause)
			return pool.NewGroup(ctx, 2)
		}, cause},
		{"parent done before, JoinErrors", func() *pool.Group {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return pool.NewGroup(ctx, 2, pool.JoinErrors())
		}, context.Canceled},
		{"a task failed", func() *pool.Group {
			g := pool.NewGroup(context.Background(), 2)
			g.Go(func(context.Context) error { return failure })
			<-g.Context().Done()
			return g
		}, failure},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.make()
			g.Go(func(context.Context) error { t.Error("Go started a task once the context was done"); return nil })
			if g.TryGo(func(context.Context) error { t.Error("TryGo started a task once the context was done"); return nil }) {
				t.Error("TryGo() = true once the context was done")
			}
			if err := g.Wait(); !errors.Is(err, tc.want) {
				t.Errorf("Wait() = %v, want %v", err, tc.want)
			}
			mustPanic(t, "pool: Go called after Wait returned", func() { g.Go(func(context.Context) error { return nil }) })
			mustPanic(t, "pool: TryGo called after Wait returned", func() { g.TryGo(func(context.Context) error { return nil }) })
		})
	}
}

// TestGroupJoinErrorsKeepsGoing: with JoinErrors, an error cancels
// nothing, every task runs, and Wait returns every error in the order the
// tasks returned them, each found by errors.Is.
func TestGroupJoinErrorsKeepsGoing(t *testing.T) {
	errs := []error{errors.New("pool_test: a"), errors.New("pool_test: b"), errors.New("pool_test: c")}
	g := pool.NewGroup(context.Background(), 1, pool.JoinErrors())
	ran := 0
	for i := range 6 {
		g.Go(func(ctx context.Context) error {
			ran++
			if ctx.Err() != nil {
				t.Errorf("task %d got a done context: an error cancelled the group", i)
			}
			if i%2 == 1 {
				return errs[i/2]
			}
			return nil
		})
	}
	err := g.Wait()
	if ran != 6 {
		t.Errorf("%d tasks ran, want 6", ran)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok || len(joined.Unwrap()) != len(errs) {
		t.Fatalf("Wait() = %#v, want errors.Join of %d errors", err, len(errs))
	}
	for i, e := range joined.Unwrap() {
		if e != errs[i] {
			t.Errorf("error #%d = %v, want %v", i, e, errs[i])
		}
		if !errors.Is(err, errs[i]) {
			t.Errorf("errors.Is(Wait(), %v) = false", errs[i])
		}
	}
}

// TestMapEmptyAndBadInput: an empty input calls nothing and returns an
// empty result; a nil fn or a limit below 1 panic also with an empty
// input; a done context returns its error without calling fn.
func TestMapEmptyAndBadInput(t *testing.T) {
	ctx := context.Background()
	id := func(_ context.Context, v int) (int, error) { return v, nil }
	for _, in := range [][]int{nil, {}} {
		out, err := pool.Map(ctx, 3, in, id)
		if err != nil || out == nil || len(out) != 0 {
			t.Errorf("Map(%#v) = %#v, %v; want an empty result, nil", in, out, err)
		}
		if err := pool.ForEach(ctx, 3, in, func(context.Context, int) error { t.Error("fn called"); return nil }); err != nil {
			t.Errorf("ForEach(%#v) = %v", in, err)
		}
	}
	mustPanic(t, "pool: Map called with a nil fn", func() { _, _ = pool.Map[int, int](ctx, 1, []int{}, nil) })
	mustPanic(t, "pool: limit must be at least 1, got 0", func() { _, _ = pool.Map(ctx, 0, []int{}, id) })
	done, cancel := context.WithCancel(ctx)
	cancel()
	for _, in := range [][]int{nil, {1, 2, 3}} {
		if _, err := pool.Map(done, 2, in, func(context.Context, int) (int, error) { t.Error("fn called"); return 0, nil }); err != context.Canceled {
			t.Errorf("Map(done ctx, %v) = %v, want context.Canceled", in, err)
		}
		if err := pool.ForEach(done, 2, in, func(context.Context, int) error { t.Error("fn called"); return nil }); err != context.Canceled {
			t.Errorf("ForEach(done ctx, %v) = %v, want context.Canceled", in, err)
		}
	}
}
