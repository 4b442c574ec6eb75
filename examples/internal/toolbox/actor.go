package toolbox

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/actor"
	"github.com/tamego/tame/examples/internal/lesson"
)

// Actor is the tour's chapter on the actor package.
var Actor = lesson.Chapter{
	Name:  "actor",
	Title: "actor: a goroutine that owns its state",
	Intro: "An actor is a goroutine that alone owns a piece of state; others change or read it only by sending " +
		"messages (Tell: fire and forget; Ask: wait for the reply). Because one goroutine handles one message " +
		"at a time, the state needs no lock. When a message makes it panic, a restart policy gives it fresh " +
		"state instead of leaving it half-changed; and an actor that asks itself for something gets an error " +
		"at once instead of waiting for itself forever.",
	Run: runActor,
}

// tally is a message to the tally actor: add n, or reply with the total, or
// panic (a poisoned message), or ask itself for the total (a deadlock).
type tally struct {
	add    int
	get    bool
	poison bool
	self   bool
	reply  actor.Reply[int]
	errs   actor.Reply[error]
}

func runActor(ctx context.Context, w io.Writer, opt lesson.Options) error {
	c := lesson.Checker{Verbose: opt.Verbose}
	var ref *actor.Ref[tally]
	ref = actor.Spawn(ctx, func() int { return 0 }, func(ctx context.Context, total *int, m tally) {
		switch {
		case m.get:
			m.reply.Send(*total)
		case m.poison:
			panic("poisoned message")
		case m.self:
			// Handling a message, ask this same actor: it cannot answer
			// while it is busy here.
			_, err := actor.Ask(ctx, ref, func(r actor.Reply[int]) tally { return tally{get: true, reply: r} })
			m.errs.Send(err)
		default:
			*total += m.add
		}
	}, actor.Restart(3, time.Minute))
	get := func() (int, error) {
		return actor.Ask(ctx, ref, func(r actor.Reply[int]) tally { return tally{get: true, reply: r} })
	}

	for i := 1; i <= 100; i++ {
		if err := ref.Tell(ctx, tally{add: i}); err != nil {
			return err
		}
	}
	total, err := get()
	say(w, "Told 1..100, asked the total: %d.", total)
	c.Check(w, err == nil && total == 5050, "the actor added every message (5050)")

	if err := ref.Tell(ctx, tally{poison: true}); err != nil {
		return err
	}
	afterPanic, err := get()
	say(w, "A poisoned message made it panic; restarted with fresh state, its total is %d.", afterPanic)
	c.Check(w, err == nil && afterPanic == 0, "the restarted actor runs, with its state from init")

	start := time.Now()
	selfErr, err := actor.Ask(ctx, ref, func(r actor.Reply[error]) tally { return tally{self: true, errs: r} })
	if err != nil {
		return err
	}
	say(w, "Asked itself while handling a message: %q, after %s.", selfErr, lesson.Dur(time.Since(start)))
	c.Check(w, errors.Is(selfErr, tame.ErrDeadlock), "the self-Ask failed with tame.ErrDeadlock instead of hanging")

	stopErr := ref.Stop()
	pe, isPanic := panicked(stopErr)
	if isPanic {
		say(w, "Stop returned the panic it had survived: %q.", describe(pe.Value))
	}
	c.Check(w, isPanic && pe.Value == "poisoned message", "Stop returned the recovered panic")
	return c.Done(w)
}
