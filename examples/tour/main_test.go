package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestEachChapter runs every chapter on its own, with the quick sizes, and
// checks that it passes its own checks and leaves no goroutine behind
// (goleak checks the whole test binary at the end as well).
func TestEachChapter(t *testing.T) {
	for _, ch := range chapters {
		t.Run(ch.Name, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), &out, []string{"-quick", "-chapter", ch.Name}); err != nil {
				t.Fatalf("run(-chapter %s) = %v, want nil; output:\n%s", ch.Name, err, out.String())
			}
			got := out.String()
			if !strings.Contains(got, ch.Title+"\n") {
				t.Errorf("output does not start the chapter with its heading %q:\n%s", ch.Title, got)
			}
			if !strings.Contains(got, "check ok:") {
				t.Errorf("chapter %s checked nothing:\n%s", ch.Name, got)
			}
			if strings.Contains(got, "FAILED") {
				t.Errorf("chapter %s reports a failure:\n%s", ch.Name, got)
			}
			if !strings.Contains(got, "every goroutine started by the lesson has ended") {
				t.Errorf("chapter %s left goroutines running:\n%s", ch.Name, got)
			}
		})
	}
}

// TestWholeTour runs the tour as the README's first command does, with the
// quick sizes, and checks that the chapters come in order.
func TestWholeTour(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every chapter again: skipped in -short mode")
	}
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	last := -1
	for i, ch := range chapters {
		at := strings.Index(got, ch.Title)
		if at < 0 || at < last {
			t.Errorf("chapter %d (%s) missing or out of order", i+1, ch.Name)
		}
		last = at
	}
	for _, want := range []string{"tame: a tour of concurrency in Go", "The lesson:", "The tour took"} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q", want)
		}
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
