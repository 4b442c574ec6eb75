// Package correct is the last chapter of the lesson: how do you know a
// concurrent program is correct? A small program with a race condition
// between two locked steps passes under plain repetition, fails under
// tametest.Explore with the seed of the schedule, fails again under Replay
// of that seed, and explores clean once fixed.
//
// Explore perturbs the schedule only in a build with the tag tametest: the
// chapter builds the program examples/correct with it and runs that binary
// as a test binary (testing.Main), once per step, reading back what go test
// would print.
package correct

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// Chapter is the last chapter of the tour.
var Chapter = lesson.Chapter{
	Name:  "correct",
	Title: "How do you know it is correct?",
	Intro: "A concurrent program that passes its test can still be wrong: the test saw a few " +
		"interleavings, and the Go scheduler keeps choosing the same few. The race detector finds data " +
		"races, not a race condition between two locked steps. Package tametest explores the schedules: " +
		"in a build with the tag tametest, each of tame's synchronization points (here, each lock) lets " +
		"it choose, from a seed, which goroutine goes next, so that a failure comes with the seed that " +
		"replays it. A small buggy program goes through plain repetition, Explore, Replay and a fix.",
	Run: Run,
}

// stepsTimeout bounds the build and the test runs of the chapter.
const stepsTimeout = 45 * time.Second

// program is the package the chapter builds with the tag tametest.
const program = "github.com/tamego/tame/examples/correct"

//go:embed account.go
var source string

// Run prints the chapter. It returns an error when a claim does not hold:
// plain repetition rarely fails, Explore finds the bug with a seed, Replay
// of that seed fails the same way, the fix explores clean.
func Run(ctx context.Context, w io.Writer, opt lesson.Options) error {
	c := lesson.Checker{Verbose: opt.Verbose}
	const runs = 1000 // the seeds Explore tries, and the plain runs
	fixedRuns := runs
	if opt.Quick {
		fixedRuns = 200
	}
	check, act := lineOf("// check..."), lineOf("// ...then act")

	lesson.Wrap(w, "", "The program: two withdrawals of 80 at once from an account of 100, one from a "+
		"goroutine it starts and one itself. Each checks the balance in one Do and takes the money in "+
		"another (examples/internal/correct/account.go):")
	fmt.Fprintln(w)
	listing(w, "func withdrawSplit(")
	fmt.Fprintln(w)
	lesson.Wrap(w, "", "Its test checks the invariant: the balance never goes below 0.")
	fmt.Fprintln(w)

	// 1. Plain repetition, in this process: no tag needed.
	start := time.Now()
	failed := repeat(runs)
	took := time.Since(start)
	story := fmt.Sprintf("1. Plain repetition: the test's body run %d times in a loop, as go test -count=%d "+
		"runs it (%s): %d %s failed.", runs, runs, lesson.Dur(took), failed, lesson.Plural(failed, "run"))
	if failed == 0 {
		story += " The test passes, and the bug ships."
	} else {
		story += " The bug showed, rarely, and nothing says which interleaving it was or how to see it again."
	}
	lesson.WrapHanging(w, "", "   ", story)
	c.Check(w, failed*100 <= runs, "plain repetition failed in %d of %d runs (at most 1%%)", failed, runs)

	// 2. The same test under Explore, in a build with the tag.
	// The build and the three test runs take seconds; a run that hangs (a
	// bug of the explorer) fails the chapter instead of the program's time
	// limit.
	ctx, cancel := context.WithTimeout(ctx, stepsTimeout)
	defer cancel()
	dir, err := os.MkdirTemp("", "tame-correct-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start = time.Now()
	bin, err := build(ctx, dir)
	if err != nil {
		lesson.WrapHanging(w, "", "   ", fmt.Sprintf("2. Explore perturbs the schedule only in a build with the tag "+
			"tametest, and this chapter could not make one: %v. It runs from the repository, with the go "+
			"command on the PATH.", err))
		// Without a go command the rest cannot be shown; a build that
		// fails is a broken lesson.
		if !errors.Is(err, exec.ErrNotFound) {
			c.Check(w, false, "the program builds with the tag tametest")
		}
		return c.Done(w)
	}
	built := time.Since(start)
	start = time.Now()
	found, err := test(ctx, bin, "-runs="+strconv.Itoa(runs))
	if err != nil {
		return err
	}
	explored := time.Since(start)
	lesson.WrapHanging(w, "", "   ", fmt.Sprintf("2. Explore: the same test under tametest.Explore. The points "+
		"compile to nothing without the tag tametest, so the chapter built this program with go build -tags "+
		"tametest (%s) and ran the test in that binary.", lesson.Dur(built)))
	ok := found.status != 0 && found.seed != 0 && found.balance < 0 && !found.plain
	if found.seed != 0 {
		fmt.Fprintf(w, "   Run %d of %d failed, under seed %#x:\n", found.run, found.runs, found.seed)
		fmt.Fprintf(w, "     %s\n", found.failure)
		fmt.Fprintln(w, "   The last synchronization points before it (step, goroutine, point, where):")
		trace(w, found.steps)
	} else {
		lesson.WrapHanging(w, "   ", "   ", fmt.Sprintf("No run failed (exit status %d).", found.status))
	}
	c.Check(w, ok, "Explore found a schedule that overdraws the account, with its seed (the test binary ran %s)",
		lesson.Dur(explored))
	if checkedBoth(found.steps, check, act) {
		lesson.Wrap(w, "   ", "Both goroutines passed the check before either took the money.")
	}
	c.Check(w, checkedBoth(found.steps, check, act), "the failing schedule has both checks before the first act")
	if !ok {
		return c.Done(w)
	}

	// 3. Replay of the seed found.
	again, err := test(ctx, bin, fmt.Sprintf("-seed=%#x", found.seed))
	if err != nil {
		return err
	}
	same := again.status != 0 && again.failure == found.failure && sameSteps(again.steps, found.steps)
	story = fmt.Sprintf("3. Replay: tametest.Replay(t, %#x, body) ", found.seed)
	switch {
	case same:
		story += fmt.Sprintf("failed again (balance = %d), through the same %d points, in the same order: the "+
			"seed holds the schedule, so the failure can be run again until it is understood.", again.balance,
			len(again.steps))
	case again.status != 0:
		story += fmt.Sprintf("failed again, but not the same way (%s).", again.failure)
	default:
		story += "passed: the schedule was not reproduced."
	}
	lesson.WrapHanging(w, "", "   ", story)
	c.Check(w, same, "Replay of seed %#x failed again the same way", found.seed)

	// 4. The fix, explored under the same seeds.
	start = time.Now()
	fixed, err := test(ctx, bin, "-fixed", "-runs="+strconv.Itoa(fixedRuns), "-test.v")
	if err != nil {
		return err
	}
	explored = time.Since(start)
	lesson.WrapHanging(w, "", "   ", "4. The fix: check and act in one Do (account.go):")
	fmt.Fprintln(w)
	listing(w, "func withdrawOne(")
	fmt.Fprintln(w)
	clean := fixed.status == 0 && fixed.passed == fixedRuns && fixed.low == 20 && fixed.high == 20
	if clean {
		lesson.Wrap(w, "   ", fmt.Sprintf("Explore again, the same test under the same seeds: %d of %d runs passed, "+
			"and every one left a balance of 20.", fixed.passed, fixedRuns))
	} else {
		lesson.Wrap(w, "   ", fmt.Sprintf("Explore again: exit status %d, %d runs passed, balances %d to %d.",
			fixed.status, fixed.passed, fixed.low, fixed.high))
	}
	c.Check(w, clean, "the fix explored clean: %d of %d runs passed with a balance of 20 (the test binary ran %s)",
		fixed.passed, fixedRuns, lesson.Dur(explored))
	fmt.Fprintln(w)
	lesson.Wrap(w, "", "Run the tests that explore with go test -tags tametest, and the same tests without it "+
		"under -race: the race detector and the explorer find different bugs.")
	return c.Done(w)
}

// repeat runs the test's body n times, as plain repetition does, and
// returns how many runs overdrew the account.
func repeat(n int) int {
	failed := 0
	for range n {
		if twoWithdrawals(withdrawSplit) < 0 {
			failed++
		}
	}
	return failed
}

// build builds the program with the tag tametest into dir and returns the
// binary's path.
func build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "correct")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	out, err := exec.CommandContext(ctx, "go", "build", "-tags", "tametest", "-o", bin, program).CombinedOutput()
	if err != nil {
		if msg, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n"); msg != "" {
			return "", fmt.Errorf("go build -tags tametest: %w: %s", err, msg)
		}
		return "", fmt.Errorf("go build -tags tametest: %w", err)
	}
	return bin, nil
}

