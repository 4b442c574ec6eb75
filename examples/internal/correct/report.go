package correct

import (
	"regexp"
	"strconv"
	"strings"
)

// A result is what one run of the test binary printed, read back.
type result struct {
	status    int    // the exit status: 0 passed, 1 failed
	out       string // standard output and error
	failure   string // the test's own message, when it failed
	balance   int    // the balance that message names
	run, runs int    // the failing run of an exploration, and its budget
	seed      uint64 // the seed that failed, 0 when none
	steps     []step // the synchronization points before the failure
	passed    int    // runs that passed, when every one did
	low, high int    // the lowest and the highest balance they left
	// plain is set when the binary said its schedule was not perturbed
	// (built without the tag).
	plain bool
}

// A step is one synchronization point of tametest's report.
type step struct {
	n          int
	g, kind    string // the goroutine (G1, G2...) and the kind of point
	file, code string // where, as file:line, and the function named there
	line       int
}

// same reports whether s and o are the same point: the same step, kind
// and line of code. The goroutines' names (G1, G2...) are left out: they
// follow the order in which goroutines first stopped, which a replay need
// not keep where the body also synchronizes outside tame (here, its
// sync.WaitGroup).
func (s step) same(o step) bool {
	return s.n == o.n && s.kind == o.kind && s.file == o.file && s.line == o.line
}

var (
	failureRe = regexp.MustCompile(`balance = (-?\d+), want at least 0`)
	headerRe  = regexp.MustCompile(`tametest: (?:run (\d+) of (\d+)|the run) (?:failed|deadlocked) under seed (0x[0-9a-f]+)`)
	stepRe    = regexp.MustCompile(`^\s*step\s+(\d+)\s+(G\d+)\s+(.+?)\s+at (\S+?):(\d+) (\S+)\s*$`)
	passedRe  = regexp.MustCompile(`(\d+) runs passed, every balance between (-?\d+) and (-?\d+)`)
)

// parse reads what the test binary printed: go test's output, with
// tametest's report when a run failed.
func parse(out string) result {
	r := result{out: out, plain: strings.Contains(out, "schedule was not perturbed")}
	if m := failureRe.FindStringSubmatch(out); m != nil {
		r.failure = m[0]
		r.balance, _ = strconv.Atoi(m[1])
	}
	if m := headerRe.FindStringSubmatch(out); m != nil {
		r.run, _ = strconv.Atoi(m[1])
		r.runs, _ = strconv.Atoi(m[2])
		r.seed, _ = strconv.ParseUint(m[3], 0, 64)
	}
	for l := range strings.Lines(out) {
		if m := stepRe.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			line, _ := strconv.Atoi(m[5])
			r.steps = append(r.steps, step{n: n, g: m[2], kind: m[3], file: m[4], line: line, code: m[6]})
		}
	}
	if m := passedRe.FindStringSubmatch(out); m != nil {
		r.passed, _ = strconv.Atoi(m[1])
		r.low, _ = strconv.Atoi(m[2])
		r.high, _ = strconv.Atoi(m[3])
	}
	return r
}

// sameSteps reports whether two reports went through the same points, in
// the same order.
func sameSteps(a, b []step) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if !a[i].same(b[i]) {
			return false
		}
	}
	return true
}

// checkedBoth reports whether the steps show two goroutines passing the
// check (a point at line check of account.go) before either acts (a point
// at line act): the interleaving that overdraws.
func checkedBoth(steps []step, check, act int) bool {
	checked := map[string]bool{}
	for _, s := range steps {
		if s.file != "account.go" {
			continue
		}
		switch s.line {
		case check:
			checked[s.g] = true
		case act:
			return len(checked) >= 2
		}
	}
	return false
}
