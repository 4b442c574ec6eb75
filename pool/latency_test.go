package pool_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/pool"
)

// BenchmarkLatencyUnderLoad measures one task's round trip (submit, run,
// signal back) while four goroutines keep both processors busy, beside a
// goroutine per task. A worker that yields (runtime.Gosched) before it
// exits, instead of exiting, waits behind the busy goroutines for a whole
// time slice, and a task given to it waits too: this benchmark showed 40 ms
// per task then, against about 1 µs now.
func BenchmarkLatencyUnderLoad(b *testing.B) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			x := 0
			for !stop.Load() {
				for i := range 1000 {
					x += i
				}
			}
			_ = x
		})
	}
	defer func() {
		stop.Store(true)
		wg.Wait()
	}()
	done := make(chan struct{}, 1)
	task := func() { done <- struct{}{} }

	b.Run("impl=goroutine", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			go task()
			<-done
		}
	})
	b.Run("impl=tame-pool", func(b *testing.B) {
		b.ReportAllocs()
		p := pool.NewPool(2)
		for b.Loop() {
			if err := p.Submit(context.Background(), task); err != nil {
				b.Fatal(err)
			}
			<-done
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	})
}
