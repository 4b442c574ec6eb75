//go:build unix

package pipeline_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user and system) the process has used so
// far. Benchmarks report it per item beside the wall time: on a machine
// shared with other work, wall time includes the waits for a core, CPU time
// does not, so ratios of CPU time between implementations are steadier.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
