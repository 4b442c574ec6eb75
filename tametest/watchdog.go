package tametest

import (
	"fmt"
	"runtime"
	"time"
)

// stuckAfter is how long, in real time, a run may pass no point before the
// watchdog calls it stuck.
var stuckAfter = 60 * time.Second

// watch runs outside the bubble while a run goes on, until stop is closed.
// The explorer waits for every goroutine of the bubble to be durably
// blocked before it lets one go on; a goroutine that waits in a way that
// is not durable (on a sync.Mutex held by a goroutine parked at a point, or
// spinning) makes it wait forever. The watchdog turns that hang into a
// crash that says why, with every goroutine's stack, instead of a test
// timeout.
func (ex *explorer) watch(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(stuckAfter / 10)
	defer tick.Stop()
	last, since := -1, time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			ex.mu.Lock()
			step := ex.step
			ex.mu.Unlock()
			if step != last {
				last, since = step, now
				continue
			}
			if now.Sub(since) < stuckAfter {
				continue
			}
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			panic(fmt.Sprintf("tametest: the run under seed %#x passed no synchronization point for %v: "+
				"a goroutine of the body waits in a way that is not durably blocking (a sync.Mutex held "+
				"across a call into tame, a busy loop), so the explorer cannot tell that it is blocked; "+
				"see the package doc\n\n%s", ex.plan.seed, stuckAfter, buf))
		}
	}
}
