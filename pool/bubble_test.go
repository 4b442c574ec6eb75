package pool_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/pool"
)

// TestValuesMadeOutsideABubble: a Pool and a Group made outside a synctest
// bubble work inside one and outside again, as a sync.Mutex does: the bubble
// ends (its workers do not outlive it), and the values go on working.
func TestValuesMadeOutsideABubble(t *testing.T) {
	base := runtime.NumGoroutine()
	p := pool.NewPool(2)
	g := pool.NewGroup(context.Background(), 2)
	var ran atomic.Int64
	task := func() { ran.Add(1) }
	for round := range 3 {
		// Outside.
		done := make(chan struct{})
		if err := p.Submit(context.Background(), func() { task(); close(done) }); err != nil {
			t.Fatal(err)
		}
		<-done
		// Inside: the bubble must end, with the workers it started gone.
		synctest.Test(t, func(t *testing.T) {
			done := make(chan struct{})
			if err := p.Submit(context.Background(), func() { task(); close(done) }); err != nil {
				t.Error(err)
			}
			<-done
			if !p.TrySubmit(task) {
				t.Error("TrySubmit() = false on an idle pool")
			}
			g.Go(func(context.Context) error { task(); return nil })
			synctest.Wait()
		})
		_ = round
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := ran.Load(); got != 3*4 {
		t.Errorf("%d tasks ran, want %d", got, 3*4)
	}
	leaktest.Back(t, base)
}
