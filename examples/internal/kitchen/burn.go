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
	const n = 1 << 18
	best := time.Duration(math.MaxInt64)
	for range 5 {
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
