package pool

// This file is the waiting side of an engine: submitters that find no room
// and how they are woken.

// room reports whether a blocked submitter could be admitted now. It is
// called with c.mu held.
func (c *engine[T]) room() bool { return c.running < c.limit || c.hasRoom() }

// signal wakes the longest blocked submitter, if none is already being
// woken. It is called with c.mu held. The woken one passes the wake-up on
// when there is still room (see wait), so every waiter is reached.
//
// Each blocked submitter waits on a channel made for that wait, so a value
// made outside a synctest bubble works inside one: the bubble sees the
// submitter durably blocked, and its clock moves.
func (c *engine[T]) signal() {
	if c.waking || len(c.blocked) == 0 {
		return
	}
	ch := c.blocked[0]
	c.blocked[0] = nil
	c.blocked = c.blocked[1:]
	c.waking = true
	close(ch)
}

// wakeAll wakes every blocked submitter (the pool was closed). It is called
// with c.mu held.
func (c *engine[T]) wakeAll() {
	for i, ch := range c.blocked {
		close(ch)
		c.blocked[i] = nil
	}
	c.blocked = c.blocked[:0]
}

// Who a blocked submitter is. Telling a task of the engine from another
// caller costs a goroutine id look-up and a walk over the running workers,
// so a submitter that finds the engine full finds out only when it could
// matter: when it and the other waiters could be every running task (see
// identify). Until then it waits as unknown.
type caller int

const (
	unknown caller = iota
	outsider
	ownTask
)

// mustIdentify reports whether a submitter about to wait must find out who
// it is: when the waiters and it may be every running task, or when a task
// asked the unknown waiters to identify. It is called with c.mu held.
func (c *engine[T]) mustIdentify() bool {
	return c.identify || c.waiters+1 >= c.running
}

// identity tells whether the caller is one of the engine's workers. It is
// called with c.mu held.
func (c *engine[T]) identity() caller {
	if c.fromTask() {
		return ownTask
	}
	return outsider
}

// overflow queues t past the backlog bound when the caller is a task of
// this engine and every other running task is waiting for room too: then
// no task would ever finish to make room. It reports whether it did. When
// unknown waiters could be the missing tasks, it asks them to identify,
// and the last of them decides. It is called with c.mu held.
func (c *engine[T]) overflow(t T, who caller) bool {
	if who != ownTask {
		return false
	}
	if c.taskWaiters+1 < c.running {
		if c.unknownWaiters > 0 && c.taskWaiters+c.unknownWaiters+1 >= c.running {
			c.identify = true
			c.signal()
		}
		return false
	}
	c.submitted++
	c.put(t)
	c.noteWaiting()
	return true
}

// wait blocks a submitter until there may be room, done is closed, the
// engine is closed (wakeAll), or it is asked to identify. It is called with
// c.mu held and returns with it held; the caller loops and checks again.
func (c *engine[T]) wait(who caller, done <-chan struct{}) {
	ch := make(chan struct{})
	c.blocked = append(c.blocked, ch)
	c.count(who, +1)
	c.mu.Unlock()
	select {
	case <-ch:
	case <-done:
	}
	c.mu.Lock()
	select {
	case <-ch: // woken by signal or wakeAll
		c.waking = false
	default: // gave up: no longer blocked
		for i, x := range c.blocked {
			if x == ch {
				c.blocked = append(c.blocked[:i], c.blocked[i+1:]...)
				break
			}
		}
	}
	c.count(who, -1)
	c.wakeIdle() // a Group's Wait may be waiting for the last blocked Go
	if c.unknownWaiters == 0 {
		c.identify = false
	}
	// Whatever woke us, the wake-up may have been meant for us: hand it on
	// when the others could use it (room, or unknown waiters to identify). The
	// caller may take the room first, in which case the next one wakes,
	// finds none, and waits again.
	if c.waiters > 0 && (c.room() || c.identify) {
		c.signal()
	}
}

func (c *engine[T]) count(who caller, d int) {
	c.waiters += d
	switch who {
	case ownTask:
		c.taskWaiters += d
	case unknown:
		c.unknownWaiters += d
	}
}
