package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/lessontest"
	"github.com/tamego/tame/examples/internal/race"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// A version is one lost-update table of the output: the sizes, how many
// runs lost updates at each, and the prose under it, on one line.
type version struct {
	sizes []string
	wrong []int
	story string
}

// versions parses the three lost-update tables of out.
func versions(t *testing.T, out string) map[int]version {
	t.Helper()
	got := make(map[int]version)
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if len(l) < 3 || !strings.Contains("123", l[:1]) || l[1:3] != ". " || i+2 >= len(lines) ||
			!strings.HasPrefix(lines[i+1], "   n (per goroutine)") {
			continue
		}
		var v version
		v.sizes = strings.Fields(strings.TrimPrefix(lines[i+1], "   n (per goroutine)"))
		for _, cell := range strings.Fields(strings.TrimPrefix(lines[i+2], "   runs that lost")) {
			k, _, _ := strings.Cut(cell, "/")
			n, err := strconv.Atoi(k)
			if err != nil {
				t.Fatalf("cannot read %q in %q", cell, lines[i+2])
			}
			v.wrong = append(v.wrong, n)
		}
		var story []string
		for j := i + 3; j < len(lines) && strings.HasPrefix(lines[j], "   "); j++ {
			// Deeper lines are every run's figures, with -v; the most lost
			// row too.
			if !strings.HasPrefix(lines[j], "    ") && !strings.HasPrefix(lines[j], "   most lost") {
				story = append(story, strings.TrimSpace(lines[j]))
			}
		}
		v.story = strings.Join(story, " ")
		if len(v.wrong) != len(v.sizes) || len(v.sizes) == 0 {
			t.Fatalf("table of version %s is malformed:\n%s", l[:1], strings.Join(lines[i:i+3], "\n"))
		}
		got[int(l[0]-'0')] = v
	}
	return got
}

// lost reports whether some run of v lost updates.
func (v version) lost() bool { return slices.ContainsFunc(v.wrong, func(k int) bool { return k > 0 }) }

// checkStory checks that the prose under a table says what the table shows.
func checkStory(t *testing.T, name string, v version) {
	t.Helper()
	first := slices.IndexFunc(v.wrong, func(k int) bool { return k > 0 })
	switch {
	case first < 0:
		if !strings.Contains(v.story, "lost no update at any size, up to n="+v.sizes[len(v.sizes)-1]) {
			t.Errorf("%s lost nothing, but the prose says: %s", name, v.story)
		}
	case first == 0 && !slices.Contains(v.wrong, 0):
		if !strings.Contains(v.story, "Updates were lost at every size, n="+v.sizes[0]+" included") {
			t.Errorf("%s lost updates at every size, but the prose says: %s", name, v.story)
		}
	case first == 0:
		if !strings.Contains(v.story, "Updates were lost at n="+v.sizes[0]+" already") ||
			!strings.Contains(v.story, "though not at every size") {
			t.Errorf("%s lost updates at its smallest size but not at every one, but the prose says: %s", name, v.story)
		}
	default:
		want := "Runs of up to n=" + v.sizes[first-1] + " lost nothing: a small test passes. From n=" + v.sizes[first] + ", runs lost updates"
		if !strings.Contains(v.story, want) {
			t.Errorf("%s first lost updates at n=%s, but the prose says: %s\nwant it to say: %s", name, v.sizes[first], v.story, want)
		}
		if slices.Contains(v.wrong[first:], 0) != strings.Contains(v.story, "though not at every size") {
			t.Errorf("%s: runs that lost %v, but the prose says: %s", name, v.wrong, v.story)
		}
	}
}

