package queue

// A deque is a FIFO of values in a ring that grows by doubling. The zero
// value is an empty deque.
type deque[T any] struct {
	buf  []T
	head int
	n    int
}

func (d *deque[T]) len() int { return d.n }

func (d *deque[T]) push(v T) {
	if d.n == len(d.buf) {
		buf := make([]T, max(4, 2*len(d.buf)))
		for i := range d.n {
			buf[i] = d.buf[(d.head+i)%len(d.buf)]
		}
		d.buf, d.head = buf, 0
	}
	i := d.head + d.n
	if i >= len(d.buf) {
		i -= len(d.buf)
	}
	d.buf[i] = v
	d.n++
}

// pop removes and returns the first value; the deque must not be empty.
func (d *deque[T]) pop() T {
	var zero T
	v := d.buf[d.head]
	d.buf[d.head] = zero
	d.head++
	if d.head == len(d.buf) {
		d.head = 0
	}
	d.n--
	return v
}

// shrink lets a large buffer go once the deque is empty, so a deque that
// was long once holds no memory for it.
func (d *deque[T]) shrink(keep int) {
	if d.n == 0 && len(d.buf) > keep {
		d.buf, d.head = nil, 0
	}
}
