package pool

// This file is the waiting side of an engine: submitters that find no room
// and how they are woken.

// room reports whether a blocked submitter could be admitted now. It is
// called with c.mu held.
func (c *engine[T]) room() bool { return c.running < c.limit || c.waiting() < c.backlog }

// signal wakes one blocked submitter, if none is already being woken. It is
// called with c.mu held, when c.waiters > 0. The woken one passes the token
// on when there is still room (see wait), so every waiter is reached.
func (c *engine[T]) signal() {
	select {
	case c.space <- struct{}{}:
	default: // a token is already pending
	}
}

// overflow queues t past the backlog bound when the caller is a task of
// this engine and every other running task is waiting for room too: then
// no task would ever finish to make room. It reports whether it did. It is
// called with c.mu held.
func (c *engine[T]) overflow(t T, inTask bool) bool {
	if !inTask || c.taskWaiters+1 < c.running {
		return false
	}
	c.submitted++
	c.put(t)
	c.maxWaiting = max(c.maxWaiting, c.waiting())
	return true
}

// wait blocks a submitter until there may be room, done is closed or
// closed is closed. It is called with c.mu held and returns with it held;
// the caller loops and checks again.
func (c *engine[T]) wait(inTask bool, done, closed <-chan struct{}) {
	c.waiters++
	if inTask {
		c.taskWaiters++
	}
	c.mu.Unlock()
	select {
	case <-c.space:
	case <-done:
	case <-closed:
	}
	c.mu.Lock()
	c.waiters--
	if inTask {
		c.taskWaiters--
	}
	// Whatever woke us, the token may have been ours: hand it on when the
	// others could use it. The caller may take the room first, in which
	// case the next one wakes, finds none, and waits again.
	if c.waiters > 0 && c.room() {
		c.signal()
	}
}
