package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tamego/tame/examples/internal/correct"
	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/lessontest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var (
	plainRe   = regexp.MustCompile(`1\. Plain repetition: the test's body run (\d+) times in a loop, .*?: (\d+) runs? failed\.`)
	exploreRe = regexp.MustCompile(`Run (\d+) of (\d+) failed, under seed (0x[0-9a-f]+): balance = (-\d+), want at least 0`)
	pointsRe  = regexp.MustCompile(`(?m)^     (\d+)  G\d+ +\S.* \S+\.go:\d+ `)
)

// claims checks that out, the chapter's output, says what its test
// established, step by step: plain repetition passed (or says honestly that
// it did not, which must stay rare), Explore found the bug with a seed,
// Replay of that seed failed the same way, the fix explored clean over
// fixedRuns runs.
func claims(t *testing.T, out string, fixedRuns int) {
	t.Helper()
	flat := lessontest.Flat(out)
	m := plainRe.FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("no plain repetition step:\n%s", out)
	}
	runs, _ := strconv.Atoi(m[1])
	failed, _ := strconv.Atoi(m[2])
	if runs != 1000 || failed*100 > runs {
		t.Errorf("plain repetition: %d of %d runs failed, want 1000 runs and at most 1%%", failed, runs)
	}
	if passes := strings.Contains(flat, "The test passes, and the bug ships."); passes != (failed == 0) {
		t.Errorf("plain repetition: %d runs failed, but the prose says the test passes: %v", failed, passes)
	}

	m = exploreRe.FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("Explore found no failing run, or its report is not shown:\n%s", out)
	}
	seed, balance := m[3], m[4]
	if run, _ := strconv.Atoi(m[1]); m[2] != "1000" || run < 1 || run > 1000 {
		t.Errorf("Explore: run %s of %s failed, want a run within 1000", m[1], m[2])
	}
	points := pointsRe.FindAllStringSubmatch(out, -1)
	if len(points) < 4 {
		t.Errorf("Explore: %d synchronization points shown, want the checks and the acts:\n%s", len(points), out)
	}
	for i, p := range points {
		if p[1] != strconv.Itoa(i+1) {
			t.Errorf("Explore: point %d is numbered %s", i+1, p[1])
		}
	}
	lessontest.Says(t, out,
		"Both goroutines passed the check before either took the money.",
		fmt.Sprintf("3. Replay: tametest.Replay(t, %s, body) failed again (balance = %s), through the same %d points, in the same order",
			seed, balance, len(points)),
		fmt.Sprintf("under the same seeds: %d of %d runs passed, and every one left a balance of 20.", fixedRuns, fixedRuns),
	)
	if strings.Contains(out, "FAILED") {
		t.Errorf("a check failed:\n%s", out)
	}
}

// TestProgram builds the program and runs it alone, as a reader would:
// -h, the width, and the four steps of the chapter.
func TestProgram(t *testing.T) {
	out := lessontest.Program(t, summary, correct.Chapter)
	claims(t, out, 200)
}

// TestWithoutGo runs the program where there is no go command: it cannot
// build itself with the tag, says so and how to run it, and still shows
// plain repetition.
func TestWithoutGo(t *testing.T) {
	bin := lessontest.Build(t)
	out, errOut, status := lessontest.RunEnv(t, bin, []string{"PATH=" + t.TempDir()}, "-quick")
	if status != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", status, errOut)
	}
	lessontest.Fits(t, out)
	lessontest.Says(t, out, "1. Plain repetition:", "could not make one", "with the go command on the PATH")
	if strings.Contains(out, "3. Replay") {
		t.Errorf("without a go command, the chapter went on:\n%s", out)
	}
}

// TestLesson runs the chapter in this process with every check printed.
func TestLesson(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program with the tag tametest: skipped in -short mode")
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Alone(t, got, correct.Chapter)
	lessontest.Fits(t, got)
	claims(t, got, 200)
	for _, want := range []string{
		"check ok: plain repetition failed in",
		"check ok: Explore found a schedule that overdraws the account, with its seed",
		"check ok: the failing schedule has both checks before the first act",
		"check ok: Replay of seed 0x",
		"check ok: the fix explored clean: 200 of 200 runs passed with a balance of 20",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
}

func TestHelpInProcess(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), &out, []string{"-h"})
	if !errors.Is(err, flag.ErrHelp) || lesson.Status(err) != 0 {
		t.Errorf("run(-h) = %v, want flag.ErrHelp (status 0)", err)
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); first != summary {
		t.Errorf("-h: first line %q, want %q", first, summary)
	}
	lessontest.Fits(t, out.String())
}
