package pipeline

import "fmt"

// Merge returns a channel that receives the items of every input, in order
// within each one, and is closed once every input is closed or the pipeline
// is stopped. A slow input does not hold up the others. A nil input panics.
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

// Broadcast returns n channels that each receive every item of in, in order,
// and are closed once in is closed or the pipeline is stopped. It sends each
// item to every output before it takes the next, so every output must be
// read, by different goroutines, until it is closed. The outputs get copies
// of the item: treat what they point to as read-only. n < 1 or a nil in
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
