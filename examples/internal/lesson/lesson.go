// Package lesson holds what the example programs share: the Chapter type the
// tour walks through, and small helpers to print measured figures.
package lesson

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

// A Chapter is one part of the lesson: a program under examples/ and a stop
// of the tour. Run prints the chapter's output to w and returns an error when
// an invariant the chapter checks does not hold; quick selects sizes small
// enough for tests.
type Chapter struct {
	Name  string // the -chapter flag value, e.g. "race"
	Title string // the heading
	Intro string // one paragraph, printed before the output
	Run   func(ctx context.Context, w io.Writer, quick bool) error
}

// Dur formats a measured duration with three significant figures, in the
// unit that reads best.
func Dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d >= time.Microsecond:
		return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
	default:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	}
}

// Ratio says how many times faster a is than b, or slower, in words: "2.1x
// faster", "1.3x slower", "no faster" (within 5%): the phrase reads before
// "than".
func Ratio(a, b time.Duration) string {
	if a <= 0 || b <= 0 {
		return "not comparable"
	}
	r := float64(b) / float64(a)
	switch {
	case r >= 1.05:
		return fmt.Sprintf("%.1fx faster", r)
	case r <= 1/1.05:
		return fmt.Sprintf("%.1fx slower", 1/r)
	default:
		return "no faster"
	}
}

// Width is the widest line of prose the programs print.
const Width = 80

// Wrap writes text to w as a paragraph: lines at most Width runes long, each
// starting with indent.
func Wrap(w io.Writer, indent, text string) {
	line := 0
	for _, word := range strings.Fields(text) {
		n := len([]rune(word))
		switch {
		case line == 0:
		case line+1+n > Width:
			fmt.Fprintln(w)
			line = 0
		default:
			fmt.Fprint(w, " ")
			line++
		}
		if line == 0 {
			fmt.Fprint(w, indent)
			line = len([]rune(indent))
		}
		fmt.Fprint(w, word)
		line += n
	}
	if line > 0 {
		fmt.Fprintln(w)
	}
}

// Heading writes a chapter heading: the title underlined.
func Heading(w io.Writer, title string) {
	fmt.Fprintf(w, "%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
}

// Checker collects the invariants a chapter checks, so that the chapter
// prints every verdict and then fails if any was false.
type Checker struct {
	failed []string
}

// Check writes "ok" or "FAILED" and what was checked to w, and remembers the
// failure.
func (c *Checker) Check(w io.Writer, ok bool, format string, args ...any) {
	what := fmt.Sprintf(format, args...)
	if ok {
		fmt.Fprintf(w, "  check ok: %s\n", what)
		return
	}
	fmt.Fprintf(w, "  check FAILED: %s\n", what)
	c.failed = append(c.failed, what)
}

// Err returns an error naming every failed check, or nil.
func (c *Checker) Err() error {
	if len(c.failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d invariant(s) failed: %s", len(c.failed), strings.Join(c.failed, "; "))
}

// Cores returns the average number of cores busy while cpu of CPU time was
// used in wall time, as text ("(1.6 cores busy)"), or "" when unknown or
// when wall is too short for the operating system's CPU accounting.
func Cores(cpu, wall time.Duration) string {
	if cpu <= 0 || wall < 20*time.Millisecond {
		return ""
	}
	return fmt.Sprintf("(%.1f cores busy)", float64(cpu)/float64(wall))
}

// Main runs a lesson program. run gets a context that Ctrl-C cancels,
// standard output and the command-line arguments. When run returns an error
// (a failed check included), Main prints it and exits with status 1, so that
// CI catches a broken lesson.
func Main(name string, run func(ctx context.Context, w io.Writer, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}
