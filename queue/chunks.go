package queue

// chunkSize is how many items a chunk holds.
const chunkSize = 16

// A chunk is a piece of a key's line.
type chunk[T any] struct {
	items [chunkSize]T
	next  *chunk[T]
}

// chunkPool keeps empty chunks for reuse by every line of a Keyed queue, so
// that a line that drains gives its memory back to the pool, not to the
// key, and a key that fills again allocates nothing. It keeps at most max
// chunks (enough for the capacity); the rest go to the garbage collector.
type chunkPool[T any] struct {
	free []*chunk[T]
	max  int
}

func (p *chunkPool[T]) get() *chunk[T] {
	if n := len(p.free); n > 0 {
		c := p.free[n-1]
		p.free = p.free[:n-1]
		return c
	}
	return new(chunk[T])
}

// put takes back an empty chunk; its items were zeroed as they were taken.
func (p *chunkPool[T]) put(c *chunk[T]) {
	c.next = nil
	if len(p.free) < p.max {
		p.free = append(p.free, c)
	}
}

// A chunkList is a FIFO of items in chunks from a pool. The zero value is
// an empty list.
type chunkList[T any] struct {
	head, tail *chunk[T]
	hi, ti     int // read index in head, write index in tail
	n          int
}

func (l *chunkList[T]) len() int { return l.n }

func (l *chunkList[T]) push(p *chunkPool[T], v T) {
	if l.tail == nil || l.ti == chunkSize {
		c := p.get()
		if l.tail == nil {
			l.head, l.hi = c, 0
		} else {
			l.tail.next = c
		}
		l.tail, l.ti = c, 0
	}
	l.tail.items[l.ti] = v
	l.ti++
	l.n++
}

// pop removes and returns the first item; the list must not be empty.
// Chunks it empties go back to p.
func (l *chunkList[T]) pop(p *chunkPool[T]) T {
	var zero T
	c := l.head
	v := c.items[l.hi]
	c.items[l.hi] = zero
	l.hi++
	l.n--
	switch {
	case l.n == 0:
		l.head, l.tail, l.hi, l.ti = nil, nil, 0, 0
		p.put(c)
	case l.hi == chunkSize:
		l.head, l.hi = c.next, 0
		p.put(c)
	}
	return v
}