// checkFixes checks the table of fixes: every count right, and the prose's
// fastest is the fastest of the table, the sequential loop included.
func checkFixes(t *testing.T, out string, want int) {
	t.Helper()
	took := make(map[string]time.Duration)
	for _, f := range race.Fixes {
		re := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(f.Pattern) + ` +` + regexp.QuoteMeta(f.Uses) + ` +(\d+) +(yes|NO) +(\S+)$`)
		row := re.FindStringSubmatch(out)
		if row == nil {
			t.Errorf("no table row for %q in:\n%s", f.Pattern, out)
			continue
		}
		if n, _ := strconv.Atoi(row[1]); n != want || row[2] != "yes" {
			t.Errorf("row %q: result %s, right %s; want %d, yes", f.Pattern, row[1], row[2], want)
		}
		d, err := time.ParseDuration(row[3])
		if err != nil {
			t.Fatalf("row %q: time %q: %v", f.Pattern, row[3], err)
		}
		took[f.Pattern] = d
	}
	if len(took) != len(race.Fixes) {
		return
	}
	least := slices.Min(slicesValues(took))
	flat := lessontest.Flat(out)
	said := ""
	if strings.Contains(flat, "The sequential loop, which needs no fix, was the fastest") {
		said = "sequential"
	} else if m := regexp.MustCompile(`The fastest was ([a-z ]+) \(`).FindStringSubmatch(flat); m != nil {
		said = m[1]
	}
	if d, ok := took[said]; !ok || d != least {
		t.Errorf("the prose names %q the fastest; the table's times are %v", said, took)
	}
}

func slicesValues(m map[string]time.Duration) []time.Duration {
	var s []time.Duration
	for _, v := range m {
		s = append(s, v)
	}
	return s
}

// TestLesson runs the chapter in this process with every check printed.
// Built with -race (as CI does), it skips the data race, which the detector
// would report: TestDataRaceLosesUpdates runs it in a build without -race.
func TestLesson(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Alone(t, got, race.Chapter)
	lessontest.Fits(t, got)
	vs := versions(t, got)
	if !race.Detector {
		if !vs[1].lost() {
			t.Errorf("the data race lost no update:\n%s", got)
		}
		checkStory(t, "the data race", vs[1])
	}
	if !vs[2].lost() {
		t.Errorf("the race condition lost no update:\n%s", got)
	}
	checkStory(t, "the race condition", vs[2])
	if len(vs[3].wrong) == 0 || vs[3].wrong[0] == 0 {
		t.Errorf("with a wait on one core, the smallest size lost nothing:\n%s", got)
	}
	checkStory(t, "the wait on one core", vs[3])
	checkFixes(t, got, 20000)
	for _, want := range []string{"check ok: every fix counted 20000", "check ok: the race condition without a data race lost updates"} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
}

// TestDataRaceLosesUpdates builds the program without -race and runs it
// alone, as a reader would, on the machine's cores and on one: the data race
// must lose updates, and the prose must say what its table shows.
func TestDataRaceLosesUpdates(t *testing.T) {
	for _, env := range [][]string{nil, {"GOMAXPROCS=1"}} {
		out := lessontest.Program(t, summary, race.Chapter, env...)
		vs := versions(t, out)
		if len(vs) != 3 {
			t.Fatalf("%v: %d lost-update tables, want 3:\n%s", env, len(vs), out)
		}
		if !vs[1].lost() {
			t.Errorf("%v: the data race lost no update:\n%s", env, out)
		}
		checkStory(t, "the data race", vs[1])
	}
}

func TestBadMode(t *testing.T) {
	err := run(context.Background(), &bytes.Buffer{}, []string{"-mode", "nope"})
	if lesson.Status(err) != 2 {
		t.Errorf("run(-mode nope) = %v, want a usage error (status 2)", err)
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
}

// TestDetector builds the program with -race and runs each counter once:
// the race detector must report the data race, and say nothing of the race
// condition, which has none.
func TestDetector(t *testing.T) {
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
		t.Errorf("-mode datarace: the -race binary exited 0, want the detector's exit status; output:\n%s", out)
	}
	if !bytes.Contains(out, []byte("WARNING: DATA RACE")) {
		t.Errorf("-mode datarace: the -race binary did not report a data race; output:\n%s", out)
	}
	if !bytes.Contains(out, []byte("built with -race")) {
		t.Errorf("-mode datarace: the -race binary did not say it was built with -race; output:\n%s", out)
	}
	out, err = exec.Command(bin, "-mode", "racecondition", "-quick").CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("WARNING: DATA RACE")) {
		t.Errorf("-mode racecondition: %v, want the detector quiet and exit 0; output:\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("race condition, no data race: 4 goroutines counted to")) {
		t.Errorf("-mode racecondition: the count is not printed; output:\n%s", out)
	}
}
