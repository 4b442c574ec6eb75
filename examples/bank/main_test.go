package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tamego/tame/examples/internal/bank"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLesson(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	if strings.Contains(got, "FAILED") {
		t.Errorf("output reports a failed check:\n%s", got)
	}
	for _, want := range []string{
		"check ok: actors: 10000 in all",
		"check ok: keyed queue: 10000 in all",
		"check ok: lock.Both: 10000 in all",
		"deadlock detected",
		"check ok: lock.Both: both transfers finished, money conserved",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
	// Each way's row: made + declined = 4 goroutines * 300 transfers.
	rows := regexp.MustCompile(`(?m)^  (actors|keyed queue|lock\.Both) .*\s(\d+)\s+(\d+)\s+10000\s+yes\s+\S+$`).FindAllStringSubmatch(got, -1)
	if len(rows) != 3 {
		t.Errorf("%d table rows with 10000 conserved, want 3:\n%s", len(rows), got)
	}
}

// TestWaysConserveMoney runs each way on a heavier load than the lesson's
// quick one and checks the balances directly.
func TestWaysConserveMoney(t *testing.T) {
	wk := bank.Work{Accounts: 3, Opening: 50, Goroutines: 6, PerWorker: 400}
	for _, way := range bank.Ways {
		t.Run(way.Name, func(t *testing.T) {
			r, err := bank.Measure(context.Background(), way, wk)
			if err != nil {
				t.Fatalf("Measure() error = %v, want nil", err)
			}
			if got, want := r.Total(), int64(150); got != want {
				t.Errorf("money at the end = %d, want %d (balances %v)", got, want, r.Balances)
			}
			if r.Negative() {
				t.Errorf("an account went below zero: %v", r.Balances)
			}
			if got, want := r.Done+r.Declined, 2400; got != want {
				t.Errorf("made %d + declined %d = %d transfers, want %d", r.Done, r.Declined, got, want)
			}
		})
	}
}

func TestNaiveDeadlocksAndIsReleased(t *testing.T) {
	s := bank.Naive(context.Background(), 20*time.Millisecond)
	if !s.Deadlocked {
		t.Errorf("Naive() did not deadlock (errors %v), want a deadlock", s.Errs)
	}
	if s.Total != 200 {
		t.Errorf("Naive() total = %d, want 200", s.Total)
	}
	// goleak in TestMain checks that the stuck goroutines were released.
}
