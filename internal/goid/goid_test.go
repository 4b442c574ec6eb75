package goid_test

import (
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
