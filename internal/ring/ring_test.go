package ring

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// take takes the next item as a consumer does.
func take[T any](r *Ring[T]) (T, bool) {
	p, ok := r.Next()
	if !ok {
		var zero T
		return zero, false
	}
	v := *p
	r.Pop()
	return v, true
}

// TestExactCapacity: TryPut accepts exactly capacity items while the
// consumer has none in hand, and one more once it has taken one (the item in
// hand does not count), for small and odd capacities, with the lagging head
// never published by a park.
func TestExactCapacity(t *testing.T) {
	caps := []int{63, 64, 65, 100, 257}
	for c := 1; c <= 40; c++ {
		caps = append(caps, c)
	}
	for _, c := range caps {
		r := New[int](c)
		r.SetOwner()
		n := 0
		for r.TryPut(new(n)) == Done {
			n++
		}
		if n != c || r.Depth() != c {
			t.Fatalf("capacity %d: TryPut accepted %d, Depth %d", c, n, r.Depth())
		}
		for round := range 3 * c {
			v, _ := take(r)
			if v != round {
				t.Fatalf("capacity %d: took %d, want %d", c, v, round)
			}
			if got := r.TryPut(new(n)); got != Done {
				t.Fatalf("capacity %d, round %d: TryPut = %v with one taken, want Done", c, round, got)
			}
			n++
			if got := r.TryPut(new(-1)); got != Full {
				t.Fatalf("capacity %d, round %d: TryPut = %v on a full ring, want Full", c, round, got)
			}
		}
		if d := r.MaxDepth(0); d != c {
			t.Errorf("capacity %d: MaxDepth = %d", c, d)
		}
		r.Close()
	}
}

func TestFits(t *testing.T) {
	if Fits[int](math.MaxInt) || Fits[[64]byte](1<<50) {
		t.Error("Fits reports a ring larger than memory as fitting")
	}
	if !Fits[int](1 << 20) {
		t.Error("Fits refuses a ring of a million ints")
	}
}

// consume runs a consumer goroutine that sends what it takes on out, until
// the ring is closed and drained.
func consume[T any](r *Ring[T], out chan<- T) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(out)
		r.SetOwner()
		for {
			v, ok := take(r)
			if !ok {
				return
			}
			out <- v
		}
	}()
	return func() { <-done }
}

// TestPutWaitsInOrder: producers that find the ring full wait, are let in
// oldest first as room is made, and TryPut does not overtake them.
func TestPutWaitsInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New[int](1)
		out := make(chan int)
		wait := consume(r, out)
		ctx := context.Background()
		if r.Put(ctx, new(0)) != Done {
			t.Fatal("Put to an empty ring did not accept")
		}
		synctest.Wait() // the consumer has 0 in hand, blocked on out
		if r.Put(ctx, new(1)) != Done {
			t.Fatal("Put to a ring with room did not accept")
		}
		results := make(chan int, 3)
		for i := 2; i <= 4; i++ {
			go func() {
				if res := r.Put(ctx, new(i)); res != Done {
					t.Errorf("Put(%d) = %v, want Done", i, res)
				}
				results <- i
			}()
			synctest.Wait() // i waits behind the ones before it
		}
		if b := r.Blocked(); b != 3 {
			t.Fatalf("Blocked = %d, want 3", b)
		}
		if res := r.TryPut(new(99)); res != Full {
			t.Fatalf("TryPut = %v while producers wait, want Full", res)
		}
		for want := 0; want <= 4; want++ {
			if got := <-out; got != want {
				t.Fatalf("took %d, want %d", got, want)
			}
			synctest.Wait()
			// Taking want let in want+2 (the ring holds one item).
			if want+2 <= 4 {
				if got := <-results; got != want+2 {
					t.Fatalf("Put(%d) returned, want Put(%d)", got, want+2)
				}
			}
		}
		r.Close()
		if _, ok := <-out; ok {
			t.Fatal("took an item after the last")
		}
		wait()
	})
}

// TestPutCancelled: a waiting Put whose ctx ends returns Cancelled, and its
// item is never taken; a done ctx refuses at once.
func TestPutCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New[int](1)
		if r.TryPut(new(1)) != Done {
			t.Fatal("TryPut to an empty ring did not accept")
		}
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan Result, 1)
		go func() { res <- r.Put(ctx, new(2)) }()
		synctest.Wait()
		cancel()
		if got := <-res; got != Cancelled {
			t.Fatalf("Put = %v after cancel, want Cancelled", got)
		}
		if got := r.Put(ctx, new(3)); got != Cancelled {
			t.Fatalf("Put with a done ctx = %v, want Cancelled", got)
		}
		if b := r.Blocked(); b != 0 {
			t.Fatalf("Blocked = %d after the cancel, want 0", b)
		}
		r.Close()
		var got []int
		for {
			v, ok := take(r)
			if !ok {
				break
			}
			got = append(got, v)
		}
		if fmt.Sprint(got) != "[1]" {
			t.Fatalf("took %v, want [1]", got)
		}
	})
}

