// Package actor is the second rung of tame's lesson, message passing with
// owned state: an actor is a goroutine that alone holds a piece of state;
// everyone else sends it messages. The state is never shared, so it never
// races, and it needs no lock.
//
// # Owned state: messages instead of memory
//
// Concurrency is not the hard part; shared mutable state is. A counter that
// two goroutines change as "read, add one, write" loses updates whenever the
// steps interleave. Instead of guarding the counter with a lock that every
// caller must remember, give it an owner: one goroutine that keeps the
// counter in a local variable and changes it in response to messages. The
// messages queue up in the actor's mailbox and are handled one at a time, in
// the order they were accepted (one sender's messages in its send order), so
// the state goes from one consistent value to the next and nobody else ever
// sees it half-changed.
//
// [Spawn] starts an actor from two functions: init makes the state, and
// receive handles one message with a pointer to it. The state type S is not
// in the returned [Ref]: the only way to reach it is a message of type M.
// Do not put pointers into S that other goroutines also hold, and do not
// send pointers into S out in messages; then the state is confined to its
// actor, and the race detector has nothing to find.
//
// # Tell and Ask
//
// [Ref.Tell] is fire and forget: the message is accepted into the mailbox
// and Tell returns; the sender learns nothing more. [Ask] is a request with
// an answer: the message carries a [Reply], receive calls [Reply.Send], and
// Ask returns the value. Prefer Tell: an asker waits for the actor to get to
// its message and is tied to it while it waits, and waits are where
// deadlocks come from. Ask when the caller needs the answer before it can go
// on (a balance before a withdrawal), and give it a ctx with a deadline when
// it must not wait forever. A Reply is a small value that may be kept and
// sent later or from another goroutine; only its first Send counts, and a
// reply that comes after the asker gave up is dropped, never delivered to a
// later ask. An Ask costs one pooled reply cell: no allocation in steady
// state.
//
// # Bounded mailboxes
//
// A mailbox has a capacity ([Mailbox]; the default is [DefaultMailbox]
// messages). When senders are faster than the actor, an unbounded mailbox
// grows until memory runs out, a failure that shows up late and far from its
// cause; a bounded one pushes back: Tell waits for room (until its ctx is
// done) and [Ref.TryTell] reports false, so the senders slow down to the
// actor's pace. The capacity counts the messages accepted and not yet
// handled (the actor gives their slots back every few dozen messages).
//
// # Deadlocks detected
//
// An actor that waits for itself waits forever: an Ask to itself, an ask
// cycle (A asks B while B, handling that ask, asks A), or a Tell to its own
// full mailbox. The ctx passed to receive marks the actor, and an ask carries
// the chain of actors waiting on it. Ask and Tell called with that ctx
// check the chain and fail at once with [ErrDeadlock] instead of hanging. Pass
// the ctx receive got to the Asks and Tells it makes; calls made with another
// ctx are not checked. Waits the package cannot see (a receive blocked on a
// channel or lock that waits on the actor, Stop of an actor that waits on the
// caller) remain the caller's to avoid.
//
// # Let it crash: panics and restarts
//
// A panic is never lost, never swallowed, and never leaves a lock held, a
// consumer dead or a Wait hanging. The actor is long-lived work: a panic (or
// panic(nil), or runtime.Goexit) in init or receive is recovered, and the
// actor either restarts with fresh state, when it has a restart policy, or
// stops. The panic is reported at once to the handler given with [OnPanic],
// on the actor's goroutine before the next message, and [Ref.Stop] returns
// it (errors.Join of *tame.PanicError; the first 32 are kept, the rest
// counted).
//
// Restarting with fresh state is the point: a panic means the state may be
// broken half-way through a change, and patching it is harder than starting
// over from init. With [Restart](maxRestarts, within), the message whose
// receive panicked is not retried (it would likely panic again), the
// messages behind it are handled by the restarted actor, and more than
// maxRestarts restarts within the window stop it: failing that often, it is
// not going to get better. A runtime.Goexit ends the actor's goroutine; a
// replacement goroutine takes over (and restarts, or stops, the actor) so
// that the mailbox never loses its consumer.
//
// Without Restart, a panic stops the actor. An actor stopped by a panic does
// not drop what was left in its mailbox in silence: each pending Ask fails
// at once with an error wrapping tame.ErrClosed, and each other message goes
// to the handler set with [DeadLetter] (if any) and is counted in the
// [DeadLetterError] that Stop returns, joined with the panics.
//
// [Supervisor] puts several actors under one restart policy, one for one: a
// failing child is restarted alone, the restarts of all children count
// against one intensity, and beyond it every child is stopped, the latest
// started first. Everything stays in the process: no network, no
// registry.
//
// # Stopping
//
// [Ref.Stop] stops accepting messages (Tell then returns an error wrapping
// tame.ErrClosed), lets the actor handle every message it had accepted, and
// waits until its goroutine has ended: once Stop returns, no init, receive
// or handler of the actor runs any more. It is idempotent and safe to call
// concurrently, and returns the same value every time. When the ctx given to
// Spawn is done, the actor stops in the same way (Stop then only waits and
// reports). An actor can stop itself from inside receive: Stop then cannot
// wait for its own goroutine, so it marks the actor stopping and returns nil
// at once; the actor ends after the messages already accepted.
//
// # Hostile cases
//
//   - Tell or Ask to a stopped actor: an error wrapping tame.ErrClosed, at once.
//   - Ask whose ctx ends first: context.Cause(ctx) promptly; the late reply is
//     dropped. Ask whose actor stops before replying: tame.ErrClosed, wrapped.
//     Ask whose receive panics before replying: its *tame.PanicError, wrapped.
//   - Tell to a full mailbox: waits until there is room or ctx is done; from
//     the actor itself (with receive's ctx): ErrDeadlock, wrapped.
//   - Ask to itself or around a cycle (with receive's ctx): ErrDeadlock, at once.
//   - Many senders racing Stop: each Tell is either handled or refused with
//     tame.ErrClosed; nothing is handled after Stop returned.
//   - A panic in OnPanic or in the DeadLetter handler: recorded with the
//     actor's panics, returned by Stop; it neither restarts nor stops the actor.
//   - A nil init, receive, Ask msg or handler, a mailbox below 1, a Restart
//     below 1 or with a window of zero or less, a DeadLetter handler for
//     another message type: a panic at the call, with an "actor: " message.
//
// # Cost
//
// The mailbox is a ring that producers fill without a lock: a Tell reserves
// a position with one compare-and-swap and publishes its message with one
// atomic store; a mutex is left to the rare paths (dead letters, restarts,
// Stats). The actor reads the messages in place and gives their slots back
// in batches, so the receiving side costs one atomic load per message and no
// atomic write, and recovery from panics is set up once, not per message
// (again only after a panic). BenchmarkActor compares Tell and Ask with a hand-written
// goroutine and channel actor in the same run: on 2 cores a Tell costs 0.5 to
// 0.65 times the channel actor's, from 1 sender as from 8 (many senders do
// not queue on a lock: a failed compare-and-swap is retried at once), and an
// Ask 1.1 to 1.15 times. An Ask adds a few atomic operations to the channel
// actor's round trip (the reply cell taken and given back, the ask's ticket,
// the idle hand-off), and on this machine each costs 10 to 30 ns.
//
// An Ask is a round trip between two goroutines, and what it costs is mostly
// the scheduler's: each side parks, and the other wakes it up. A wake-up puts
// the woken goroutine next in line on the waker's processor, so an asker and
// its actor hand one processor back and forth however busy the machine is.
// Making both sides yield (runtime.Gosched) once before parking saves the
// parks and wake-ups: Ask fell to about 0.8 times the channel actor's cost on
// an idle machine, but to about 40 ms under load, because a yielding
// goroutine goes to the back of the global run queue and waits for the busy
// goroutines' time slices. So neither side yields; BenchmarkAskUnderLoad
// keeps watch.
package actor
