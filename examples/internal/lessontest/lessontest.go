// Package lessontest holds the checks every lesson program's tests make:
// -h exits 0 and starts with the one-line summary, the test-only flags stay
// out of the usage, output lines fit the width, a program run alone prints
// its chapter's heading and intro.
package lessontest

import (
	"bytes"
	"errors"
	"os"
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
	return RunEnv(t, bin, nil, args...)
}

// RunEnv is Run with env added to the environment.
func RunEnv(t *testing.T, bin string, env []string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
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

// Program builds the program in the current directory, checks its -h
// (Help), then runs it alone with -quick and env added to its environment,
// as a reader would: it must exit 0, start with ch's heading and intro, fit
// the width, and sum up its checks in one line. It returns the output.
func Program(t *testing.T, summary string, ch lesson.Chapter, env ...string) string {
	t.Helper()
	bin := Build(t)
	Help(t, bin, summary)
	out, errOut, status := RunEnv(t, bin, env, "-quick")
	if status != 0 {
		t.Fatalf("%s: exit status %d, want 0; stderr:\n%s\nstdout:\n%s", strings.Join(env, " "), status, errOut, out)
	}
	Alone(t, out, ch)
	Fits(t, out)
	if !strings.Contains(out, "\n  checked: ") || strings.Contains(out, "check ok") {
		t.Errorf("without -v, want one line summing up the checks, not each check:\n%s", out)
	}
	return out
}

// Flat returns out with every run of white space made one space, so that
// prose wrapped over several lines can be searched.
func Flat(out string) string { return strings.Join(strings.Fields(out), " ") }

// Says checks that out, wrapped as it may be, says each of wants.
func Says(t *testing.T, out string, wants ...string) {
	t.Helper()
	f := Flat(out)
	for _, want := range wants {
		if !strings.Contains(f, want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}
}
