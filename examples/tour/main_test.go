package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestWholeTour runs the tour as the README's first command does, with the
// quick sizes, and checks each chapter's part of the output: its heading, in
// order, at least one check and no failure; and the goroutine count at the
// end (goleak checks the whole test binary as well).
func TestWholeTour(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	var starts []int
	for i, ch := range chapters {
		heading := fmt.Sprintf("%d. %s\n", i+1, ch.Title)
		at := strings.Index(got, heading)
		if at < 0 || len(starts) > 0 && at < starts[len(starts)-1] {
			t.Fatalf("heading %q missing or out of order:\n%s", heading, got)
		}
		starts = append(starts, at)
	}
	starts = append(starts, len(got))
	for i, ch := range chapters {
		part := got[starts[i]:starts[i+1]]
		if !strings.Contains(part, "check ok:") {
			t.Errorf("chapter %s checked nothing:\n%s", ch.Name, part)
		}
		if strings.Contains(part, "FAILED") {
			t.Errorf("chapter %s reports a failure:\n%s", ch.Name, part)
		}
	}
	for _, want := range []string{
		"tame: a tour of concurrency in Go",
		"every goroutine started by the lesson has ended",
		"The lesson:",
		"The tour took",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
}

// TestOneChapter runs two chapters by name: only they are printed.
func TestOneChapter(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-chapter", "lock, actor"}); err != nil {
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
	if err == nil || !strings.Contains(err.Error(), "race") {
		t.Errorf("run(-chapter nope) = %v, want an error listing the chapters", err)
	}
}
