// Package sched holds the synchronization-point hooks of tame: the calls
// that tame's packages make where the order of goroutines matters (a Push,
// a Tell, an Ask, a lock acquire, a park, a wake, a stage handoff, a Close),
// so that package tametest can choose that order.
//
// Built without the tag tametest (the default), every function here is an
// empty function or a plain sync.Mutex call that the compiler inlines: the
// hooks cost nothing. Built with the tag, a point asks the explorer that
// tametest installed, if any, whether the calling goroutine must wait for
// its turn; with no explorer installed it returns at once.
//
// Rules for the callers, which keep the explorer's view exact:
//   - call [Point] where no sync.Mutex that another goroutine may wait for is
//     held (before an acquire, after a release): a goroutine blocked on a
//     sync.Mutex is not durably blocked, and the explorer waits for every
//     goroutine to be durably blocked before it chooses the next one;
//   - take the locks that user code may hold across a point with [Lock] and
//     [Unlock] (or the RW forms), which the explorer can see.
//
// The tag composes with lockcheck: each checks what it checks.
package sched

// A Kind names what a synchronization point is, for the explorer's report.
type Kind uint8

// The kinds of synchronization points.
const (
	Call    Kind = iota // a public entry point that takes no more specific kind
	Push                // an item offered to a queue, a pool or a group
	Tell                // a message offered to an actor
	Ask                 // a request that waits for a reply
	Acquire             // a lock about to be taken
	Park                // a goroutine about to wait for another
	Wake                // a goroutine that has just been woken
	Handoff             // a value passed from one stage or goroutine to another
	Close               // a Close, Stop, Shutdown or Wait
	Spawn               // a goroutine about to be started by tame
	numKinds
)

var kindNames = [numKinds]string{"Call", "Push", "Tell", "Ask", "Acquire", "Park", "Wake", "Handoff", "Close", "Spawn"}

// String returns the kind's name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "Kind(?)"
}
