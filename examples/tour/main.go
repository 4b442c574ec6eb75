// Tour walks through the whole lesson of tame in one run: concurrency versus
// parallelism, the lost updates of shared state, a pipeline over real input,
// transfers between accounts and the deadlock, then one short chapter per
// package, and last how to know a concurrent program is correct. Every figure it prints is measured in that run, and every claim
// is checked: it exits non-zero if one fails. On a terminal it pauses
// between chapters.
//
//	go run ./examples/tour                  # the whole lesson, under a minute
//	go run ./examples/tour -chapter race    # one chapter (or several: race,bank)
//	go run ./examples/tour -list            # the chapters
//	go run ./examples/tour -v               # every figure and every check
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/tamego/tame/examples/internal/bank"
	"github.com/tamego/tame/examples/internal/correct"
	"github.com/tamego/tame/examples/internal/kitchen"
	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/race"
	"github.com/tamego/tame/examples/internal/toolbox"
	"github.com/tamego/tame/examples/internal/wordcount"
)

// chapters are the tour's stops, in order.
var chapters = []lesson.Chapter{
	kitchen.Chapter,
	race.Chapter,
	wordcount.Chapter,
	bank.Chapter,
	toolbox.Pool,
	toolbox.Pipeline,
	toolbox.Actor,
	toolbox.Queue,
	toolbox.Lock,
	correct.Chapter,
}

// summary is the first line of the usage: what the program shows.
const summary = "tour runs the whole lesson of tame: every chapter, measured and checked."

func main() {
	if lesson.Terminal(os.Stdin) && lesson.Terminal(os.Stdout) {
		pause = enter(bufio.NewReader(os.Stdin))
	}
	lesson.Main("tour", run)
}

// pause, when set, is called between two chapters with the next one's
// heading; it returns false when the reader wants to stop.
var pause func(ctx context.Context, w io.Writer, next string) bool

// enter returns a pause that waits for the reader to press Enter, or to
// type q and Enter (or end the input) to stop.
func enter(in *bufio.Reader) func(ctx context.Context, w io.Writer, next string) bool {
	return func(ctx context.Context, w io.Writer, next string) bool {
		fmt.Fprintf(w, "\n[Enter: %s; q: quit] ", next)
		line := make(chan string, 1) // the reader never waits to send
		go func() {
			s, err := in.ReadString('\n')
			if err != nil {
				s = "q" // the end of the input (Ctrl-D) stops too
			}
			line <- s
		}()
		select {
		case s := <-line:
			fmt.Fprintln(w)
			return strings.TrimSpace(s) != "q"
		case <-ctx.Done(): // Ctrl-C: the program ends, the read with it
			return false
		}
	}
}

// run parses args and runs the chosen chapters, writing to w. It returns an
// error naming every chapter whose checks failed, and one if goroutines were
// left running.
func run(ctx context.Context, w io.Writer, args []string) error {
	cmd := lesson.NewCommand("tour", summary)
	only := cmd.Flags.String("chapter", "", "run only these chapters (comma-separated names; see -list)")
	list := cmd.Flags.Bool("list", false, "list the chapters and exit")
	cmd.Notes = "On a terminal, the tour pauses between chapters. Each chapter is also a program of its " +
		"own: go run ./examples/race, for one."
	opt, err := cmd.Parse(w, args)
	if err != nil {
		return err
	}
	if *list {
		for _, ch := range chapters {
			fmt.Fprintf(w, "%-10s %s\n", ch.Name, ch.Title)
		}
		return nil
	}
	chosen, err := choose(*only)
	if err != nil {
		return &lesson.UsageError{Err: err}
	}

	baseline := runtime.NumGoroutine()
	start := time.Now()
	if len(chosen) == len(chapters) {
		lesson.Heading(w, "tame: a tour of concurrency in Go")
		lesson.Wrap(w, "", "Each chapter explains one idea in a paragraph, then runs a small program and prints what "+
			"it measured. Nothing is staged: the figures are this machine's, this time. Every chapter also checks "+
			"its claims, and the tour fails if one does not hold; -v prints every check and every figure.")
		fmt.Fprintln(w)
	}
	var failed []error
	for i, ch := range chosen {
		t := time.Now()
		if err := ch.Show(ctx, w, number(ch), opt); err != nil {
			fmt.Fprintf(w, "\nChapter %s FAILED: %v\n", ch.Name, err)
			failed = append(failed, fmt.Errorf("chapter %s: %w", ch.Name, err))
		}
		if opt.Verbose {
			fmt.Fprintf(w, "(chapter %s took %s)\n", ch.Name, lesson.Dur(time.Since(t)))
		}
		if i == len(chosen)-1 {
			break
		}
		next := chosen[i+1]
		if pause != nil && !pause(ctx, w, fmt.Sprintf("chapter %d, %s", number(next), next.Name)) {
			fmt.Fprintln(w, "Stopped.")
			return errors.Join(failed...)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w)
	end := lesson.Settle(baseline)
	if end > baseline {
		lesson.Wrap(w, "", fmt.Sprintf("Goroutines: %d when the tour started, %d at the end: some were left "+
			"running. FAILED", baseline, end))
		failed = append(failed, fmt.Errorf("%d goroutines left running", end-baseline))
	} else {
		lesson.Wrap(w, "", fmt.Sprintf("Goroutines: %d when the tour started, %d at the end: every goroutine "+
			"started by the lesson has ended.", baseline, end))
	}
	if len(chosen) == len(chapters) {
		fmt.Fprintln(w)
		lesson.Wrap(w, "", "The lesson: concurrency is dealing with many things at once, parallelism doing them at "+
			"the same instant. Shared mutable state is the hard part. Prefer, in order: owning your data or "+
			"sharing only data that never changes (pool, lock.Snapshot); passing messages (pipeline, actor); "+
			"one ordered line (queue); and only then a lock (lock.Guarded), taken in one order (lock.Both). "+
			"And the simplest correct program is sequential: add concurrency where it earns its cost, and "+
			"explore its schedules (tametest) to know it is correct.")
	}
	fmt.Fprintf(w, "The tour took %s.\n", lesson.Dur(time.Since(start)))
	return errors.Join(failed...)
}

// choose returns the chapters named in a comma-separated list, in tour
// order, or all of them when the list is empty.
func choose(names string) ([]lesson.Chapter, error) {
	if names == "" {
		return chapters, nil
	}
	want := make(map[string]bool)
	for _, n := range strings.Split(names, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var chosen []lesson.Chapter
	for _, ch := range chapters {
		if want[ch.Name] {
			chosen = append(chosen, ch)
			delete(want, ch.Name)
		}
	}
	for n := range want {
		var all []string
		for _, ch := range chapters {
			all = append(all, ch.Name)
		}
		return nil, fmt.Errorf("no chapter %q; the chapters are %s", n, strings.Join(all, ", "))
	}
	return chosen, nil
}

// number returns the chapter's place in the tour, from 1.
func number(ch lesson.Chapter) int {
	for i, c := range chapters {
		if c.Name == ch.Name {
			return i + 1
		}
	}
	return 0
}
