package bank

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// Chapter is the bank chapter of the tour.
var Chapter = lesson.Chapter{
	Name:  "bank",
	Title: "Transfers between accounts, and the deadlock",
	Intro: "Money moves between accounts while many goroutines make transfers at once. A transfer touches two " +
		"pieces of shared state, and the invariant is that money is never created or lost, and no account goes " +
		"below zero. It is written three ways: an actor per account (message passing), a queue line per account " +
		"(queue.Keyed), and a lock per account with lock.Both. Then the classic bug of locks: two transfers that " +
		"take the same two locks in opposite orders, each holding one and waiting for the other, forever.",
	Run: func(ctx context.Context, w io.Writer, opt lesson.Options) error {
		return Run(ctx, w, Config{Options: opt})
	},
}

// Config selects what Run does.
type Config struct {
	lesson.Options
}

// Run makes the transfers three ways, checks the money after each, shows the
// deadlock and lock.Both avoiding it, and returns an error if an invariant
// fails.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	wk := Work{Accounts: 10, Opening: 1000, Goroutines: 8, PerWorker: 5000}
	if cfg.Quick {
		wk.Goroutines, wk.PerWorker = 4, 300
	}
	want := int64(wk.Accounts) * wk.Opening
	transfers := wk.Goroutines * wk.PerWorker
	lesson.Wrap(w, "", fmt.Sprintf("%d accounts open with %d each (%d in all); %d goroutines make %d transfers each, "+
		"the same lists every way.", wk.Accounts, wk.Opening, want, wk.Goroutines, wk.PerWorker))
	if cfg.Verbose {
		for _, way := range Ways {
			lesson.WrapHanging(w, fmt.Sprintf("  %-12s ", way.Name), strings.Repeat(" ", 15), way.How)
		}
	}
	fmt.Fprintln(w)

	c := lesson.Checker{Verbose: cfg.Verbose}
	var results []Result
	for _, way := range Ways {
		r, err := Measure(ctx, way, wk)
		if err != nil {
			return fmt.Errorf("%s: %w", way.Name, err)
		}
		results = append(results, r)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  way\tmade\tdeclined\tmoney\tconserved\ttime\ta transfer")
	for _, r := range results {
		conserved := "yes"
		if r.Total() != want || r.Negative() {
			conserved = "NO"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\t%s\t%s\n", r.Way, r.Done, r.Declined, r.Total(), conserved,
			lesson.Dur(r.Took), lesson.Dur(r.Took/time.Duration(transfers)))
	}
	tw.Flush()
	for _, r := range results {
		c.Check(w, r.Total() == want && !r.Negative() && r.Done+r.Declined == transfers,
			"%s: %d in all at the end, want %d; none below zero; all made or declined", r.Way, r.Total(), want)
	}
	if cfg.Verbose {
		fmt.Fprintln(w)
		lesson.Wrap(w, "", "Which transfers are declined depends on the order in which they happen to run, so "+
			"the made and declined counts may differ between ways and between runs; the money may not.")
	}
	fmt.Fprintln(w)
	lesson.Wrap(w, "", costs(results, transfers))

	fmt.Fprintln(w)
	lesson.Wrap(w, "", "The deadlock: goroutine 1 moves alice -> bob, locking alice then bob; goroutine 2 "+
		"moves bob -> alice, locking bob then alice. Each takes its first lock; then each waits for the other's.")
	timeout := 200 * time.Millisecond
	if cfg.Quick {
		timeout = 50 * time.Millisecond
	}
	s := Naive(ctx, timeout)
	if s.Deadlocked {
		lesson.Wrap(w, "  ", fmt.Sprintf("Naive locks: neither transfer finished in %s: deadlock detected; "+
			"cancelled, both gave up, released the lock they held and returned.", lesson.Dur(s.Waited)))
	} else {
		lesson.Wrap(w, "  ", "Naive locks: both transfers finished: no deadlock this time.")
	}
	if cfg.Verbose {
		lesson.Wrap(w, "  ", fmt.Sprintf("(They returned %v and %v.)", s.Errs[0], s.Errs[1]))
	}
	c.Check(w, s.Deadlocked, "the naive opposite-order transfers deadlocked, and were released")
	c.Check(w, s.Total == 200, "after the naive standoff alice and bob hold %d in all, want 200", s.Total)

	// lock.Both gets far longer than the naive transfers were given: on a
	// busy machine a slow finish must not pass for a deadlock.
	finished, total, err := WithBoth(5 * time.Second)
	if err != nil {
		lesson.Wrap(w, "  ", fmt.Sprintf("lock.Both: %v", err))
	} else {
		lesson.Wrap(w, "  ", fmt.Sprintf("lock.Both: the same two transfers at once both finished, %d in all.",
			total))
	}
	c.Check(w, finished && total == 200, "lock.Both: both transfers finished, money conserved")
	fmt.Fprintln(w)
	lesson.Wrap(w, "", "The program forced the unlucky timing; left to chance, the naive code deadlocks once in "+
		"a while, and a server just hangs (Go reports \"all goroutines are asleep\" only when all are). Its "+
		"locks are channels, so this program could cancel the waits; a sync.Mutex cannot be. lock.Both takes "+
		"any two locks in one global order, so the cycle cannot form.")
	return c.Done(w)
}

// costs says why the ways cost what they did, from the figures measured.
func costs(results []Result, transfers int) string {
	order := slices.Clone(results)
	slices.SortStableFunc(order, func(a, b Result) int { return int(a.Took - b.Took) })
	fastest, slowest := order[0], order[len(order)-1]
	each := func(r Result) string { return lesson.Dur(r.Took / time.Duration(transfers)) }
	head := fmt.Sprintf("All three are correct, and their costs differ: %s took %s a transfer, %s %s (%s). ",
		fastest.Way, each(fastest), slowest.Way, each(slowest), lesson.Ratio(slowest.Took, fastest.Took))
	if fastest.Way != "lock.Both" {
		return head + "Here lock.Both was not the fastest: on a shared machine a run can be slowed by other " +
			"programs; run it again, or with -v, to see whether it holds."
	}
	return head + "A transfer between actors is an Ask (a message into the source's mailbox, a handoff to " +
		"its goroutine, perhaps woken for it, and a reply back) and a Tell; the keyed queue hands each " +
		"transfer to a line and waits the same way. lock.Both works in the caller's own goroutine, under two " +
		"locks free most of the time: taking a free lock is one atomic instruction. Messages earn their cost " +
		"when the work per message outweighs the handoff, or when the state must live in its own goroutine " +
		"anyway (it waits on I/O, it is far away)."
}
