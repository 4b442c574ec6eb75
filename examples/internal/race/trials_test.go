package race

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sizes makes the sizes 10, 100, ... with the given losses per run.
func sizes(lost ...[]int) []Size {
	var s []Size
	n := 10
	for _, l := range lost {
		s = append(s, Size{N: n, Lost: l})
		n *= 10
	}
	return s
}

// TestStory checks that the prose says what each pattern of figures shows.
func TestStory(t *testing.T) {
	none, all, one := []int{0, 0, 0}, []int{5, 6, 7}, []int{0, 9, 0}
	tests := []struct {
		name  string
		sizes []Size
		want  string
	}{
		{"nothing lost", sizes(none, none), "This run lost no update at any size, up to n=100:"},
		{"lost at every size", sizes(one, all), "Updates were lost at every size, n=10 included (1 of 3 runs there)."},
		{"lost at the smallest, not at every size", sizes(all, none, one), "Updates were lost at n=10 already (3 of 3 runs), though not at every size"},
		{"small runs pass", sizes(none, none, one, all), "Runs of up to n=100 lost nothing: a small test passes. From n=1k, runs lost updates (1 of 3 there, 3 of 3 at n=10k), up to 9 updates in one run."},
		{"small runs pass, then luck", sizes(none, all, none), "Runs of up to n=10 lost nothing: a small test passes. From n=100, runs lost updates (3 of 3 there, 0 of 3 at n=1k), up to 7 updates in one run, though not at every size"},
		{"lost only at the largest", sizes(none, one), "From n=100, runs lost updates (1 of 3 there), up to 9 updates in one run."},
	}
	for _, tt := range tests {
		if got := story(tt.sizes); !strings.Contains(got, tt.want) {
			t.Errorf("%s: story() = %q, want it to contain %q", tt.name, got, tt.want)
		}
	}
}

func TestShort(t *testing.T) {
	for n, want := range map[int]string{0: "0", 950: "950", 1000: "1k", 1500: "1.5k", 12_345: "12k", 1_000_000: "1M", 4_520_000: "4.5M", 62_000_000: "62M"} {
		if got := short(n); got != want {
			t.Errorf("short(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestTrials checks how trials grows the size: past the sizes it was given
// only while nothing was lost, each larger size run until its first loss,
// and never past maxN.
func TestTrials(t *testing.T) {
	ctx := context.Background()
	losesFrom := func(from int) func(goroutines, perItem int) int {
		return func(goroutines, perItem int) int {
			if perItem >= from {
				return goroutines*perItem - 1
			}
			return goroutines * perItem
		}
	}
	ns := []int{10, 100}
	tests := []struct {
		name      string
		from      int
		wantSizes []int
		wantRuns  []int
	}{
		{"loses within the sizes given", 100, []int{10, 100}, []int{5, 5}},
		{"loses at a larger size", 100_000, []int{10, 100, 1_000, 10_000, 100_000}, []int{5, 5, 2, 2, 1}},
		{"never loses", maxN * 10, []int{10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000}, []int{5, 5, 2, 2, 2, 2, 2, 2}},
	}
	for _, tt := range tests {
		sizes, err := trials(ctx, losesFrom(tt.from), 2, 5, ns, time.Minute)
		if err != nil {
			t.Fatalf("%s: trials() error = %v", tt.name, err)
		}
		var gotSizes, gotRuns []int
		for _, s := range sizes {
			gotSizes, gotRuns = append(gotSizes, s.N), append(gotRuns, len(s.Lost))
		}
		if fmt.Sprint(gotSizes, gotRuns) != fmt.Sprint(tt.wantSizes, tt.wantRuns) {
			t.Errorf("%s: sizes %v, runs %v; want %v, %v", tt.name, gotSizes, gotRuns, tt.wantSizes, tt.wantRuns)
		}
	}
	// Two sizes in a row that lost in every run end it early.
	sizes, _ := trials(ctx, losesFrom(10), 2, 3, []int{10, 100, 1000}, time.Minute)
	if len(sizes) != 2 {
		t.Errorf("trials() ran %d sizes, want 2: every run lost at 10 and at 100", len(sizes))
	}
}
