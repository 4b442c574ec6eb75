// Package lesson holds what the example programs share: the Chapter type the
// tour walks through, the command line every program has, and small helpers
// to print measured figures.
package lesson

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"
)

// Options select how a chapter runs.
type Options struct {
	Quick   bool // sizes small enough for tests
	Verbose bool // every figure and every check, not only the summary
}

// A Chapter is one part of the lesson: a program under examples/ and a stop
// of the tour. Run prints the chapter's output to w and returns an error when
// an invariant the chapter checks does not hold.
type Chapter struct {
	Name  string // the -chapter flag value, e.g. "race"
	Title string // the heading
	Intro string // one paragraph, printed before the output
	Run   func(ctx context.Context, w io.Writer, opt Options) error
}

// Show prints the chapter's heading (prefixed with its number in the tour
// when number > 0) and intro, then runs it.
func (ch Chapter) Show(ctx context.Context, w io.Writer, number int, opt Options) error {
	title := ch.Title
	if number > 0 {
		title = fmt.Sprintf("%d. %s", number, title)
	}
	Heading(w, title)
	Wrap(w, "", ch.Intro)
	fmt.Fprintln(w)
	return ch.Run(ctx, w, opt)
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
	times := func(x float64) string {
		if x >= 10 {
			return fmt.Sprintf("%.0fx", x)
		}
		return fmt.Sprintf("%.1fx", x)
	}
	switch {
	case r >= 1.05:
		return times(r) + " faster"
	case r <= 1/1.05:
		return times(1/r) + " slower"
	default:
		return "no faster"
	}
}

// Width is the widest line the programs print.
const Width = 80

// Wrap writes text to w as a paragraph: lines at most Width runes long, each
// starting with indent.
func Wrap(w io.Writer, indent, text string) {
	WrapHanging(w, indent, indent, text)
}

// WrapHanging is Wrap with a different indent for the first line.
func WrapHanging(w io.Writer, first, rest, text string) {
	line := 0
	indent := first
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
			indent = rest
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

// A Checker collects the invariants a chapter checks. In verbose mode every
// verdict is printed; otherwise only the failures, and Done prints a one-line
// summary. Either way the chapter fails if a check is false.
type Checker struct {
	Verbose bool
	passed  int
	failed  []string
}

// Check records whether what the format describes holds; it prints the
// verdict when it failed or in verbose mode.
func (c *Checker) Check(w io.Writer, ok bool, format string, args ...any) {
	what := fmt.Sprintf(format, args...)
	if ok {
		c.passed++
		if c.Verbose {
			WrapHanging(w, "  check ok: ", "    ", what)
		}
		return
	}
	WrapHanging(w, "  check FAILED: ", "    ", what)
	c.failed = append(c.failed, what)
}

// Done prints, unless in verbose mode, how many checks held, and returns
// Err.
func (c *Checker) Done(w io.Writer) error {
	if !c.Verbose && len(c.failed) == 0 {
		fmt.Fprintf(w, "  checked: %d %s held (-v lists them)\n", c.passed, Plural(c.passed, "claim"))
	}
	return c.Err()
}

// Err returns an error naming every failed check, or nil.
func (c *Checker) Err() error {
	if len(c.failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d invariant(s) failed: %s", len(c.failed), strings.Join(c.failed, "; "))
}

// Plural returns noun for one, and noun+"s" for other counts.
func Plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
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

// TooWide returns the lines of out longer than Width runes.
func TooWide(out string) []string {
	var wide []string
	for _, l := range strings.Split(out, "\n") {
		if len([]rune(l)) > Width {
			wide = append(wide, l)
		}
	}
	return wide
}

// Settle waits, without sleeping, until runtime.NumGoroutine is at most
// baseline or two seconds have passed, and returns the last count: a
// goroutine that has signalled its owner may still be counted for an instant.
func Settle(baseline int) int {
	deadline := time.Now().Add(2 * time.Second)
	n := runtime.NumGoroutine()
	for n > baseline && time.Now().Before(deadline) {
		runtime.Gosched()
		n = runtime.NumGoroutine()
	}
	return n
}
