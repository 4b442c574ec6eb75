// Package leaktest checks, in tests, that a component's goroutines are gone
// once its Wait, Close or Stop has returned.
package leaktest

import (
	"runtime"
	"testing"
	"time"
)

// Settle is how long Back waits for exiting goroutines to be gone. A
// goroutine that has signalled its owner may still be counted for an instant
// after Wait returns; it never takes this long.
const Settle = 2 * time.Second

// Back fails t unless runtime.NumGoroutine comes back to at most baseline
// within Settle. It yields the processor while it polls and never sleeps.
// Take baseline with runtime.NumGoroutine before starting the component, and
// call Back right after its Wait, Close or Stop returns. Do not use it in
// parallel tests: other tests' goroutines are counted too.
func Back(t testing.TB, baseline int) {
	t.Helper()
	deadline := time.Now().Add(Settle)
	n := runtime.NumGoroutine()
	for n > baseline && time.Now().Before(deadline) {
		runtime.Gosched()
		n = runtime.NumGoroutine()
	}
	if n > baseline {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("NumGoroutine = %d, want at most %d once the component has returned; goroutines:\n%s", n, baseline, buf)
	}
}
