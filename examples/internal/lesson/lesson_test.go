package lesson

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestWrap(t *testing.T) {
	text := strings.Repeat("word ", 60) + strings.Repeat("x", 100)
	var b bytes.Buffer
	WrapHanging(&b, "  first: ", "    ", text)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "  first: word") {
		t.Errorf("first line %q, want the first indent", lines[0])
	}
	for i, l := range lines {
		if i > 0 && !strings.HasPrefix(l, "    ") {
			t.Errorf("line %d %q, want the hanging indent", i+1, l)
		}
		if len([]rune(l)) > Width && !strings.Contains(l, "xxxx") {
			t.Errorf("line %d is %d runes, want at most %d: %q", i+1, len([]rune(l)), Width, l)
		}
	}
	if got := strings.Join(strings.Fields(b.String()), " "); got != "first: "+strings.TrimSpace(text) {
		t.Errorf("words lost or changed: %q", got)
	}
}

func TestRatio(t *testing.T) {
	for _, tt := range []struct {
		a, b time.Duration
		want string
	}{
		{10, 21, "2.1x faster"},
		{21, 10, "2.1x slower"},
		{100, 102, "no faster"},
		{1, 150, "150x faster"},
		{0, 10, "not comparable"},
	} {
		if got := Ratio(tt.a, tt.b); got != tt.want {
			t.Errorf("Ratio(%v, %v) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestChecker checks both modes: every verdict with -v; otherwise the
// failures and a summary line. Either way a failure makes Done an error.
func TestChecker(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		var b bytes.Buffer
		c := Checker{Verbose: verbose}
		c.Check(&b, true, "one holds")
		c.Check(&b, true, "two holds")
		if err := c.Done(&b); err != nil {
			t.Errorf("verbose %v: Done() = %v, want nil", verbose, err)
		}
		if got := strings.Contains(b.String(), "check ok: one holds"); got != verbose {
			t.Errorf("verbose %v: every check printed: %v; output %q", verbose, got, b.String())
		}
		if got := strings.Contains(b.String(), "checked: 2 claims held"); got == verbose {
			t.Errorf("verbose %v: summary printed: %v; output %q", verbose, got, b.String())
		}
		b.Reset()
		c.Check(&b, false, "three fails")
		if !strings.Contains(b.String(), "check FAILED: three fails") {
			t.Errorf("verbose %v: a failure is not printed: %q", verbose, b.String())
		}
		if err := c.Done(&b); err == nil || !strings.Contains(err.Error(), "three fails") {
			t.Errorf("verbose %v: Done() = %v, want an error naming the failure", verbose, err)
		}
	}
}

func TestCommand(t *testing.T) {
	newCmd := func() (*Command, *int) {
		c := NewCommand("demo", "demo shows a demonstration.")
		n := c.Flags.Int("n", 3, "how many")
		return c, n
	}
	var b bytes.Buffer
	c, n := newCmd()
	opt, err := c.Parse(&b, []string{"-quick", "-v", "-n", "5"})
	if err != nil || !opt.Quick || !opt.Verbose || *n != 5 {
		t.Errorf("Parse() = %+v, %v, n=%d; want quick, verbose, n=5", opt, err, *n)
	}
	c, _ = newCmd()
	_, err = c.Parse(&b, []string{"-h"})
	if !errors.Is(err, flag.ErrHelp) || Status(err) != 0 {
		t.Errorf("Parse(-h) = %v (status %d), want flag.ErrHelp (0)", err, Status(err))
	}
	usage := b.String()
	if first, _, _ := strings.Cut(usage, "\n"); first != "demo shows a demonstration." {
		t.Errorf("usage starts with %q, want the summary", first)
	}
	if !strings.Contains(usage, "  -n int\n        how many (default 3)") || strings.Contains(usage, "quick") {
		t.Errorf("usage shows the wrong flags:\n%s", usage)
	}
	for _, args := range [][]string{{"-nope"}, {"extra"}} {
		c, _ = newCmd()
		if _, err := c.Parse(&b, args); Status(err) != 2 {
			t.Errorf("Parse(%q) = %v (status %d), want a usage error (2)", args, err, Status(err))
		}
	}
	if Status(nil) != 0 || Status(fmt.Errorf("a check failed")) != 1 {
		t.Errorf("Status(nil), Status(failure) = %d, %d; want 0, 1", Status(nil), Status(fmt.Errorf("x")))
	}
}

func TestTooWide(t *testing.T) {
	out := strings.Repeat("µ", Width) + "\n" + strings.Repeat("a", Width+1) + "\n"
	if got := TooWide(out); len(got) != 1 || !strings.HasPrefix(got[0], "a") {
		t.Errorf("TooWide() = %q, want only the line of %d runes", got, Width+1)
	}
}
