package lock_test

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// watchdog is how long a test that waits on a mutex (which testing/synctest
// cannot see) may take before it is declared stuck.
const watchdog = 30 * time.Second

// finish waits for wg, failing the test with every goroutine's stack if it
// takes longer than the watchdog: a deadlock shows up as a failure, not a
// hang.
func finish(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(watchdog)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		buf := make([]byte, 1<<20)
		t.Fatalf("still waiting after %v (a deadlock?); goroutines:\n%s", watchdog, buf[:runtime.Stack(buf, true)])
	}
}

// mustPanic calls f and returns what it panicked with, failing the test
// when it returned.
func mustPanic(t *testing.T, f func()) (v any) {
	t.Helper()
	panicked := true
	func() {
		defer func() { v = recover() }()
		f()
		panicked = false
	}()
	if !panicked {
		t.Fatalf("call returned, want a panic")
	}
	return v
}

// mustPanicWith checks that f panics with a string that contains want.
func mustPanicWith(t *testing.T, want string, f func()) {
	t.Helper()
	v := mustPanic(t, f)
	s, ok := v.(string)
	if !ok || !strings.Contains(s, want) {
		t.Fatalf("panic value = %#v, want a string containing %q", v, want)
	}
}
