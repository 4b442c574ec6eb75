package correct

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// failing is what the test binary prints when Explore finds the bug.
const failing = `--- FAIL: TestWithdraw (0.00s)
    child.go:56: balance = -60, want at least 0
    tametest.go:169: tametest: run 2 of 1000 failed under seed 0x45a9da84ea5 (a random walk)
        The last 5 synchronization points before the failure (G1, G2...: goroutines in the order they first stopped):
        	step   1  G2  Acquire                      at account.go:13 correct.withdrawSplit
        	step   2  G1  Acquire                      at account.go:13 correct.withdrawSplit
        	step   3  G2  Acquire                      at account.go:14 correct.withdrawSplit
        	step   4  G1  Acquire (lock taken, waits)  at account.go:14 correct.withdrawSplit
        	step   5  G1  Acquire                      at account.go:39 correct.twoWithdrawals
        Replay it with
        	tametest.Replay(t, 0x45a9da84ea5, body)
FAIL
`

// passing is what it prints, with -test.v, when every run passes.
const passing = `=== RUN   TestWithdraw
    child.go:64: 50 runs passed, every balance between 20 and 20
--- PASS: TestWithdraw (0.02s)
PASS
`

func TestParseFailing(t *testing.T) {
	r := parse(failing)
	if r.failure != "balance = -60, want at least 0" || r.balance != -60 {
		t.Errorf("failure %q, balance %d; want the test's message and -60", r.failure, r.balance)
	}
	if r.run != 2 || r.runs != 1000 || r.seed != 0x45a9da84ea5 {
		t.Errorf("run %d of %d, seed %#x; want run 2 of 1000, seed 0x45a9da84ea5", r.run, r.runs, r.seed)
	}
	if len(r.steps) != 5 {
		t.Fatalf("%d steps, want 5: %+v", len(r.steps), r.steps)
	}
	want := step{n: 4, g: "G1", kind: "Acquire (lock taken, waits)", file: "account.go", line: 14, code: "correct.withdrawSplit"}
	if r.steps[3] != want {
		t.Errorf("step 4 = %+v, want %+v", r.steps[3], want)
	}
	if r.plain || r.passed != 0 {
		t.Errorf("plain %v, passed %d; want false, 0", r.plain, r.passed)
	}
	if !sameSteps(r.steps, parse(failing).steps) {
		t.Error("a report does not go through the same steps as itself")
	}
	other := parse(strings.Replace(failing, "account.go:13 correct.withdrawSplit", "account.go:14 correct.withdrawSplit", 1))
	if sameSteps(r.steps, other.steps) || sameSteps(nil, nil) {
		t.Error("sameSteps is true for different schedules, or for none")
	}
}

func TestParsePassing(t *testing.T) {
	r := parse(passing)
	if r.passed != 50 || r.low != 20 || r.high != 20 || r.seed != 0 || r.failure != "" {
		t.Errorf("parse(passing) = %+v, want 50 runs between 20 and 20, no failure", r)
	}
	if !parse("tametest: built without the tag tametest: the schedule was not perturbed").plain {
		t.Error("the log line of a build without the tag is not recognized")
	}
}

// TestCheckedBoth checks the explanation the chapter prints: both checks
// before the first act, and not otherwise.
func TestCheckedBoth(t *testing.T) {
	check, act := lineOf("// check..."), lineOf("// ...then act")
	if check == 0 || act != check+1 {
		t.Fatalf("markers at lines %d and %d of account.go, want the act right after the check", check, act)
	}
	at := func(g string, line int) step { return step{g: g, file: "account.go", line: line} }
	for _, c := range []struct {
		name  string
		steps []step
		want  bool
	}{
		{"both checks first", []step{at("G1", check), at("G2", check), at("G2", act), at("G1", act)}, true},
		{"one after the other", []step{at("G1", check), at("G1", act), at("G2", check), at("G2", act)}, false},
		{"one goroutine", []step{at("G1", check), at("G1", check), at("G1", act)}, false},
		{"another file", []step{{g: "G1", file: "x.go", line: check}, at("G2", check), at("G2", act)}, false},
	} {
		if got := checkedBoth(c.steps, check, act); got != c.want {
			t.Errorf("%s: checkedBoth = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestListing checks that the code the chapter shows is the code it runs,
// whole, with its line numbers.
func TestListing(t *testing.T) {
	for _, decl := range []string{"func withdrawSplit(", "func withdrawOne("} {
		var b bytes.Buffer
		listing(&b, decl)
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) < 3 || !strings.Contains(lines[0], decl) || !strings.HasSuffix(lines[len(lines)-1], "  }") {
			t.Errorf("listing(%q) is not the whole function:\n%s", decl, b.String())
		}
		src := strings.Split(source, "\n")
		for _, l := range lines {
			m := listed.FindStringSubmatch(l)
			n := 0
			if m != nil {
				n, _ = strconv.Atoi(m[1])
			}
			if n < 1 || n > len(src) || src[n-1] != strings.ReplaceAll(m[2], "    ", "\t") {
				t.Errorf("listed line %q is not line %d of account.go", l, n)
			}
		}
	}
}

// listed is a line of a listing: its number, then the code.
var listed = regexp.MustCompile(`^ +(\d+)  (.*)$`)

// TestTheFixNeverOverdraws runs the fixed withdrawals as plain repetition:
// the balance is always 20. (Under every schedule: the chapter's Explore
// step shows it, in a build with the tag.)
func TestTheFixNeverOverdraws(t *testing.T) {
	for range 1000 {
		if b := twoWithdrawals(withdrawOne); b != 20 {
			t.Fatalf("balance = %d, want 20", b)
		}
	}
}
