package race

import (
	"strings"
	"testing"

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
