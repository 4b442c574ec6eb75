package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/tamego/tame/examples/internal/wordcount"
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
	for _, want := range []string{
		"check ok: 1 file: both versions counted the same words",
		"check ok: 60 files: both versions counted the same words",
		"The most frequent words in 60 files:",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
	// Two timed comparisons, each with a verdict.
	if n := len(regexp.MustCompile(`(?m)^  pipeline +\S+ +(\d+\.\dx (faster|slower)|no faster) than sequential`).FindAllString(got, -1)); n != 2 {
		t.Errorf("%d timed comparisons, want 2:\n%s", n, got)
	}
	if n := len(regexp.MustCompile(`(?m)^ +\d+\. \S+ +\d+$`).FindAllString(got, -1)); n != 10 {
		t.Errorf("%d top words printed, want 10:\n%s", n, got)
	}
}

func TestBadWorkers(t *testing.T) {
	if err := run(context.Background(), io.Discard, []string{"-quick", "-workers", "-2"}); err == nil {
		t.Errorf("run(-workers -2) = nil, want an error")
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
	pipe, err := wordcount.Pipelined(context.Background(), c, 2)
	if err != nil || !maps.Equal(pipe, want) {
		t.Errorf("Pipelined() = %v, %v; want %v, nil", pipe, err, want)
	}
}
