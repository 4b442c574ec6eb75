// Package catch runs user code and reports how it ended: returned, panicked
// (also with panic(nil)) or called runtime.Goexit. It starts no goroutine, so
// a single consumer goroutine stays one goroutine while nothing fails.
package catch

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/tamego/tame"
)

// Call runs fn in the calling goroutine.
//
// It returns nil when fn returns, and a *tame.PanicError with the panic value
// and the stack of the panic when fn panics; the panic is recovered. A
// panic(nil) arrives as a *runtime.PanicNilError (also when GODEBUG=panicnil=1
// makes recover return nil).
//
// When fn calls runtime.Goexit, the goroutine is exiting and Call cannot
// return: it calls goexit, from a deferred call, with a *tame.PanicError whose
// Value is tame.ErrGoexit, before the goroutine ends. goexit is where the
// owner of the goroutine accounts for the failure and, when the goroutine was
// a consumer, starts its replacement. goexit may be nil only when the caller
// tolerates Goexit going unreported.
func Call(fn func(), goexit func(*tame.PanicError)) (pe *tame.PanicError) {
	exiting := true
	defer func() {
		// Reached with exiting still true only when the inner call did not
		// return: the deferred calls of a Goexit are running.
		if exiting && goexit != nil {
			goexit(&tame.PanicError{Value: tame.ErrGoexit, Stack: debug.Stack()})
		}
	}()
	pe = call(fn)
	exiting = false
	return pe
}

// call runs fn and recovers its panic. Under Goexit its deferred function runs
// too: recover returns nil then and the PanicError it builds is discarded with
// the goroutine, so Call's own deferred function decides what happened.
func call(fn func()) (pe *tame.PanicError) {
	returned := false
	defer func() {
		if returned {
			return
		}
		v := recover()
		if v == nil {
			// panic(nil) under GODEBUG=panicnil=1 (recovered, so call
			// returns), or Goexit (recover did nothing, so call never returns).
			v = new(runtime.PanicNilError)
		}
		pe = &tame.PanicError{Value: v, Stack: debug.Stack()}
	}()
	fn()
	returned = true
	return nil
}

// Loop calls body until it returns normally. Each panic in body is recovered
// and passed to failed, then body is called again, so a consumer loop written
// as body keeps consuming; the body must keep its position in state that
// survives the unwinding (the item being handled is gone, the next one is
// not). When body calls runtime.Goexit, failed gets a *tame.PanicError whose
// Value is tame.ErrGoexit and Loop does not return: the goroutine ends after
// failed returns, so failed is where the owner starts a replacement.
//
// Loop sets up its recovery once per call of body, not once per item, so a
// consumer that handles many items pays nothing per item for it (the cost of
// a deferred recover per call is measured by BenchmarkCall).
func Loop(body func(), failed func(*tame.PanicError)) {
	for {
		pe := Call(body, failed)
		if pe == nil {
			return
		}
		failed(pe)
	}
}

// MaxKept is how many panics a Collector keeps, and how many later panics a
// Collector's First keeps in its Later field; the rest are counted.
const MaxKept = 32

// A Collector gathers the panics of one component. It is safe for concurrent
// use. The zero value is ready to use.
type Collector struct {
	mu      sync.Mutex
	kept    []*tame.PanicError
	dropped int
}

// Add records pe. It reports whether pe is the first panic recorded.
func (c *Collector) Add(pe *tame.PanicError) (first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case len(c.kept) == 0:
		c.kept = append(c.kept, pe)
		return true
	case len(c.kept) < MaxKept:
		c.kept = append(c.kept, pe)
	default:
		c.dropped++
	}
	return false
}

// Len returns how many panics were recorded, kept or only counted.
func (c *Collector) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.kept) + c.dropped
}

// Err returns nil when no panic was recorded, and otherwise errors.Join of the
// kept panics in the order they were recorded, followed by an error that
// counts the ones that were not kept.
func (c *Collector) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.kept) == 0 {
		return nil
	}
	errs := make([]error, 0, len(c.kept)+1)
	for _, pe := range c.kept {
		errs = append(errs, pe)
	}
	if c.dropped > 0 {
		errs = append(errs, fmt.Errorf("tame: %d more panics not kept", c.dropped))
	}
	return errors.Join(errs...)
}

// First returns the first panic recorded, with the later ones in its Later
// field, or nil when none was recorded. It is what a scope re-raises. The
// returned value is a copy: calling First again returns an equal value.
func (c *Collector) First() *tame.PanicError {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.kept) == 0 {
		return nil
	}
	first := *c.kept[0]
	first.Later = append([]*tame.PanicError(nil), c.kept[1:]...)
	return &first
}
