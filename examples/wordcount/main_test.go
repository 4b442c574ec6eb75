package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/lessontest"
	"github.com/tamego/tame/examples/internal/wordcount"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLesson(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Alone(t, got, wordcount.Chapter)
	lessontest.Fits(t, got)
	lessontest.Says(t, got,
		"check ok: waiting case: the pipeline beat the loop on one core",
		"check ok: waiting case: both versions counted the same words",
		"check ok: 1 file: both versions counted the same words",
		"check ok: 60 files: both versions counted the same words",
		"The most frequent words in 60 files:",
		"The pipeline wins, ",
		"with GOMAXPROCS=1: one goroutine ran at a time, so this is not parallelism.",
	)
	// The waiting case: the pipeline's time is below the loop's.
	wait, _, _ := strings.Cut(got, "\n2. ")
	loop := regexp.MustCompile(`(?m)^  loop +(\S+)`).FindStringSubmatch(wait)
	pipe := regexp.MustCompile(`(?m)^  pipeline \(16 readers\) +(\S+) +(\d+x|\d+\.\dx) faster`).FindStringSubmatch(wait)
	if loop == nil || pipe == nil {
		t.Fatalf("waiting case: no loop and pipeline times with a verdict:\n%s", wait)
	}
	l, err1 := time.ParseDuration(loop[1])
	p, err2 := time.ParseDuration(pipe[1])
	if err1 != nil || err2 != nil || p >= l {
		t.Errorf("waiting case: pipeline %s, loop %s: want the pipeline faster", pipe[1], loop[1])
	}
	// Three timed comparisons, each with a verdict.
	if n := len(regexp.MustCompile(`(?m)^  pipeline \(.*\) +\S+ +(\d+(\.\d)?x (faster|slower)|no faster)`).FindAllString(got, -1)); n != 3 {
		t.Errorf("%d timed comparisons, want 3:\n%s", n, got)
	}
	if n := len(regexp.MustCompile(`(?m)^ +\d+\. \S+ +\d+$`).FindAllString(got, -1)); n != 10 {
		t.Errorf("%d top words printed, want 10:\n%s", n, got)
	}
}

// TestProgram runs the program alone, as a reader would.
func TestProgram(t *testing.T) {
	out := lessontest.Program(t, summary, wordcount.Chapter)
	lessontest.Says(t, out, "checked: 4 claims held", "The pipeline wins, ")
	if strings.Contains(out, "most frequent") {
		t.Errorf("without -v, want no list of words:\n%s", out)
	}
}

func TestBadWorkers(t *testing.T) {
	err := run(context.Background(), io.Discard, []string{"-quick", "-workers", "-2"})
	if lesson.Status(err) != 2 {
		t.Errorf("run(-workers -2) = %v, want a usage error (status 2)", err)
	}
}

func TestTokenize(t *testing.T) {
	src := "func f(x_1 int) { // Grüße, 2 times\n\treturn x_1 + 2 }"
	var got []string
	for _, w := range wordcount.Tokenize([]byte(src)) {
		got = append(got, string(w))
	}
	want := []string{"func", "f", "x_1", "int", "Grüße", "times", "return", "x_1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Tokenize(%q) = %q, want %q", src, got, want)
	}
}

// TestBothWaysAgree counts a small corpus both ways and compares the counts
// with a count made here by hand.
func TestBothWaysAgree(t *testing.T) {
	files := map[string]string{"a": "one two two", "b": "three three three", "c": "two one"}
	c := wordcount.Corpus{Files: []string{"a", "b", "c"}, Read: func(name string) ([]byte, error) { return []byte(files[name]), nil }}
	want := map[string]int{"one": 2, "two": 3, "three": 3}
	seq, err := wordcount.Sequential(context.Background(), c)
	if err != nil || !maps.Equal(seq, want) {
		t.Errorf("Sequential() = %v, %v; want %v, nil", seq, err, want)
	}
	pipe, err := wordcount.Pipelined(context.Background(), c, 3, 2)
	if err != nil || !maps.Equal(pipe, want) {
		t.Errorf("Pipelined() = %v, %v; want %v, nil", pipe, err, want)
	}
}