// test runs TestWithdraw in the binary bin, with args, and reads back what
// it printed. Only a binary that could not run is an error: a failing
// test is a result.
func test(ctx context.Context, bin string, args ...string) (result, error) {
	cmd := exec.CommandContext(ctx, bin, append([]string{"-test.run=^TestWithdraw$"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.CombinedOutput()
	r := parse(string(out))
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.status = exit.ExitCode()
	case err != nil:
		return r, fmt.Errorf("running the test binary: %w", err)
	}
	return r, nil
}

// lineOf returns the line of account.go that holds marker, or 0.
func lineOf(marker string) int {
	for i, l := range strings.Split(source, "\n") {
		if strings.Contains(l, marker) {
			return i + 1
		}
	}
	return 0
}

// listing prints the function of account.go whose first line starts with
// decl, with its line numbers, as the trace names them.
func listing(w io.Writer, decl string) {
	printing := false
	for i, l := range strings.Split(source, "\n") {
		printing = printing || strings.HasPrefix(l, decl)
		if printing {
			fmt.Fprintf(w, "  %3d  %s\n", i+1, strings.ReplaceAll(l, "\t", "    "))
		}
		if printing && l == "}" {
			return
		}
	}
}

// trace prints the steps of a report, with the code of account.go at each.
func trace(w io.Writer, steps []step) {
	lines := strings.Split(source, "\n")
	for _, s := range steps {
		what := s.code
		if s.file == "account.go" && s.line >= 1 && s.line <= len(lines) {
			what, _, _ = strings.Cut(strings.TrimSpace(lines[s.line-1]), " //")
		}
		l := fmt.Sprintf("     %d  %-3s %-8s %s:%d  %s", s.n, s.g, s.kind, s.file, s.line, what)
		if r := []rune(l); len(r) > lesson.Width {
			l = string(r[:lesson.Width-3]) + "..."
		}
		fmt.Fprintln(w, l)
	}
}
