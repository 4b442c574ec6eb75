// Package lessontest holds the checks every lesson program's tests make:
// -h exits 0 and starts with the one-line summary, the test-only flags stay
// out of the usage, output lines fit the width, a program run alone prints
// its chapter's heading and intro.
package lessontest

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tamego/tame/examples/internal/lesson"
)

// Build builds the program in the current directory (the package under
// test) without -race and returns the binary's path. It skips the test in
// -short mode or when there is no go command.
func Build(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the program: skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "prog")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Run runs bin with args and returns its standard output, its standard
// error and its exit status.
func Run(t *testing.T, bin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		status = exit.ExitCode()
	case err != nil:
		t.Fatalf("running %s: %v", bin, err)
	}
	return out.String(), errOut.String(), status
}

// Help runs bin -h and checks that it exits 0, prints summary as its first
// line, shows -v but not the test-only -quick, and fits the width. A bad
// flag must exit 2.
func Help(t *testing.T, bin, summary string) {
	t.Helper()
	out, errOut, status := Run(t, bin, "-h")
	if status != 0 {
		t.Errorf("-h: exit status %d, want 0; stderr:\n%s", status, errOut)
	}
	first, _, _ := strings.Cut(out, "\n")
	if first != summary {
		t.Errorf("-h: first line %q, want the summary %q", first, summary)
	}
	if !strings.Contains(out, "\n  -v\n") {
		t.Errorf("-h: usage does not show -v:\n%s", out)
	}
	if strings.Contains(out, "-quick") {
		t.Errorf("-h: usage shows the test-only -quick:\n%s", out)
	}
	Fits(t, out)
	if _, errOut, status := Run(t, bin, "-no-such-flag"); status != 2 || !strings.Contains(errOut, "-h for help") {
		t.Errorf("-no-such-flag: exit status %d, stderr %q; want 2 and a pointer to -h", status, errOut)
	}
}

// Fits checks that every line of out fits lesson.Width columns.
func Fits(t *testing.T, out string) {
	t.Helper()
	if wide := lesson.TooWide(out); len(wide) > 0 {
		t.Errorf("%d line(s) wider than %d columns, the first:\n%s", len(wide), lesson.Width, wide[0])
	}
}

// Alone checks that out, the output of a program run alone, starts with
// its chapter's title, underlined, and the intro's first words, as the tour
// prints them.
func Alone(t *testing.T, out string, ch lesson.Chapter) {
	t.Helper()
	var want bytes.Buffer
	lesson.Heading(&want, ch.Title)
	lesson.Wrap(&want, "", ch.Intro)
	if !strings.HasPrefix(out, want.String()) {
		t.Errorf("output does not start with the chapter's title and intro:\n%s", out[:min(len(out), 600)])
	}
}
