package queue_test

import (
	"context"
	"sync"
	"testing"

	"github.com/tamego/tame/internal/busy"
	"github.com/tamego/tame/queue"
)

// BenchmarkLatencyUnderLoad measures one item's round trip through an idle
// queue (push, handle, signal back) while four goroutines keep both
// processors busy, beside a buffered channel drained by one goroutine. A
// consumer that yielded (runtime.Gosched) before it parks would not be
// woken by a Push meanwhile and would wait behind the busy goroutines for a
// whole time slice.
func BenchmarkLatencyUnderLoad(b *testing.B) {
	defer busy.Start(4)()
	done := make(chan struct{}, 1)
	handle := func(int) { done <- struct{}{} }

	b.Run("impl=chan-consumer", func(b *testing.B) {
		b.ReportAllocs()
		ch := make(chan int, 64)
		var consumer sync.WaitGroup
		consumer.Go(func() {
			for v := range ch {
				handle(v)
			}
		})
		for b.Loop() {
			ch <- 1
			<-done
		}
		close(ch)
		consumer.Wait()
	})
	b.Run("impl=tame", func(b *testing.B) {
		b.ReportAllocs()
		q := queue.New(64, handle)
		for b.Loop() {
			if err := q.Push(context.Background(), 1); err != nil {
				b.Fatal(err)
			}
			<-done
		}
		if err := q.Close(); err != nil {
			b.Fatal(err)
		}
	})
}
