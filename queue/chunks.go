package queue

import "unsafe"

// A chunk is a piece of a key's line: a fixed number of items, and the
// chunk that follows.
type chunk[T any] struct {
	items []T
	next  *chunk[T]
}

const (
	// chunkBytes is about the memory of the items of one chunk: a key with
	// one item waiting holds no more than that, or minChunk items.
	chunkBytes = 256
	minChunk   = 4
	maxChunk   = 32
	// maxFree bounds the empty chunks a pool keeps, whatever the capacity:
	// a queue that once held many items keeps no more than this for the
	// keys that come next.
	maxFree = 1 << 10
)

// A chunkPool hands chunks to the lines of one Keyed queue and takes them
// back as they empty: a line that drains gives its memory to the pool, not
// to its key, and a key that fills again allocates nothing. The pool keeps
// at most max empty chunks, room for twice the capacity within maxFree;
// more go to the garbage collector. It is guarded by the queue's mutex.
type chunkPool[T any] struct {
	free  *chunk[T] // empty chunks, linked by next
	nfree int
	max   int
	size  int // items per chunk
}

func newChunkPool[T any](capacity int) chunkPool[T] {
	size := chunkBytes / max(1, int(unsafe.Sizeof(*new(T))))
	size = min(max(size, minChunk), maxChunk)
	n := capacity / size
	if capacity%size != 0 {
		n++
	}
	// A full queue's lines hold n chunks of items, and each line up to two
	// partly filled: room for the capacity alone would be given back and
	// allocated again as a few busy keys fill and drain.
	return chunkPool[T]{max: min(2*n, maxFree), size: size}
}

func (p *chunkPool[T]) get() *chunk[T] {
	c := p.free
	if c == nil {
		return &chunk[T]{items: make([]T, p.size)}
	}
	p.free, c.next = c.next, nil
	p.nfree--
	return c
}

// put takes back a chunk whose items were zeroed as they were taken.
func (p *chunkPool[T]) put(c *chunk[T]) {
	c.next = nil
	if p.nfree < p.max {
		c.next, p.free = p.free, c
		p.nfree++
	}
}

// A chunkList is a FIFO of items in chunks of a pool. The zero value is an
// empty list. It holds no chunk while empty; otherwise only the chunks at
// its two ends may be partly used.
type chunkList[T any] struct {
	head, tail *chunk[T]
	hi, ti     int // the index of the first item in head; one past the last in tail
	n          int
}

func (l *chunkList[T]) len() int { return l.n }

// push puts v after the last item.
func (l *chunkList[T]) push(p *chunkPool[T], v T) {
	if l.tail == nil || l.ti == len(l.tail.items) {
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

// pushFront puts v before the first item.
func (l *chunkList[T]) pushFront(p *chunkPool[T], v T) {
	if l.head == nil || l.hi == 0 {
		c := p.get()
		c.next = l.head
		if l.head == nil {
			l.tail, l.ti = c, len(c.items)
		}
		l.head, l.hi = c, len(c.items)
	}
	l.hi--
	l.head.items[l.hi] = v
	l.n++
}

// pop removes and returns the first item; the list must not be empty. The
// item's place is zeroed, and a chunk emptied goes back to p.
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
	case l.hi == len(c.items):
		l.head, l.hi = c.next, 0
		p.put(c)
	}
	return v
}
