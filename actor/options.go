package actor

import (
	"fmt"
	"time"

	"github.com/tamego/tame"
)

// DefaultMailbox is the mailbox capacity of an actor spawned without the
// [Mailbox] option.
const DefaultMailbox = 1024

// An Option configures an actor at Spawn or Supervise; one Option may serve
// several. A nil Option panics in Spawn.
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

// Mailbox sets how many messages may wait for the actor (the default is
// DefaultMailbox), not counting the message receive is handling. Spawn
// allocates the mailbox at once. A capacity below 1 panics; one too large
// for memory panics in Spawn.
func Mailbox(capacity int) Option {
	if capacity < 1 {
		panic(fmt.Sprintf("actor: mailbox capacity must be at least 1, got %d", capacity))
	}
	return optionFunc(func(c *config) { c.mailbox = capacity })
}

// Restart makes a panic or runtime.Goexit in init or receive restart the
// actor with fresh state from init, up to maxRestarts times within any
// window of length within; the next failure stops it. The failed message is
// not retried; the restarted actor handles the ones behind it. maxRestarts
// below 1 or within <= 0 panics.
func Restart(maxRestarts int, within time.Duration) Option {
	if maxRestarts < 1 {
		panic(fmt.Sprintf("actor: maxRestarts must be at least 1, got %d", maxRestarts))
	}
	if within <= 0 {
		panic(fmt.Sprintf("actor: restart window must be positive, got %v", within))
	}
	return optionFunc(func(c *config) { c.restarts, c.within = maxRestarts, within })
}

// OnPanic sets a function told, on the actor's goroutine, of every panic or
// runtime.Goexit of init or receive before the next message is handled. A
// panic in fn is returned by Stop but not told to fn. fn must not wait for
// its own actor. A nil fn panics.
func OnPanic(fn func(*tame.PanicError)) Option {
	if fn == nil {
		panic("actor: OnPanic needs a function, got nil")
	}
	return optionFunc(func(c *config) { c.onPanic = fn })
}

// DeadLetter sets a function that gets, on the actor's goroutine and in
// mailbox order, each accepted message never handled because the actor
// stopped after a panic; pending Asks get an error instead. Stop counts them
// with or without a handler, and returns a panic in fn. Spawn panics if fn's
// message type is not the actor's; a nil fn panics.
func DeadLetter[M any](fn func(msg M)) Option {
	if fn == nil {
		panic("actor: DeadLetter needs a function, got nil")
	}
	return optionFunc(func(c *config) { c.deadLetter = fn })
}
