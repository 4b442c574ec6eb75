package tametest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
)

// userFrame returns the first frame of pcs that is the user's code, not
// tame's, the runtime's or the testing package's, as "file.go:line"
// followed by the short function name.
func userFrame(pcs []uintptr) string {
	frames := runtime.CallersFrames(pcs)
	first := ""
	for {
		f, more := frames.Next()
		where := fmt.Sprintf("%s:%d %s", filepath.Base(f.File), f.Line, shortFunc(f.Function))
		if first == "" {
			first = where
		}
		if !library(f.Function, f.File) {
			return where
		}
		if !more {
			return first
		}
	}
}

// library reports whether a frame belongs to tame (outside its tests and
// examples) or to the standard library.
func library(fn, file string) bool {
	switch {
	case strings.HasSuffix(file, "_test.go"):
		return false
	case strings.HasPrefix(fn, "github.com/tamego/tame/examples/"):
		return false
	case strings.HasPrefix(fn, "github.com/tamego/tame/"), strings.HasPrefix(fn, "github.com/tamego/tame."):
		return true
	case strings.HasPrefix(fn, "main."):
		return false
	}
	// The standard library: no dot in the first element of the path.
	if i := strings.IndexByte(fn, '/'); i >= 0 {
		return !strings.Contains(fn[:i], ".")
	}
	return true
}

// shortFunc drops the package path from a function name.
func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	return fn
}

// formatTrace writes the steps of a schedule, one a line.
func formatTrace(b *strings.Builder, steps []record) {
	for _, r := range steps {
		kind := r.kind.String()
		if r.spinning {
			kind += " (lock taken, waits)"
		}
		fmt.Fprintf(b, "\tstep %3d  G%-2d %-28s at %s\n", r.step, r.label, kind, userFrame(r.pcs[:r.npcs]))
	}
}

var header = regexp.MustCompile(`^goroutine (\d+) \[([^\]]*)\]:$`)

// blockedIn describes the goroutines of a bubble other than the testing
// package's and the explorer's own: where each one waits, in the user's
// code, and for what.
func blockedIn(bubble uint64) []string {
	if bubble == 0 {
		return nil
	}
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	mark := ", synctest bubble " + strconv.FormatUint(bubble, 10)
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		lines := strings.Split(strings.TrimSpace(g), "\n")
		m := header.FindStringSubmatch(lines[0])
		if m == nil || !strings.HasSuffix(m[2], mark) {
			continue
		}
		state := strings.TrimSuffix(m[2], mark)
		where, tame := "", false
		for i := 1; i+1 < len(lines); i += 2 {
			fn := lines[i]
			if j := strings.LastIndexByte(fn, '('); j > 0 {
				fn = fn[:j]
			}
			if strings.HasPrefix(fn, "created by ") {
				break
			}
			file := strings.TrimSpace(lines[i+1])
			if j := strings.LastIndex(file, " +0x"); j > 0 {
				file = file[:j]
			}
			if strings.HasPrefix(fn, "github.com/tamego/tame/tametest.(*explorer)") {
				tame = true // the scheduler, or a goroutine parked at a point
			}
			path := file
			if j := strings.LastIndexByte(path, ':'); j > 0 {
				path = path[:j]
			}
			if !library(fn, path) {
				where = fmt.Sprintf("%s %s", filepath.Base(file), shortFunc(fn))
				break
			}
		}
		if where == "" || strings.HasPrefix(lines[1], "github.com/tamego/tame/tametest.(*explorer).schedule") {
			continue // testing's own goroutines, or the scheduler
		}
		if tame {
			continue // parked at a point: the explorer lists it
		}
		out = append(out, fmt.Sprintf("goroutine %s [%s] waits at %s", m[1], state, where))
	}
	return out
}

// waiters describes the goroutines parked at points when the run cannot go
// on; the caller holds ex.mu.
func (ex *explorer) waiters() []string {
	var out []string
	for _, g := range ex.parked {
		what := "parked at " + g.kind.String()
		if g.spinning {
			what = "waits for a lock another goroutine holds"
		}
		out = append(out, fmt.Sprintf("G%d %s at %s", g.label, what, userFrame(g.pcs[:g.npcs])))
	}
	return out
}

// panicMessage describes a panic of the body, with its stack.
func panicMessage(v any) string {
	buf := make([]byte, 64<<10)
	buf = buf[:runtime.Stack(buf, false)]
	return fmt.Sprintf("panic: %v\n%s", v, buf)
}

// runPattern is the -run pattern that selects exactly the test name.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// callerPackage returns the import path of the function skip frames above
// its caller.
func callerPackage(skip int) string {
	pc, _, _, ok := runtime.Caller(skip + 1)
	if !ok {
		return "."
	}
	fn := runtime.FuncForPC(pc).Name()
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return "."
	}
	// An external test package builds with its package: go test names the
	// package.
	return strings.TrimSuffix(fn[:slash+1+dot], "_test")
}
