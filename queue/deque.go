package queue

// A deque is a FIFO of values in a ring that grows by doubling: its length
// is a power of two. The zero value is an empty deque.
type deque[T any] struct {
	buf  []T
	head int
	n    int
}

func (d *deque[T]) len() int { return d.n }

func (d *deque[T]) grow() {
	if d.n < len(d.buf) {
		return
	}
	buf := make([]T, max(4, 2*len(d.buf)))
	for i := range d.n {
		buf[i] = d.buf[(d.head+i)&(len(d.buf)-1)]
	}
	d.buf, d.head = buf, 0
}

func (d *deque[T]) push(v T) {
	d.grow()
	d.buf[(d.head+d.n)&(len(d.buf)-1)] = v
	d.n++
}

// pop removes and returns the first value; the deque must not be empty.
func (d *deque[T]) pop() T {
	var zero T
	v := d.buf[d.head]
	d.buf[d.head] = zero
	d.head = (d.head + 1) & (len(d.buf) - 1)
	d.n--
	return v
}

// release lets the buffer go once the deque is empty, so a deque that was
// long once holds no memory for it.
func (d *deque[T]) release() {
	if d.n == 0 {
		d.buf, d.head = nil, 0
	}
}
