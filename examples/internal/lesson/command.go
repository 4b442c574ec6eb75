package lesson

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// A Command is the command line of a lesson program: its flags, and a usage
// text that starts with one line saying what the program shows. Every
// program has -v (print every figure and check); -quick (smaller sizes) is
// for tests and not shown in the usage.
type Command struct {
	Name    string // the program's directory: go run ./examples/<Name>
	Summary string // one line: what the program shows
	Notes   string // printed after the flags, when set
	// OwnModule is set for a program that is a module of its own, run from
	// its directory: cd examples/<Name> && go run .
	OwnModule bool
	Flags     *flag.FlagSet
	opt       Options
	hidden    map[string]bool
}

// NewCommand returns the command line of the program name, with -v and the
// hidden -quick already defined; the program adds its own flags to Flags.
func NewCommand(name, summary string) *Command {
	c := &Command{Name: name, Summary: summary, Flags: flag.NewFlagSet(name, flag.ContinueOnError),
		hidden: map[string]bool{"quick": true}}
	c.Flags.BoolVar(&c.opt.Verbose, "v", false, "verbose: print every figure and every check")
	c.Flags.BoolVar(&c.opt.Quick, "quick", false, "smaller sizes, for tests")
	return c
}

// A UsageError reports a command line that could not be parsed.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() + " (-h for help)" }
func (e *UsageError) Unwrap() error { return e.Err }

// Parse parses args. For -h or -help it writes the usage to w and returns
// flag.ErrHelp; for a bad command line it returns a *UsageError.
func (c *Command) Parse(w io.Writer, args []string) (Options, error) {
	var msg bytes.Buffer
	c.Flags.SetOutput(&msg) // the flag package's own messages
	c.Flags.Usage = func() {}
	err := c.Flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.Usage(w)
		return c.opt, err
	case err != nil:
		return c.opt, &UsageError{err}
	case c.Flags.NArg() > 0:
		return c.opt, &UsageError{fmt.Errorf("unexpected argument %q", c.Flags.Arg(0))}
	}
	return c.opt, nil
}

// Usage writes the usage text to w: the summary line first.
func (c *Command) Usage(w io.Writer) {
	fmt.Fprintln(w, c.Summary)
	run := "go run ./examples/" + c.Name
	if c.OwnModule {
		run = "cd examples/" + c.Name + " && go run ."
	}
	fmt.Fprintf(w, "\nusage: %s [flags]\n\nflags:\n", run)
	c.Flags.VisitAll(func(f *flag.Flag) {
		if c.hidden[f.Name] {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		Wrap(w, "        ", usage)
	})
	if c.Notes != "" {
		fmt.Fprintln(w)
		Wrap(w, "", c.Notes)
	}
}

// Status returns the exit status for what a program's run returned: 0 for
// nil and for flag.ErrHelp (-h), 2 for a bad command line, 1 otherwise (a
// failed check included).
func Status(err error) int {
	var usage *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		return 2
	default:
		return 1
	}
}

// Main runs a lesson program. run gets a context that Ctrl-C cancels,
// standard output and the command-line arguments. When run returns an error
// (a failed check included), Main prints it and exits with Status(err), so
// that CI catches a broken lesson.
func Main(name string, run func(ctx context.Context, w io.Writer, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if code := Status(err); code != 0 {
		fmt.Fprintf(os.Stderr, "%s: %s\n", name, strings.TrimSpace(err.Error()))
		os.Exit(code)
	}
}

// Terminal reports whether f is a terminal (a character device), so that a
// program can pause for its reader only when someone is there to read.
func Terminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
