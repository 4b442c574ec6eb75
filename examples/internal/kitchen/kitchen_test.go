package kitchen

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const ms = time.Millisecond

// dinner makes a two-chef dinner of two dishes chopped side by side from
// 0 to 40ms, baked, then plated one after the other; the process used cpu
// of CPU time per millisecond of wall time while they chopped side by side.
func dinner(cpu float64) Dinner {
	c := func(t time.Duration) time.Duration { return time.Duration(cpu * float64(t)) }
	return Dinner{Chefs: 2, Wall: 100 * ms, Courses: []Course{
		{Dish: Dish{Name: "soup"}, Steps: []Step{
			{Kind: Chop, Chef: 0, Start: 0, End: 40 * ms, CPUStart: 1, CPUEnd: c(40 * ms)},
			{Kind: Oven, Chef: -1, Start: 40 * ms, End: 60 * ms},
			{Kind: Plate, Chef: 0, Start: 60 * ms, End: 61 * ms, CPUStart: c(40 * ms), CPUEnd: c(40*ms) + ms},
		}},
		{Dish: Dish{Name: "pie"}, Steps: []Step{
			{Kind: Chop, Chef: 1, Start: 0, End: 40 * ms, CPUStart: 1, CPUEnd: c(40 * ms)},
			{Kind: Oven, Chef: -1, Start: 40 * ms, End: 90 * ms},
			{Kind: Plate, Chef: 1, Start: 90 * ms, End: 91 * ms, CPUStart: c(40*ms) + ms, CPUEnd: c(40*ms) + 2*ms},
		}},
	}}
}

func TestTogether(t *testing.T) {
	for _, cpu := range []float64{0.5, 1, 2} {
		d := dinner(cpu)
		wall, _ := d.Together()
		if wall != 40*ms {
			t.Errorf("Together() wall = %v, want 40ms (both chopped from 0 to 40ms)", wall)
		}
		if got := d.TogetherCores(); got < cpu-0.01 || got > cpu+0.01 {
			t.Errorf("TogetherCores() = %.2f, want %.2f", got, cpu)
		}
	}
	if got := (Dinner{}).TogetherCores(); got != 0 {
		t.Errorf("TogetherCores() of an empty dinner = %v, want 0", got)
	}
}

// TestVerdict checks that the verdict claims parallelism only when the
// CPU time shows two cores busy, and says why not otherwise.
func TestVerdict(t *testing.T) {
	one := Dinner{Chefs: 1, Wall: 150 * ms}
	free := CoreTest{Work: 10 * ms, One: 10 * ms, Two: 10 * ms, Tries: 5}
	busy := CoreTest{Work: 10 * ms, One: 10 * ms, Two: 20 * ms, Tries: 5}
	tests := []struct {
		name   string
		many   Dinner
		ct     CoreTest
		p, cpu int
		want   string
	}{
		{"two cores busy", dinner(1.9), free, 2, 2, "1.9 cores were busy: they chopped on two cores at the same instant"},
		{"one core, free when measured", dinner(1), free, 2, 2, "found 2.0 cores free, but other programs took the second one"},
		{"one core, busy when measured", dinner(1), busy, 2, 2, "the measure above found only 1.0 cores free"},
		{"less than a core", dinner(0.5), busy, 2, 2, "they shared less than one core rather than chopping"},
		{"GOMAXPROCS=1", dinner(1), busy, 1, 2, "This program may use only one core (GOMAXPROCS=1)"},
		{"one-core machine", dinner(1), busy, 1, 1, "This machine has only one core"},
	}
	for _, tt := range tests {
		got := verdict(one, tt.many, 3, tt.ct, tt.p, tt.cpu)
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: verdict() = %q, want it to contain %q", tt.name, got, tt.want)
		}
		if parallel := strings.Contains(got, "they chopped on two cores"); parallel != (tt.many.TogetherCores() >= Parallel && tt.p > 1) {
			t.Errorf("%s: verdict() claims parallelism: %v, with %.1f cores busy", tt.name, parallel, tt.many.TogetherCores())
		}
	}
}

// TestDrawShowsShortSteps checks that a step shorter than a column still
// shows in the timeline.
func TestDrawShowsShortSteps(t *testing.T) {
	var b bytes.Buffer
	dinner(1).Draw(&b, 10*ms) // the plating steps last 1ms
	rows := b.String()
	if !strings.Contains(rows, "a") || !strings.Contains(rows, "b") {
		t.Errorf("a 1ms plating step is missing from the timeline:\n%s", rows)
	}
	if strings.Count(rows, "\n") != 3 {
		t.Errorf("want a row per dish and one for the cores:\n%s", rows)
	}
}

// TestCoresRow checks the row of cores busy under the timeline: a digit
// per column where a chef worked, from the CPU time read at the steps.
func TestCoresRow(t *testing.T) {
	for _, tt := range []struct {
		cpu  float64
		want string
	}{{1, "1111  0  0"}, {2, "2222  0  0"}, {0.5, "1111  0  0"}} {
		if got := dinner(tt.cpu).CoresRow(10, 10*ms); got != tt.want && !(tt.cpu == 0.5 && got == "0000  0  0") {
			t.Errorf("CoresRow() with %.1f cores busy = %q, want %q", tt.cpu, got, tt.want)
		}
	}
	if got := (Dinner{Chefs: 1}).CoresRow(3, ms); got != "" {
		t.Errorf("CoresRow() without CPU readings = %q, want empty", got)
	}
}

// TestParallelTime checks that only the stretches with two chefs at work
// and two cores busy count.
func TestParallelTime(t *testing.T) {
	for cpu, want := range map[float64]time.Duration{2: 40 * ms, 1.6: 40 * ms, 1: 0, 0.5: 0} {
		if got := dinner(cpu).ParallelTime(); got != want {
			t.Errorf("ParallelTime() with %.1f cores busy = %v, want %v", cpu, got, want)
		}
	}
}

func TestCoreTestFree(t *testing.T) {
	tests := []struct {
		ct   CoreTest
		want float64
	}{
		{CoreTest{Work: 10 * ms, One: 10 * ms, Two: 10 * ms}, 2},
		{CoreTest{Work: 10 * ms, One: 10 * ms, Two: 20 * ms}, 1},
		{CoreTest{Work: 10 * ms, One: 20 * ms, Two: 50 * ms}, 0.5},
		{CoreTest{Work: 10 * ms, One: 5 * ms, Two: 10 * ms}, 1}, // faster than calibrated: one is the measure
		{CoreTest{}, 0},
	}
	for _, tt := range tests {
		if got := tt.ct.Free(); got < tt.want-0.01 || got > tt.want+0.01 {
			t.Errorf("%+v.Free() = %.2f, want %.2f", tt.ct, got, tt.want)
		}
	}
}
