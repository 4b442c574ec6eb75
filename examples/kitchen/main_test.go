package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestKitchen(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "kitchen.svg")
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-chefs", "3", "-svg", svg}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"One chef, 6 dishes: wall time",
		"3 chefs, the same dishes: wall time",
		"soup",
		"check ok: 1 chef(s): dishes cooked in order",
		"check ok: 3 chef(s): dishes cooked in order",
		"check ok: one chef: never two dishes chopped at the same instant",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q; output:\n%s", want, got)
		}
	}
	if strings.Contains(got, "FAILED") {
		t.Errorf("output reports a failed check:\n%s", got)
	}
	// The one-chef timeline uses chef A only; the other one has chef B too.
	one, many, _ := strings.Cut(got, "3 chefs, the same dishes")
	if strings.ContainsAny(rows(one), "BCbc") {
		t.Errorf("one-chef timeline shows another chef:\n%s", one)
	}
	if !strings.ContainsAny(rows(many), "Bb") {
		t.Errorf("3-chef timeline never shows chef B:\n%s", many)
	}

	f, err := os.Open(svg)
	if err != nil {
		t.Fatalf("the SVG file was not written: %v", err)
	}
	defer f.Close()
	steps, root, inRect := 0, "", false
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
		}
	}
	if root != "svg" {
		t.Errorf("SVG root element = %q, want svg", root)
	}
	// 3 steps per dish, 6 dishes, 2 dinners.
	if want := 3 * 6 * 2; steps != want {
		t.Errorf("SVG has %d bars for steps, want %d", steps, want)
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

func TestBadChefs(t *testing.T) {
	if err := run(context.Background(), io.Discard, []string{"-quick", "-chefs", "-1"}); err == nil {
		t.Errorf("run(-chefs -1) = nil, want an error")
	}
}
