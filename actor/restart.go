package actor

import "time"

// window is the restart intensity of [Restart] and of a [Supervisor]: at
// most max restarts within any span of length within.
type window struct {
	max    int
	within time.Duration
	times  []time.Time // the restarts still inside the window, oldest first
}

// allow reports whether a failure at now may restart, and records it if so.
func (w *window) allow(now time.Time) bool {
	cut := now.Add(-w.within)
	k := 0
	for k < len(w.times) && !w.times[k].After(cut) {
		k++
	}
	w.times = append(w.times[:0], w.times[k:]...)
	if len(w.times) >= w.max {
		return false
	}
	w.times = append(w.times, now)
	return true
}
