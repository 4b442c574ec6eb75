package correct

import (
	"flag"
	"os"
	"regexp"
	"testing"

	"github.com/tamego/tame/tametest"
)

// childEnv, set in its environment, makes the program the chapter's test
// binary: the chapter builds the program with the tag tametest and runs it
// so, once per step.
const childEnv = "TAME_CORRECT_TEST"

// Child reports whether the chapter started this process as its test
// binary; then the program calls RunChild instead of its lesson.
func Child() bool { return os.Getenv(childEnv) != "" }

// RunChild runs TestWithdraw as a test binary made by go test would, with
// the -test.* flags of the command line and three of its own (-fixed,
// -seed, -runs), then exits with the test binary's status.
func RunChild() {
	fixed := flag.Bool("fixed", false, "test the fixed withdrawal")
	seed := flag.Uint64("seed", 0, "replay this seed instead of exploring")
	runs := flag.Int("runs", 1000, "how many seeds Explore tries")
	tests := []testing.InternalTest{{Name: "TestWithdraw", F: func(t *testing.T) {
		testWithdraw(t, *fixed, *seed, *runs)
	}}}
	testing.Main(regexp.MatchString, tests, nil, nil)
}

// testWithdraw is the chapter's test: two withdrawals at once never
// overdraw the account. It explores the schedules under runs seeds, or
// replays seed when it is not 0. When every run passes it logs how many
// ran and the balances they left.
func testWithdraw(t *testing.T, fixed bool, seed uint64, runs int) {
	withdraw := withdrawSplit
	if fixed {
		withdraw = withdrawOne
	}
	// The runs take place one at a time, each in its own bubble that has
	// ended when Explore goes on: the counts need no lock.
	n, low, high := 0, 0, 0
	body := func(t *testing.T) {
		b := twoWithdrawals(withdraw)
		if n == 0 || b < low {
			low = b
		}
		if n == 0 || b > high {
			high = b
		}
		n++
		if b < 0 {
			t.Errorf("balance = %d, want at least 0", b)
		}
	}
	if seed != 0 {
		tametest.Replay(t, seed, body)
		return
	}
	tametest.Explore(t, body, tametest.Runs(runs))
	t.Logf("%d runs passed, every balance between %d and %d", n, low, high)
}
