package pool_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tamego/tame"
)

// mustPanic calls fn and fails t unless fn panics with a message that
// contains want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if got := fmt.Sprint(r); !strings.Contains(got, want) {
			t.Fatalf("panic %q, want one containing %q", got, want)
		}
	}()
	fn()
}

// recoverPanicError calls fn and returns the *tame.PanicError it panics
// with, failing t when it does not panic with one.
func recoverPanicError(t *testing.T, fn func()) (pe *tame.PanicError) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		var ok bool
		if pe, ok = r.(*tame.PanicError); !ok {
			t.Fatalf("recovered %#v, want a *tame.PanicError", r)
		}
	}()
	fn()
	return nil
}

// watchdog runs fn in a goroutine and fails t if it has not returned
// within d: a deadlock fails the test instead of hanging it.
func watchdog(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("still running after %v (deadlock?); goroutines:\n%s", d, buf)
	}
}

// peak tracks how many tasks run at once and the most that ever did.
type peak struct{ running, max atomic.Int64 }

// enter counts a task in and yields, so that other tasks get to start
// while this one counts as running, even on few cores.
func (p *peak) enter() {
	cur := p.running.Add(1)
	for {
		m := p.max.Load()
		if cur <= m || p.max.CompareAndSwap(m, cur) {
			break
		}
	}
	runtime.Gosched()
}

func (p *peak) exit() { p.running.Add(-1) }

// panicKinds are the ways a task can fail without returning: each must be
// reported as a *tame.PanicError whose Value satisfies check.
var panicKinds = []struct {
	name  string
	do    func()
	check func(v any) bool
}{
	{"value", func() { panic("boom") }, func(v any) bool { return v == "boom" }},
	{"nil", func() { panic(nil) }, func(v any) bool { _, ok := v.(*runtime.PanicNilError); return ok }},
	{"goexit", func() { runtime.Goexit() }, func(v any) bool { return v == tame.ErrGoexit }},
}

// nilContext is a nil context.Context, for the tests of the panic a nil
// context gets at the call site.
var nilContext context.Context
