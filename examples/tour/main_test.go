package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/lessontest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// maxLines is the most lines one chapter may print without -v: about a
// screen, so that the tour can be read a chapter at a time.
const maxLines = 70

// parts splits the output of the tour into its chapters, by their headings
// (a title with its underline), checking that every chapter is there, in
// order.
func parts(t *testing.T, got string) map[string]string {
	t.Helper()
	var starts []int
	for i, ch := range chapters {
		title := fmt.Sprintf("%d. %s", i+1, ch.Title)
		heading := fmt.Sprintf("%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
		at := strings.Index(got, heading)
		if at < 0 || len(starts) > 0 && at < starts[len(starts)-1] {
			t.Fatalf("heading %q missing or out of order:\n%s", title, got)
		}
		starts = append(starts, at)
	}
	starts = append(starts, len(got))
	p := make(map[string]string)
	for i, ch := range chapters {
		p[ch.Name] = got[starts[i]:starts[i+1]]
	}
	return p
}

// TestWholeTour runs the tour as the README's first command does, with the
// quick sizes, and checks each chapter's part of the output: its heading, in
// order, the summary of its checks and no failure, short enough to read;
// every line fits; the goroutine count at the end (goleak checks the whole
// test binary as well).
func TestWholeTour(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Fits(t, got)
	for name, part := range parts(t, got) {
		if !strings.Contains(part, "  checked: ") {
			t.Errorf("chapter %s does not sum up its checks:\n%s", name, part)
		}
		if strings.Contains(part, "FAILED") || strings.Contains(part, "check ok") {
			t.Errorf("chapter %s reports a failure, or lists its checks without -v:\n%s", name, part)
		}
		if n := strings.Count(part, "\n"); n > maxLines {
			t.Errorf("chapter %s prints %d lines without -v, want at most %d:\n%s", name, n, maxLines, part)
		}
	}
	for _, want := range []string{
		"tame: a tour of concurrency in Go",
		"every goroutine started by the lesson has ended",
		"The lesson:",
		"The tour took",
	} {
		if !strings.Contains(strings.Join(strings.Fields(got), " "), want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
}

// TestOneChapter runs two chapters by name, verbose: only they are printed,
// with every check.
func TestOneChapter(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v", "-chapter", "lock, actor"}); err != nil {
		t.Fatalf("run(-chapter lock,actor) = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	for _, ch := range chapters {
		want := ch.Name == "lock" || ch.Name == "actor"
		if strings.Contains(got, ch.Title) != want {
			t.Errorf("output shows chapter %s: %v, want %v", ch.Name, !want, want)
		}
	}
	if strings.Index(got, "7. ") > strings.Index(got, "9. ") {
		t.Errorf("chapters not in tour order (actor is 7, lock 9):\n%s", got)
	}
	if !strings.Contains(got, "  check ok: ") || strings.Contains(got, "  checked: ") {
		t.Errorf("-v: want every check listed, not the summary:\n%s", got)
	}
	lessontest.Fits(t, got)
}

// TestPause checks that the tour asks before each next chapter, and stops
// when the reader says so.
func TestPause(t *testing.T) {
	defer func(p func(context.Context, io.Writer, string) bool) { pause = p }(pause)
	var asked []string
	pause = func(_ context.Context, _ io.Writer, next string) bool {
		asked = append(asked, next)
		return len(asked) < 2
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-chapter", "pool,actor,queue,lock"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	if want := []string{"chapter 7, actor", "chapter 8, queue"}; fmt.Sprint(asked) != fmt.Sprint(want) {
		t.Errorf("asked before %q, want %q", asked, want)
	}
	if got := out.String(); strings.Contains(got, "9. lock:") || !strings.HasSuffix(got, "Stopped.\n") {
		t.Errorf("the tour went on after the reader stopped it:\n%s", got)
	}
}

// TestEnter checks the pause a reader at a terminal gets: Enter goes on, q
// stops, and so does the end of the input.
func TestEnter(t *testing.T) {
	var out bytes.Buffer
	p := enter(bufio.NewReader(strings.NewReader("\n q \n")))
	for i, want := range []bool{true, false, false} {
		if got := p(context.Background(), &out, "chapter 2, race"); got != want {
			t.Errorf("pause %d = %v, want %v", i+1, got, want)
		}
	}
	if !strings.Contains(out.String(), "[Enter: chapter 2, race; q: quit]") {
		t.Errorf("the pause does not say what comes next: %q", out.String())
	}
}

func TestList(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-list"}); err != nil {
		t.Fatalf("run(-list) = %v, want nil", err)
	}
	if got, want := strings.Count(out.String(), "\n"), len(chapters); got != want {
		t.Errorf("-list printed %d lines, want %d:\n%s", got, want, out.String())
	}
}

func TestUnknownChapter(t *testing.T) {
	err := run(context.Background(), io.Discard, []string{"-chapter", "nope"})
	if err == nil || !strings.Contains(err.Error(), "race") || lesson.Status(err) != 2 {
		t.Errorf("run(-chapter nope) = %v, want a usage error listing the chapters", err)
	}
}

// TestProgram checks the built program's -h and that one chapter runs as
// the tour shows it.
func TestProgram(t *testing.T) {
	bin := lessontest.Build(t)
	lessontest.Help(t, bin, summary)
	out, errOut, status := lessontest.Run(t, bin, "-quick", "-chapter", "queue")
	if status != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s\nstdout:\n%s", status, errOut, out)
	}
	if !strings.HasPrefix(out, "8. queue: ") || strings.Contains(out, "[Enter") {
		t.Errorf("-chapter queue, output not a terminal: want chapter 8 and no pause:\n%s", out)
	}
}
