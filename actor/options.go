package actor

import (
	"fmt"
	"time"

	"github.com/tamego/tame"
)

// DefaultMailbox is the mailbox capacity of an actor spawned without the
// [Mailbox] option.
const DefaultMailbox = 1024

// An Option configures an actor at [Spawn] (or [Supervise]). Options are
// immutable values, safe for concurrent use: one Option may be passed to
// several Spawn calls. A nil Option panics in Spawn.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is what the options set; Spawn checks it against the message type.
type config struct {
	mailbox    int
	restarts   int // 0: no Restart option, a panic stops the actor
	within     time.Duration
	onPanic    func(*tame.PanicError)
	deadLetter any // func(M), checked against M by Spawn
}

func newConfig(opts []Option) config {
	c := config{mailbox: DefaultMailbox}
	for _, o := range opts {
		if o == nil {
			panic("actor: nil Option")
		}
		o.apply(&c)
	}
	return c
}

// Mailbox sets how many messages may wait for the actor: accepted and not
// yet given to receive (the default is [DefaultMailbox]). The message
// receive is handling does not count, so Mailbox(c) takes c more while
// receive runs, no fewer and no more. A Tell to a full mailbox waits for
// room; TryTell reports false. Spawn allocates the mailbox at once, memory
// in proportion to the capacity and the size of a message. A capacity below
// 1 panics; one too large to fit in memory panics in Spawn.
func Mailbox(capacity int) Option {
	if capacity < 1 {
		panic(fmt.Sprintf("actor: mailbox capacity must be at least 1, got %d", capacity))
	}
	return optionFunc(func(c *config) { c.mailbox = capacity })
}

// Restart makes a panic (or a runtime.Goexit) in init or receive restart the
// actor with a fresh state from init, up to maxRestarts times within any
// window of the given length; the failure after that stops it. The message
// whose receive failed is not retried; the messages behind it are handled by
// the restarted actor. maxRestarts below 1 or a window of zero or less panics.
func Restart(maxRestarts int, within time.Duration) Option {
	if maxRestarts < 1 {
		panic(fmt.Sprintf("actor: maxRestarts must be at least 1, got %d", maxRestarts))
	}
	if within <= 0 {
		panic(fmt.Sprintf("actor: restart window must be positive, got %v", within))
	}
	return optionFunc(func(c *config) { c.restarts, c.within = maxRestarts, within })
}

// OnPanic sets a function told at once, on the actor's goroutine, of every
// panic or runtime.Goexit of init or receive, before the next message is
// handled; Stop returns the same panics. A panic in fn itself is recorded
// with the others (Stop returns it) and not told to fn. fn must not wait for
// its own actor (an Ask to it would wait forever: the actor is busy running
// fn). A nil fn panics.
func OnPanic(fn func(*tame.PanicError)) Option {
	if fn == nil {
		panic("actor: OnPanic needs a function, got nil")
	}
	return optionFunc(func(c *config) { c.onPanic = fn })
}

// DeadLetter sets a function that gets, on the actor's goroutine and in
// mailbox order, each message that was accepted but will never be handled
// because the actor stopped after a panic. Pending asks are not dead letters:
// their askers get an error instead. Stop counts dead letters whether or not
// a handler is set. A panic in fn is recorded with the actor's panics.
// The message type of fn must be the actor's: [Spawn] panics otherwise.
// A nil fn panics.
func DeadLetter[M any](fn func(msg M)) Option {
	if fn == nil {
		panic("actor: DeadLetter needs a function, got nil")
	}
	return optionFunc(func(c *config) { c.deadLetter = fn })
}
