package actor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/internal/busy"
)

// benchCounter is the actor of BenchmarkActor: it owns an int64 count, Tell
// adds one, Ask reads it.
type benchCounter interface {
	Tell()
	Ask() int64 // safe to call from several goroutines at once
	Close()
}

// tameCounter is the counter as an actor of this package, default options.
type tameCounter struct {
	ref *actor.Ref[benchMsg]
}

type benchMsg struct {
	get   bool
	reply actor.Reply[int64]
}

func newTameCounter() benchCounter {
	return tameCounter{actor.Spawn(context.Background(), func() int64 { return 0 },
		func(_ context.Context, n *int64, m benchMsg) {
			if m.get {
				m.reply.Send(*n)
				return
			}
			*n++
		})}
}

func (c tameCounter) Tell() {
	if err := c.ref.Tell(context.Background(), benchMsg{}); err != nil {
		panic(err)
	}
}

func (c tameCounter) Ask() int64 {
	n, err := actor.Ask(context.Background(), c.ref, func(r actor.Reply[int64]) benchMsg { return benchMsg{get: true, reply: r} })
	if err != nil {
		panic(err)
	}
	return n
}

func (c tameCounter) Close() {
	if err := c.ref.Stop(); err != nil {
		panic(err)
	}
}

// chanCounter is the hand-written baseline: a goroutine ranging over a
// channel mailbox of capacity 1024. An ask carries a reply channel that its
// sender reuses (one per goroutine, from a pool), so it allocates nothing.
type chanCounter struct {
	mailbox chan chan int64 // nil: add one; non-nil: send the count there
	replies sync.Pool
	done    chan struct{}
}

func newChanCounter() benchCounter {
	c := &chanCounter{mailbox: make(chan chan int64, 1024), done: make(chan struct{})}
	c.replies.New = func() any { return make(chan int64, 1) }
	go func() {
		defer close(c.done)
		var n int64
		for reply := range c.mailbox {
			if reply == nil {
				n++
			} else {
				reply <- n
			}
		}
	}()
	return c
}

func (c *chanCounter) Tell() { c.mailbox <- nil }

func (c *chanCounter) Ask() int64 {
	reply := c.replies.Get().(chan int64)
	c.mailbox <- reply
	n := <-reply
	c.replies.Put(reply)
	return n
}

func (c *chanCounter) Close() { close(c.mailbox); <-c.done }

// BenchmarkActor measures Tell (ns per message, including the time the
// actor takes to handle them all: a final Ask waits for that) and Ask (ns per
// round trip) from 1 and 8 goroutines, for this package and the hand-written
// goroutine + channel actor.
func BenchmarkActor(b *testing.B) {
	impls := []struct {
		name string
		new  func() benchCounter
	}{
		{"tame", newTameCounter},
		{"chan-actor", newChanCounter},
	}
	// The impl loop is innermost so that the two columns of a row run back to
	// back, under the same load.
	for _, op := range []string{"tell", "ask"} {
		for _, senders := range []int{1, 8} {
			for _, impl := range impls {
				b.Run(fmt.Sprintf("impl=%s/op=%s/senders=%d", impl.name, op, senders), func(b *testing.B) {
					c := impl.new()
					defer c.Close()
					for range 1000 { // warm up: pools, mailbox, scheduler
						c.Tell()
					}
					start := c.Ask()
					b.ReportAllocs()
					b.ResetTimer()
					var wg sync.WaitGroup
					for s := range senders {
						k := (s+1)*b.N/senders - s*b.N/senders
						wg.Go(func() {
							for range k {
								if op == "tell" {
									c.Tell()
								} else {
									c.Ask()
								}
							}
						})
					}
					wg.Wait()
					got := c.Ask()
					b.StopTimer()
					want := start
					if op == "tell" {
						want += int64(b.N)
					}
					if got != want {
						b.Fatalf("count = %d, want %d", got, want)
					}
				})
			}
		}
	}
}

// BenchmarkAskUnderLoad measures an Ask round trip while busy goroutines keep
// every processor occupied. A round trip that hands the processor straight
// over (a wake-up puts the woken goroutine next in line) costs about as much
// as on an idle machine; one that yields (runtime.Gosched puts the goroutine
// at the back of the global run queue) waits for the busy goroutines' time
// slices: tens of milliseconds per Ask.
func BenchmarkAskUnderLoad(b *testing.B) {
	for _, impl := range []struct {
		name string
		new  func() benchCounter
	}{{"tame", newTameCounter}, {"chan-actor", newChanCounter}} {
		b.Run(fmt.Sprintf("impl=%s/busy=4", impl.name), func(b *testing.B) {
			c := impl.new()
			defer c.Close()
			stop := busy.Start(4)
			c.Ask()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				c.Ask()
			}
			b.StopTimer()
			stop()
		})
	}
}
