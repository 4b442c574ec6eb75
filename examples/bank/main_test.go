package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tamego/tame/examples/internal/bank"
	"github.com/tamego/tame/examples/internal/lessontest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLesson(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v"}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Alone(t, got, bank.Chapter)
	lessontest.Fits(t, got)
	if strings.Contains(got, "FAILED") {
		t.Errorf("output reports a failed check:\n%s", got)
	}
	lessontest.Says(t, got,
		"check ok: actors: 10000 in all",
		"check ok: keyed queue: 10000 in all",
		"check ok: lock.Both: 10000 in all",
		"deadlock detected",
		"check ok: lock.Both: both transfers finished, money conserved",
	)
	// Each way's row: made + declined = 4 goroutines * 300 transfers, the
	// money conserved, the time and the time per transfer.
	rows := regexp.MustCompile(`(?m)^  (actors|keyed queue|lock\.Both) +(\d+) +(\d+) +10000 +yes +(\S+) +(\S+)$`).FindAllStringSubmatch(got, -1)
	if len(rows) != 3 {
		t.Fatalf("%d table rows with 10000 conserved, want 3:\n%s", len(rows), got)
	}
	// The prose names the fastest and the slowest way of the table, and
	// explains the gap when lock.Both is the fastest.
	took := make(map[string]time.Duration)
	for _, r := range rows {
		d, err := time.ParseDuration(r[4])
		if err != nil {
			t.Fatalf("row %q: time %q: %v", r[1], r[4], err)
		}
		took[r[1]] = d
	}
	f := lessontest.Flat(got)
	m := regexp.MustCompile(`their costs differ: (actors|keyed queue|lock\.Both) took \S+ a transfer, (actors|keyed queue|lock\.Both) `).FindStringSubmatch(f)
	if m == nil {
		t.Fatalf("the prose does not name the fastest and the slowest way:\n%s", got)
	}
	fastest, slowest := m[1], m[2]
	for _, d := range took { // ties of the rounded times are allowed
		if d < took[fastest] || d > took[slowest] {
			t.Errorf("the prose names %s the fastest and %s the slowest; the times are %v", fastest, slowest, took)
			break
		}
	}
	if fastest == "lock.Both" && !strings.Contains(f, "A transfer between actors is an Ask") {
		t.Errorf("lock.Both was the fastest but the prose does not say why:\n%s", got)
	}
}

// TestProgram runs the program alone, as a reader would.
func TestProgram(t *testing.T) {
	out := lessontest.Program(t, summary, bank.Chapter)
	lessontest.Says(t, out, "checked: 6 claims held")
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
