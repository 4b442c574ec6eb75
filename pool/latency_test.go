package pool_test

import (
	"context"
	"testing"

	"github.com/tamego/tame/internal/busy"
	"github.com/tamego/tame/pool"
)

// BenchmarkLatencyUnderLoad measures one task's round trip (submit, run,
// signal back) while four goroutines keep both processors busy, beside a
// goroutine per task. A worker that yields (runtime.Gosched) before it
// exits, instead of exiting, waits behind the busy goroutines for a whole
// time slice, and a task given to it waits too: this benchmark showed 40 ms
// per task then, against about 1 µs now.
func BenchmarkLatencyUnderLoad(b *testing.B) {
	defer busy.Start(4)()
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
