package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tamego/tame/examples/internal/kitchen"
	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/examples/internal/lessontest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// checkParallelHalf checks what the output says about the dinner with two
// chefs: either they chopped on two cores at once, with the cores busy
// measured at least kitchen.Parallel, or it says why not, with the measured
// figures.
func checkParallelHalf(t *testing.T, out string) {
	t.Helper()
	f := lessontest.Flat(out)
	if !regexp.MustCompile(`(?i)this program could use about \d+\.\d cores just now`).MatchString(f) {
		t.Errorf("the free cores were not measured first:\n%s", out)
	}
	if m := regexp.MustCompile(`While two chefs worked side by side, (\d+\.\d) cores were busy: they chopped on two cores at the same instant`).FindStringSubmatch(f); m != nil {
		if busy, _ := strconv.ParseFloat(m[1], 64); busy < kitchen.Parallel {
			t.Errorf("claims parallelism with %.1f cores busy, want at least %.1f:\n%s", busy, kitchen.Parallel, out)
		}
		checkTwos(t, out)
		return
	}
	if m := regexp.MustCompile(`but for (\S+) they chopped on two cores at the same instant`).FindStringSubmatch(f); m != nil {
		if d, err := time.ParseDuration(m[1]); err != nil || d < 10*time.Millisecond {
			t.Errorf("claims a stretch of parallelism of %s, want at least 10ms:\n%s", m[1], out)
		}
		checkTwos(t, out)
		return
	}
	for _, why := range []*regexp.Regexp{
		regexp.MustCompile(`only \d+\.\d cores were busy: they (took turns on one core|shared less than one core) rather than chopping at the same instant, in \d dinners?; the measure above found`),
		regexp.MustCompile(`This program may use only one core \(GOMAXPROCS=1\)`),
		regexp.MustCompile(`This machine has only one core`),
	} {
		if why.MatchString(f) {
			return
		}
	}
	t.Errorf("the output neither shows two chefs on two cores nor says why not:\n%s", out)
}

func TestKitchen(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "kitchen.svg")
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v", "-svg", svg}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Alone(t, got, kitchen.Chapter)
	lessontest.Fits(t, got)
	checkParallelHalf(t, got)
	lessontest.Says(t, got,
		"One chef, 6 dishes:",
		"2 chefs, the same dishes:",
		"blank: not started yet, or served",
		"check ok: 1 chef(s): dishes cooked in order",
		"check ok: 2 chef(s): dishes cooked in order",
		"check ok: one chef: never two dishes chopped at the same instant",
		"check ok: 2 chefs: 2 dishes worked on at the same instant",
	)
	if strings.Contains(got, "FAILED") {
		t.Errorf("output reports a failed check:\n%s", got)
	}
	// The one-chef timeline uses chef A only; the other one has chef B too.
	one, many, _ := strings.Cut(got, "2 chefs, the same dishes")
	if strings.ContainsAny(rows(one), "BCbc") {
		t.Errorf("one-chef timeline shows another chef:\n%s", one)
	}
	if !strings.ContainsAny(rows(many), "Bb") {
		t.Errorf("2-chef timeline never shows chef B:\n%s", many)
	}
	checkSVG(t, svg)
}

// checkSVG checks that the file is an SVG image with a bar per step of both
// dinners and a legend naming each chef and the blank rows.
func checkSVG(t *testing.T, name string) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatalf("the SVG file was not written: %v", err)
	}
	defer f.Close()
	steps, root, inRect := 0, "", false
	var texts []string
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not valid XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			if inRect && tok.Name.Local == "title" {
				steps++ // a step's bar: a rect with a title
			}
			inRect = tok.Name.Local == "rect"
		case xml.EndElement:
			inRect = false
		case xml.CharData:
			texts = append(texts, string(tok))
		}
	}
	if root != "svg" {
		t.Errorf("SVG root element = %q, want svg", root)
	}
	// 3 steps per dish, 6 dishes, 2 dinners.
	if want := 3 * 6 * 2; steps != want {
		t.Errorf("SVG has %d bars for steps, want %d", steps, want)
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"|chef A|", "|chef B|", "|in the oven|", "|waiting for a chef|", "blank: not started, or served"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG legend lacks %q; its texts: %s", want, all)
		}
	}
}

// checkTwos checks that the cores row of the dinner with two chefs shows
// two cores busy somewhere, as the prose says.
func checkTwos(t *testing.T, out string) {
	t.Helper()
	_, many, _ := strings.Cut(out, "2 chefs, the same dishes")
	if row := regexp.MustCompile(`(?m)^  cores +\|(.*)\|$`).FindStringSubmatch(many); row == nil || !strings.ContainsAny(row[1], "23456789") {
		t.Errorf("the prose says two cores were busy, the cores row does not show it:\n%s", out)
	}
}

// rows returns the timeline rows of a part of the output: the text between
// the bars.
func rows(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "|"); i >= 0 && strings.HasSuffix(line, "|") {
			b.WriteString(line[i:])
		}
	}
	return b.String()
}

// TestProgram runs the program alone, as a reader would, and with one core
// only: then it cannot show parallelism and must say why.
func TestProgram(t *testing.T) {
	out := lessontest.Program(t, summary, kitchen.Chapter, "GOMAXPROCS=1")
	checkParallelHalf(t, out)
	lessontest.Says(t, out, "This program may use only one core (GOMAXPROCS=1)")
}

func TestBadChefs(t *testing.T) {
	err := run(context.Background(), io.Discard, []string{"-quick", "-chefs", "-1"})
	if lesson.Status(err) != 2 {
		t.Errorf("run(-chefs -1) = %v, want a usage error (status 2)", err)
	}
}
