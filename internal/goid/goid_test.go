package goid_test

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/tamego/tame/internal/goid"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestID(t *testing.T) {
	mine := goid.ID()
	if mine == 0 {
		t.Fatal("ID() = 0, want the id of the test goroutine")
	}
	if again := goid.ID(); again != mine {
		t.Errorf("ID() = %d then %d in one goroutine, want the same", mine, again)
	}
	other := make(chan uint64)
	go func() { other <- goid.ID() }()
	if o := <-other; o == mine || o == 0 {
		t.Errorf("ID() in another goroutine = %d, want non-zero and not %d", o, mine)
	}
}

func TestSetTellsItsGoroutinesApart(t *testing.T) {
	var s goid.Set
	if s.HasCaller() {
		t.Fatal("the zero Set has the caller")
	}
	s.Add(goid.ID())
	if !s.HasCaller() {
		t.Fatal("HasCaller() = false after Add(goid.ID())")
	}
	other := make(chan bool)
	go func() { other <- s.HasCaller() }()
	if <-other {
		t.Error("HasCaller() = true on another goroutine")
	}
	s.Add(goid.ID())
	s.Remove(goid.ID())
	if !s.HasCaller() {
		t.Error("HasCaller() = false after two Adds and one Remove")
	}
	s.Remove(goid.ID())
	if s.HasCaller() {
		t.Error("HasCaller() = true after every Add was removed")
	}
}

func TestBubble(t *testing.T) {
	id, bubble := goid.Bubble()
	if id != goid.ID() || bubble != 0 {
		t.Fatalf("Bubble() = %d, %d outside a bubble, want %d, 0", id, bubble, goid.ID())
	}
	synctest.Test(t, func(t *testing.T) {
		id, bubble := goid.Bubble()
		if id != goid.ID() || bubble == 0 {
			t.Fatalf("Bubble() = %d, %d inside a bubble, want %d and a bubble id", id, bubble, goid.ID())
		}
		done := make(chan uint64)
		go func() { _, b := goid.Bubble(); done <- b }()
		if b := <-done; b != bubble {
			t.Fatalf("Bubble() in a goroutine of the bubble = %d, want %d", b, bubble)
		}
	})
}

// TestIDMatchesTheStackTrace checks the fast path against the stack trace on
// many goroutines at once, so a probe that found the wrong place fails here.
func TestIDMatchesTheStackTrace(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for range 64 {
		wg.Go(func() {
			buf := make([]byte, 64)
			line := string(buf[:runtime.Stack(buf, false)])
			want := strings.Fields(line)[1]
			if got := strconv.FormatUint(goid.ID(), 10); got != want {
				errs <- fmt.Sprintf("ID() = %s on the goroutine whose trace starts %q", got, line)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		goid.ID()
	}
}

// BenchmarkIDTrace is the baseline: the id read from a stack trace.
func BenchmarkIDTrace(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 64)
	for b.Loop() {
		runtime.Stack(buf, false)
	}
}

func TestCreator(t *testing.T) {
	parent := goid.ID()
	got := make(chan uint64)
	go func() { got <- goid.Creator() }()
	if c := <-got; c != parent {
		t.Errorf("Creator() in a goroutine started by goroutine %d = %d", parent, c)
	}
}
