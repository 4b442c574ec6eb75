package pool_test

import (
	"context"
	"testing"

	"github.com/tamego/tame/internal/busy"
	"github.com/tamego/tame/pool"
)

// BenchmarkLatencyUnderLoad measures one task's round trip (submit, run,
// signal back) while four goroutines keep every processor busy, beside a
// goroutine per task. A worker that yielded (runtime.Gosched) instead of
// exiting would wait behind the busy goroutines for a whole time slice, and
// a task given to it would wait too: this benchmark shows it.
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

// BenchmarkLatencyIdle measures one task's round trip (submit, run, signal
// back) on an idle pool, beside a goroutine per task: every task starts a
// worker goroutine, which retires once the task has returned, so the
// difference is what a worker start costs beyond the go statement (the
// owner registration among it). With a group, an op makes a new group, runs
// one task and waits for it.
func BenchmarkLatencyIdle(b *testing.B) {
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
	b.Run("impl=tame-group", func(b *testing.B) {
		b.ReportAllocs()
		fn := func(context.Context) error { task(); return nil }
		for b.Loop() {
			g := pool.NewGroup(context.Background(), 2)
			g.Go(fn)
			<-done
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
