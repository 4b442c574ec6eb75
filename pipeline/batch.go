package pipeline

import (
	"fmt"
	"time"
)

// Batch returns a channel that receives the items of in grouped into slices
// of at most size items, in order. A batch is sent when it holds size items;
// when maxWait > 0, also once its first item has waited maxWait (or a little
// longer while items keep arriving); and, with what it holds, when in is
// closed. No empty batch is sent; each batch is a new slice that the
// receiver owns. Batch takes no more items while a full batch waits to be
// sent. Once the pipeline is stopped, the batch being filled is dropped.
// size < 1 or a nil in panics.
func Batch[T any](p *Pipeline, in <-chan T, size int, maxWait time.Duration) <-chan []T {
	mustChan("Batch", in == nil)
	if size < 1 {
		panic(fmt.Sprintf("pipeline: Batch: size must be at least 1, got %d", size))
	}
	out, ol := output[[]T](p)
	sh := p.shared()
	own := owns(p, in)
	p.spawn("Batch", 1, func(_ int, t *tally) {
		var b []T
		// flush sends b; it reports false once the pipeline is stopped.
		flush := func() bool {
			if !send(sh, out, b, ol, t) {
				return false
			}
			t.out++
			t.done += uint64(len(b))
			b = nil
			return true
		}
		if maxWait <= 0 {
			for {
				v, ok := recv(sh, in, own, t)
				if !ok {
					break
				}
				t.received()
				if b == nil {
					b = make([]T, 0, size)
				}
				if b = append(b, v); len(b) == size && !flush() {
					return
				}
			}
			if len(b) > 0 {
				flush()
			}
			return
		}
		timer := time.NewTimer(maxWait)
		timer.Stop()
		defer timer.Stop()
		polls := 0
		for {
			if len(b) == 0 {
				// No batch, no timer: wait for the first item.
				v, ok := recv(sh, in, own, t)
				if !ok {
					return
				}
				t.received()
				b = append(make([]T, 0, size), v)
				if len(b) == size {
					if !flush() {
						return
					}
					continue
				}
				timer.Reset(maxWait)
				continue
			}
			// Take an item that is already waiting without a select over
			// the timer, which costs several times more; look at the timer
			// at least every 16 items, so a batch filling steadily is
			// still sent close to maxWait.
			var v T
			var ok, got bool
			if polls++; polls%16 != 0 {
				if sh.stopped() {
					return
				}
				select {
				case v, ok = <-in:
					got = true
				default:
				}
			}
			if !got {
				if len(in) == 0 {
					t.waiting(sh)
				}
				select {
				case v, ok = <-in:
				case <-timer.C:
					if !flush() {
						return
					}
					continue
				case <-sh.done:
					return
				}
			}
			if !ok {
				flush()
				return
			}
			if sh.stopped() {
				return // the item is dropped with the batch
			}
			t.received()
			if b = append(b, v); len(b) == size {
				timer.Stop()
				if !flush() {
					return
				}
			}
		}
	}, func(int) { drain(in, own) }, func() { close(out) })
	return out
}
