package busy_test

import (
	"runtime"
	"testing"

	"go.uber.org/goleak"

	"github.com/tamego/tame/internal/busy"
	"github.com/tamego/tame/internal/leaktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStartStop(t *testing.T) {
	base := runtime.NumGoroutine()
	stop := busy.Start(3)
	if n := runtime.NumGoroutine(); n != base+3 {
		t.Errorf("NumGoroutine after Start(3) = %d, want %d", n, base+3)
	}
	stop()
	leaktest.Back(t, base)
}
