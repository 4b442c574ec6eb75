package kitchen

import (
	"math"
	"sync"
	"time"
)

// A Burner does CPU work: a fixed number of arithmetic steps, calibrated so
// that Burn(d) takes about d on one idle core. Under load, or when more
// goroutines burn than there are cores, it takes longer: that is the point.
type Burner struct {
	once    sync.Once
	perMsec float64 // steps per millisecond on one core
}

// sink keeps the compiler from removing the work.
var sink struct {
	mu sync.Mutex
	v  uint64
}

// spin runs n steps of a xorshift generator and returns its state.
func spin(n int) uint64 {
	x := uint64(88172645463325252)
	for range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

func (b *Burner) calibrate() {
	const n = 1 << 19
	v := spin(4 * n) // a warm-up: a core may raise its clock once busy
	sink.mu.Lock()
	sink.v ^= v
	sink.mu.Unlock()
	best := time.Duration(math.MaxInt64)
	for range 7 {
		t := time.Now()
		v := spin(n)
		if d := time.Since(t); d < best {
			best = d
		}
		sink.mu.Lock()
		sink.v ^= v
		sink.mu.Unlock()
	}
	b.perMsec = n / (float64(best) / float64(time.Millisecond))
}

// Calibrate measures the speed of one core now, so that later calls of
// Burn do not pay for it; Burn calibrates on its first call otherwise.
func (b *Burner) Calibrate() { b.once.Do(b.calibrate) }

// Burn does d's worth of CPU work, as calibrated on the first call.
func (b *Burner) Burn(d time.Duration) {
	b.once.Do(b.calibrate)
	v := spin(int(b.perMsec * float64(d) / float64(time.Millisecond)))
	sink.mu.Lock()
	sink.v ^= v
	sink.mu.Unlock()
}

// A CoreTest is what the measure of free cores found: how long the same
// amount of CPU work took on one goroutine, and on two goroutines at once
// (each doing that amount), the fastest of Tries tries each.
type CoreTest struct {
	Work     time.Duration // the work, in one idle core's time
	One, Two time.Duration
	Tries    int
}

// Free returns the cores this process could use: the work done per unit of
// wall time, in cores, the better of the two measures. The speed of one core
// is the calibrated one, or the speed one goroutine showed when faster (the
// calibration may have run while the machine was busier). One goroutine
// alone can show at most one core; two at once up to two.
func (c CoreTest) Free() float64 {
	if c.One <= 0 || c.Two <= 0 {
		return 0
	}
	one := float64(c.Work) / float64(c.One)
	two := 2 * float64(c.Work) / float64(c.Two)
	return min(2, max(one, two)/max(1, one))
}

// TestCores measures how many cores this process can use now: it burns work
// on one goroutine, then on two at once, tries times, alternating, and
// keeps the fastest of each. A second core free for only a moment during
// one try is enough to show.
func TestCores(burn *Burner, work time.Duration, tries int) CoreTest {
	c := CoreTest{Work: work, Tries: tries}
	for range tries {
		t := time.Now()
		burn.Burn(work)
		if d := time.Since(t); c.One == 0 || d < c.One {
			c.One = d
		}
		t = time.Now()
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { burn.Burn(work) })
		}
		wg.Wait()
		if d := time.Since(t); c.Two == 0 || d < c.Two {
			c.Two = d
		}
	}
	return c
}