// TestClose: Close refuses the waiting producers and every later put, the
// items accepted before are still taken, and the ring is settled once the
// consumer has seen the end.
func TestClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New[string](2)
		ctx := context.Background()
		r.TryPut(new("a"))
		r.TryPut(new("b"))
		res := make(chan Result, 1)
		go func() { res <- r.Put(ctx, new("c")) }()
		synctest.Wait()
		r.Close()
		r.Close() // idempotent
		if got := <-res; got != Closed {
			t.Fatalf("waiting Put = %v after Close, want Closed", got)
		}
		if got := r.TryPut(new("d")); got != Closed {
			t.Fatalf("TryPut = %v after Close, want Closed", got)
		}
		if got := r.Put(ctx, new("e")); got != Closed {
			t.Fatalf("Put = %v after Close, want Closed", got)
		}
		if !r.IsClosed() || r.Settled() {
			t.Fatal("closed with items left: IsClosed false or Settled true")
		}
		out := make(chan string)
		wait := consume(r, out)
		var got []string
		for v := range out {
			got = append(got, v)
		}
		wait()
		if fmt.Sprint(got) != "[a b]" {
			t.Fatalf("took %v, want [a b]", got)
		}
		if !r.Settled() {
			t.Fatal("Settled false once every item was taken")
		}
		if c := r.Claimed(); c != 2 {
			t.Fatalf("Claimed = %d, want 2", c)
		}
	})
}

// TestSelf: the consumer's own Put on a full ring gives up at once.
func TestSelf(t *testing.T) {
	r := New[int](1)
	r.SetOwner()
	r.TryPut(new(1))
	if got := r.Put(context.Background(), new(2)); got != Self {
		t.Fatalf("the consumer's Put to its full ring = %v, want Self", got)
	}
	if b := r.Blocked(); b != 0 {
		t.Fatalf("Blocked = %d, want 0", b)
	}
}

// TestAtWaitsForWrite: a claimed position not written yet holds up At and
// Next, durably, also after Close, until its producer writes it.
func TestAtWaitsForWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New[int](4)
		p, res := r.Claim()
		if res != Done {
			t.Fatal("Claim on an empty ring failed")
		}
		r.TryPut(new(2))
		r.Close()
		got := make(chan int, 2)
		go func() {
			r.SetOwner()
			got <- *r.At(r.Pos() + 1)
			got <- *r.At(r.Pos())
		}()
		synctest.Wait()
		if v := <-got; v != 2 {
			t.Fatalf("At(1) = %d, want 2", v)
		}
		synctest.Wait()
		select {
		case v := <-got:
			t.Fatalf("At(0) = %d before it was written", v)
		default:
		}
		r.Write(p, new(1))
		if v := <-got; v != 1 {
			t.Fatalf("At(0) = %d, want 1", v)
		}
	})
}

// TestNextParksWhileFull: the ring is full, its next position is claimed
// but not written yet, and a producer waits for room. The consumer parks
// (durably: synctest.Wait returns) instead of looking again and again, then
// takes the item once written and lets the waiting producer in.
func TestNextParksWhileFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := New[int](1)
		p, res := r.Claim()
		if res != Done {
			t.Fatal("Claim on an empty ring failed")
		}
		put := make(chan Result, 1)
		go func() { put <- r.Put(context.Background(), new(2)) }()
		synctest.Wait()
		if b := r.Blocked(); b != 1 {
			t.Fatalf("Blocked = %d, want 1", b)
		}
		got := make(chan int, 2)
		go func() {
			r.SetOwner()
			for range 2 {
				v, ok := r.Next()
				if !ok {
					return
				}
				got <- *v
				r.Pop()
			}
		}()
		synctest.Wait() // hangs if the consumer looks again and again
		select {
		case v := <-got:
			t.Fatalf("Next = %d before position 0 was written", v)
		default:
		}
		r.Write(p, new(1))
		for want := 1; want <= 2; want++ {
			if v := <-got; v != want {
				t.Fatalf("Next = %d, want %d", v, want)
			}
		}
		if res := <-put; res != Done {
			t.Fatalf("waiting Put = %v, want Done", res)
		}
	})
}

// TestConcurrent: producers racing each other and Close; every item
// accepted is taken once, in each producer's order, and nothing refused is.
func TestConcurrent(t *testing.T) {
	for _, c := range []int{1, 3, 64} {
		r := New[[2]int](c)
		out := make(chan [2]int, 16)
		wait := consume(r, out)
		const producers, items = 8, 2000
		accepted := make([]int, producers)
		var wg sync.WaitGroup
		for w := range producers {
			wg.Go(func() {
				ctx := context.Background()
				for i := range items {
					var res Result
					if i%3 == 0 {
						res = r.TryPut(new([2]int{w, accepted[w]}))
						if res == Full {
							continue
						}
					} else {
						res = r.Put(ctx, new([2]int{w, accepted[w]}))
					}
					if res == Closed {
						return
					}
					if res != Done {
						t.Errorf("put = %v", res)
						return
					}
					accepted[w]++
				}
			})
		}
		next := make([]int, producers)
		closeAt := producers * items / 2
		n := 0
		for v := range out {
			if v[1] != next[v[0]] {
				t.Fatalf("capacity %d: producer %d's item %d came as number %d", c, v[0], next[v[0]], v[1])
			}
			next[v[0]]++
			if n++; n == closeAt {
				go r.Close()
			}
		}
		wg.Wait()
		wait()
		for w := range producers {
			if next[w] != accepted[w] {
				t.Errorf("capacity %d: producer %d: %d accepted, %d taken", c, w, accepted[w], next[w])
			}
		}
	}
}
