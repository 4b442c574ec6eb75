package pipeline

import "fmt"

// Merge returns a channel that receives the items of every input channel (fan
// in), in any order across inputs and in order within each one. It is closed
// once every input is closed, or once the pipeline is stopped. One goroutine
// of p forwards each input, so a slow or idle input does not hold up the
// others. With no inputs, the channel is closed at once. A nil input panics.
func Merge[T any](p *Pipeline, ins ...<-chan T) <-chan T {
	for i, in := range ins {
		if in == nil {
			panic(fmt.Sprintf("pipeline: Merge: input %d is a nil channel", i))
		}
	}
	out, ol := output[T](p)
	if len(ins) == 0 {
		p.shared()
		close(out)
		return out
	}
	sh := p.shared()
	own := make([]bool, len(ins))
	for i, in := range ins {
		own[i] = owns(p, in)
	}
	p.spawn("Merge", len(ins), func(i int, t *tally) {
		in, own := ins[i], own[i]
		for {
			v, ok := recv(sh, in, own, t)
			if !ok {
				return
			}
			t.received()
			if !send(sh, out, v, ol, t) {
				return
			}
			t.out++
			t.done++
		}
	}, func(i int) { drain(ins[i], own[i]) }, func() { close(out) })
	return out
}

// Broadcast returns n channels that each receive every item of in, in order
// (fan out by copying, where [Map] with workers fans out by sharing). One
// goroutine of p sends each item to every output before it takes the next,
// so the slowest reader sets the pace of all: every output must be read, by
// different goroutines, until it is closed or the pipeline is stopped, or
// the others stall once their buffers are full. The outputs get copies of
// the item: when T holds a pointer, slice or map, they share what it points
// to, so treat it as read-only. The outputs are closed once in is closed and
// the last item sent, or once the pipeline is stopped. n < 1 or a nil in
// panics.
func Broadcast[T any](p *Pipeline, in <-chan T, n int) []<-chan T {
	mustChan("Broadcast", in == nil)
	if n < 1 {
		panic(fmt.Sprintf("pipeline: Broadcast: n must be at least 1, got %d", n))
	}
	outs := make([]chan T, n)
	links := make([]*link, n)
	ro := make([]<-chan T, n)
	for i := range outs {
		outs[i], links[i] = output[T](p)
		ro[i] = outs[i]
	}
	sh := p.shared()
	own := owns(p, in)
	p.spawn("Broadcast", 1, func(_ int, t *tally) {
		for {
			v, ok := recv(sh, in, own, t)
			if !ok {
				return
			}
			t.received()
			for j, out := range outs {
				if !send(sh, out, v, links[j], t) {
					return
				}
				t.out++
			}
			t.done++
		}
	}, func(int) { drain(in, own) }, func() {
		for _, out := range outs {
			close(out)
		}
	})
	return ro
}
