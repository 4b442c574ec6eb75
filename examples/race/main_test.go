package main

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tamego/tame/examples/internal/race"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLesson(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	if !strings.Contains(got, "check ok: every fix counted 20000") {
		t.Errorf("output does not say every fix counted 20000:\n%s", got)
	}
	// Every fix appears in the table as correct, with the right total.
	for _, f := range race.Fixes {
		row := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(f.Pattern) + `\s+.*\s(\d+)\s+(yes|NO)\s+\S+$`).FindStringSubmatch(got)
		if row == nil {
			t.Errorf("no table row for %q in:\n%s", f.Pattern, got)
			continue
		}
		if n, _ := strconv.Atoi(row[1]); n != 20000 || row[2] != "yes" {
			t.Errorf("row %q: result %s, correct %s; want 20000, yes", f.Pattern, row[1], row[2])
		}
	}
	// Each lost-update size prints a line, with a plausible count of
	// wrong runs.
	lines := regexp.MustCompile(`(?m)^   n=\d+\s+(\d) of 5 runs wrong; updates lost in each run: \d+(, \d+){4}$`).FindAllStringSubmatch(got, -1)
	want := 12
	if race.Detector {
		want = 8 // the data-race version is skipped under -race
	}
	if len(lines) != want {
		t.Errorf("%d lost-update lines printed, want %d:\n%s", len(lines), want, got)
	}
}

func TestBadMode(t *testing.T) {
	if err := run(context.Background(), io.Discard, []string{"-mode", "nope"}); err == nil {
		t.Errorf("run(-mode nope) = nil, want an error")
	}
}

// TestDetectorCatchesDataRace builds the program with -race and runs its
// data-race counter: the race detector must report it.
func TestDetectorCatchesDataRace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program with -race: skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	bin := t.TempDir() + "/race"
	build := exec.Command(gobin, "build", "-race", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build with -race here (%v): %s", err, out)
	}
	out, err := exec.Command(bin, "-mode", "datarace", "-quick").CombinedOutput()
	if err == nil {
		t.Errorf("the -race binary exited 0, want the detector's exit status; output:\n%s", out)
	}
	if !bytes.Contains(out, []byte("WARNING: DATA RACE")) {
		t.Errorf("the -race binary did not report a data race; output:\n%s", out)
	}
	if !bytes.Contains(out, []byte("built with -race")) {
		t.Errorf("the -race binary did not say it was built with -race; output:\n%s", out)
	}
}
