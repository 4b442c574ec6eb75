package toolbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/tamego/tame"
	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/queue"
)

// Queue is the tour's chapter on the queue package.
var Queue = lesson.Chapter{
	Name:  "queue",
	Title: "queue: many producers, one line, one item at a time",
	Intro: "A queue funnels work from many goroutines into one consumer that handles the items one at a time, " +
		"in the order they were accepted: the state the consumer keeps needs no lock because only it touches " +
		"it. A bad item must not stop the line, and its panic must not be lost: the next item is handled, " +
		"the panic is reported at once, and Close returns it.",
	Run: runQueue,
}

// item is one producer's seq-th item.
type item struct{ producer, seq int }

func runQueue(ctx context.Context, w io.Writer, opt lesson.Options) error {
	c := lesson.Checker{Verbose: opt.Verbose}
	producers, each := 8, 2_000
	if opt.Quick {
		each = 300
	}
	// The consumer's own state: touched only by the handler.
	next := make([]int, producers) // the seq expected next from each producer
	handled, outOfOrder := 0, 0
	var reported []*tame.PanicError // filled by OnPanic, on the consumer goroutine
	q := queue.New(64, func(it item) {
		if it.seq != next[it.producer] {
			outOfOrder++
		}
		next[it.producer] = it.seq + 1
		handled++
		if it.producer == 5 && it.seq == 100 {
			panic(fmt.Sprintf("cannot handle item %d of producer %d", it.seq, it.producer))
		}
	}, queue.OnPanic(func(pe *tame.PanicError) { reported = append(reported, pe) }))

	var wg sync.WaitGroup
	errs := make([]error, producers)
	for p := range producers {
		wg.Go(func() {
			for s := range each {
				if err := q.Push(ctx, item{p, s}); err != nil {
					errs[p] = err
					return
				}
			}
		})
	}
	wg.Wait()
	err := q.Close() // waits until every accepted item is handled
	if e := errors.Join(errs...); e != nil {
		return e
	}
	pe, isPanic := panicked(err)
	say(w, "%d producers pushed %d items each; the one consumer handled %d, %d out of their producer's order.", producers, each, handled, outOfOrder)
	if isPanic {
		say(w, "One item panicked (%q): the line went on, OnPanic was told %d time(s), and Close returned it.", describe(pe.Value), len(reported))
	}
	c.Check(w, handled == producers*each, "every accepted item was handled exactly once, the bad one included")
	c.Check(w, outOfOrder == 0, "each producer's items were handled in the order pushed")
	c.Check(w, isPanic && len(reported) == 1, "the handler's panic was reported at once and returned by Close")
	err = q.Push(ctx, item{})
	say(w, "Push after Close: %v.", err)
	c.Check(w, errors.Is(err, tame.ErrClosed), "Push after Close returns tame.ErrClosed")
	return c.Done(w)
}
