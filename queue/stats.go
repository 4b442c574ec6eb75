package queue

import "time"

// Stats is a snapshot of a queue's counters, returned by Queue.Stats and
// Keyed.Stats.
type Stats struct {
	// Depth is the number of items waiting now (Len): accepted, not yet
	// given to the handler. It is as exact as Len (it may count up to 15
	// items the handler was just given), and Handled may then miss as many
	// of the latest items.
	Depth int
	// MaxDepth is the most items that were ever waiting at once. It never
	// exceeds the capacity.
	MaxDepth int
	// Keys is, for a Keyed queue, the number of keys that hold memory now:
	// keys with items waiting or being handled. It is 0 for a Queue.
	Keys int
	// Handled is the number of items given to the handler so far, the ones
	// that panicked and the ones being handled included.
	Handled int64
	// Panicked is the number of handler calls that panicked (panic(nil)
	// included) or called runtime.Goexit.
	Panicked int64
	// Blocked is the total time Push callers spent waiting for room.
	Blocked time.Duration
}
