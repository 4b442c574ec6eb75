package queue

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestChunkListIsADeque checks a key's line against a slice: items come out
// in order after any mix of push, pushFront (a window cut short puts its
// items back) and pop, every place popped is zeroed, and the pool keeps at
// most its bound of empty chunks, which refilling the lines reuses.
func TestChunkListIsADeque(t *testing.T) {
	if p := newChunkPool[int](1 << 40); p.max > maxFree {
		t.Errorf("a pool for a huge capacity keeps up to %d chunks, more than %d", p.max, maxFree)
	}
	for _, capacity := range []int{1, 3, 4, 31, 32, 33, 100, 1000} {
		p := newChunkPool[*int](capacity)
		lines := make([]chunkList[*int], 3)
		models := make([][]*int, 3)
		r := rand.New(rand.NewPCG(uint64(capacity), 1))
		next := 0
		for range 20000 {
			k := r.IntN(len(lines))
			l, m := &lines[k], &models[k]
			switch op := r.IntN(10); {
			case op < 5:
				v := new(next)
				next++
				l.push(&p, v)
				*m = append(*m, v)
			case op < 6:
				v := new(next)
				next++
				l.pushFront(&p, v)
				*m = slices.Insert(*m, 0, v)
			default:
				if l.len() == 0 {
					continue
				}
				c, hi := l.head, l.hi
				if got, want := l.pop(&p), (*m)[0]; got != want {
					t.Fatalf("capacity %d: pop = %d, want %d", capacity, *got, *want)
				}
				*m = (*m)[1:]
				if c.items[hi] != nil {
					t.Fatalf("capacity %d: the place of a popped item still holds it", capacity)
				}
			}
			if l.len() != len(*m) {
				t.Fatalf("capacity %d: len = %d, want %d", capacity, l.len(), len(*m))
			}
			if p.nfree > p.max {
				t.Fatalf("capacity %d: the pool keeps %d chunks, more than %d", capacity, p.nfree, p.max)
			}
		}
		for k := range lines {
			for lines[k].len() > 0 {
				lines[k].pop(&p)
			}
			if lines[k].head != nil || lines[k].tail != nil {
				t.Fatalf("capacity %d: an empty line holds a chunk", capacity)
			}
		}
		// Refilled, the lines take their chunks from the pool, as long as
		// it has some.
		free := p.nfree
		for i := range min(capacity, free*p.size) {
			lines[i%len(lines)].push(&p, new(i))
		}
		held := 0
		for _, l := range lines {
			for c := l.head; c != nil; c = c.next {
				held++
			}
		}
		if want := max(0, free-held); held <= free && p.nfree != want {
			t.Errorf("capacity %d: the lines hold %d chunks and the pool keeps %d of %d: they did not come from it", capacity, held, p.nfree, free)
		}
	}
}
