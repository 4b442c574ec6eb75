package queue

// Stats is a snapshot of the counters of a [Queue] or a [Keyed] queue, in
// the vocabulary of [tame]. The fields are read one after the other while
// the queue runs; once Close has returned, Submitted == Completed + Failed.
type Stats struct {
	Submitted  uint64 // items accepted by Push and TryPush
	Refused    uint64 // Push and TryPush calls that accepted nothing
	Waiting    int    // items accepted and not yet given to the handler (Len)
	MaxWaiting int    // the most items that ever waited at once; at most the capacity
	Running    int    // handler calls in progress
	Completed  uint64 // handler calls that returned
	Failed     uint64 // handler calls that panicked or called runtime.Goexit
	Keys       int    // Keyed only: keys with items waiting or being handled
	Blocked    int    // Push calls waiting for room now
}
