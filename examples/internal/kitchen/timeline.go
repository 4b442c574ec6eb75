package kitchen

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// chefName is the letter of chef c: A, B, C...
func chefName(c int) string { return string(rune('A' + c)) }

// at returns the cell of one timeline column for a course at time t: the
// chef's letter while chopping (upper case) or plating (lower case), '~' in
// the oven, '.' while the dish waits for a free chef, ' ' before and after.
func (c Course) at(t time.Duration) rune {
	for _, s := range c.Steps {
		if t >= s.Start && t < s.End {
			switch s.Kind {
			case Oven:
				return '~'
			case Plate:
				return rune('a' + s.Chef)
			default:
				return rune('A' + s.Chef)
			}
		}
	}
	if len(c.Steps) > 0 && t >= c.Arrive && t < c.Steps[len(c.Steps)-1].End {
		return '.'
	}
	return ' '
}

// Draw writes the dinner's timeline to w, one row per dish and one column
// per step of time; scale is the time one column stands for, shared by the
// dinners compared so that their lengths can be compared by eye.
func (d Dinner) Draw(w io.Writer, scale time.Duration) {
	name := len("cores") // the last row's label
	for _, c := range d.Courses {
		name = max(name, len(c.Dish.Name))
	}
	cols := int((d.Wall + scale - 1) / scale)
	for _, c := range d.Courses {
		row := make([]rune, cols)
		for i := range cols {
			row[i] = c.at(time.Duration(i)*scale + scale/2)
		}
		// A step shorter than a column may fall between two midpoints:
		// give it the column it starts in, so that every step shows.
		for _, s := range c.Steps {
			i := int(s.Start / scale)
			if i < cols && !slices.Contains(row, c.at(s.Start)) {
				row[i] = c.at(s.Start)
			}
		}
		fmt.Fprintf(w, "  %-*s |%s|\n", name, c.Dish.Name, string(row))
	}
	if cores := d.CoresRow(cols, scale); cores != "" {
		fmt.Fprintf(w, "  %-*s |%s|\n", name, "cores", cores)
	}
}

// cpuSteps returns every step that needed a chef, in the order they started.
func (d Dinner) cpuSteps() []Step {
	var steps []Step
	for _, c := range d.Courses {
		for _, s := range c.Steps {
			if s.Kind != Oven {
				steps = append(steps, s)
			}
		}
	}
	slices.SortFunc(steps, func(a, b Step) int { return int(a.Start - b.Start) })
	return steps
}

// MostChefsAtOnce returns the largest number of chefs that were working at
// the same instant.
func (d Dinner) MostChefsAtOnce() int {
	most := 0
	steps := d.cpuSteps()
	for _, s := range steps {
		n := 0
		for _, o := range steps {
			if o.Start <= s.Start && s.Start < o.End {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// StepTotal returns the sum of the durations of every step: how long one
// chef who stood by the oven while it baked would have taken, at the speed
// measured in this run.
func (d Dinner) StepTotal() time.Duration {
	var sum time.Duration
	for _, c := range d.Courses {
		for _, s := range c.Steps {
			sum += s.End - s.Start
		}
	}
	return sum
}

// Problems returns what is wrong with the measured dinner, if anything:
// a dish not cooked in order (chop, oven, plate), a chef doing two things at
// once, more chefs than hired, or no interleaving at all (no dish was chopped
// or plated while another baked).
func (d Dinner) Problems() []string {
	var bad []string
	for _, c := range d.Courses {
		kinds := make([]Kind, 0, 3)
		prev := c.Arrive
		for _, s := range c.Steps {
			kinds = append(kinds, s.Kind)
			if s.Start < prev || s.End < s.Start {
				bad = append(bad, fmt.Sprintf("%s: steps out of order", c.Dish.Name))
			}
			prev = s.End
		}
		if !slices.Equal(kinds, []Kind{Chop, Oven, Plate}) {
			bad = append(bad, fmt.Sprintf("%s: steps %v, want chop, oven, plate", c.Dish.Name, kinds))
		}
	}
	busy := make(map[int]time.Duration) // chef -> end of their last step
	for _, s := range d.cpuSteps() {
		if s.Chef < 0 || s.Chef >= d.Chefs {
			bad = append(bad, fmt.Sprintf("chef %d was not hired (%d chefs)", s.Chef, d.Chefs))
		}
		if s.Start < busy[s.Chef] {
			bad = append(bad, fmt.Sprintf("chef %s did two things at once", chefName(s.Chef)))
		}
		busy[s.Chef] = s.End
	}
	if !d.interleaved() {
		bad = append(bad, "no dish was worked on while another baked: the dishes did not interleave")
	}
	return bad
}

// interleaved reports whether some dish was chopped or plated while another
// dish was in the oven.
func (d Dinner) interleaved() bool {
	for i, c := range d.Courses {
		for _, s := range c.Steps {
			if s.Kind != Oven {
				continue
			}
			for j, o := range d.Courses {
				if i == j {
					continue
				}
				for _, t := range o.Steps {
					if t.Kind != Oven && t.Start < s.End && s.Start < t.End {
						return true
					}
				}
			}
		}
	}
	return false
}

// Together returns how long two or more chefs worked at the same instant
// during the dinner, and the CPU time the process used meanwhile (0 when
// the platform does not report CPU time). Their ratio is the cores that were
// busy while the chefs worked side by side: near 2 when they chopped on two
// cores at once (parallelism), near 1 when they took turns on one.
func (d Dinner) Together() (wall, cpu time.Duration) {
	ms := d.marks()
	working := 0
	for i := 0; i+1 < len(ms); i++ {
		working += ms[i].delta
		if working >= 2 {
			wall += ms[i+1].at - ms[i].at
			cpu += ms[i+1].cpu - ms[i].cpu
		}
	}
	if !d.cpuKnown() {
		cpu = 0
	}
	return wall, cpu
}

// TogetherCores returns the cores busy, on average, while two or more chefs
// worked at the same instant, or 0 when unknown or too short to measure.
func (d Dinner) TogetherCores() float64 {
	wall, cpu := d.Together()
	if wall < 5*time.Millisecond || cpu <= 0 {
		return 0
	}
	return float64(cpu) / float64(wall)
}

// A mark is the process's CPU time read at an instant of the dinner: at the
// start or the end of a chef's step.
type mark struct {
	at, cpu time.Duration
	delta   int // +1 a chef starts working, -1 one stops
}

// cpuKnown reports whether every chef's step has its CPU readings: the
// platform reports CPU time.
func (d Dinner) cpuKnown() bool {
	steps := d.cpuSteps()
	return len(steps) > 0 && !slices.ContainsFunc(steps, func(s Step) bool { return s.CPUStart <= 0 || s.CPUEnd <= 0 })
}

// marks returns the starts and ends of the chefs' steps in time order (an
// end before a start at the same instant), with the CPU readings made there
// (meaningful when cpuKnown). Readings made by different goroutines may
// disagree a little; the CPU time is made to never go back.
func (d Dinner) marks() []mark {
	var ms []mark
	for _, s := range d.cpuSteps() {
		ms = append(ms, mark{s.Start, s.CPUStart, +1}, mark{s.End, s.CPUEnd, -1})
	}
	slices.SortStableFunc(ms, func(a, b mark) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return a.delta - b.delta
	})
	for i := 1; i < len(ms); i++ {
		ms[i].cpu = max(ms[i].cpu, ms[i-1].cpu)
	}
	return ms
}

// cpuAt returns the CPU time the process had used at instant t of the
// dinner, interpolated between the readings around it.
func cpuAt(ms []mark, t time.Duration) float64 {
	i, _ := slices.BinarySearchFunc(ms, t, func(m mark, t time.Duration) int { return int(m.at - t) })
	switch {
	case i == 0:
		return float64(ms[0].cpu)
	case i == len(ms):
		return float64(ms[len(ms)-1].cpu)
	}
	a, b := ms[i-1], ms[i]
	if b.at == a.at {
		return float64(b.cpu)
	}
	return float64(a.cpu) + float64(b.cpu-a.cpu)*float64(t-a.at)/float64(b.at-a.at)
}

// CoresRow returns the cores busy in each of cols columns of width scale,
// as a digit, where some chef worked, and a blank elsewhere; "" when the
// platform does not report CPU time.
func (d Dinner) CoresRow(cols int, scale time.Duration) string {
	if !d.cpuKnown() {
		return ""
	}
	ms := d.marks()
	steps := d.cpuSteps()
	row := make([]rune, cols)
	for i := range row {
		from, to := time.Duration(i)*scale, time.Duration(i+1)*scale
		row[i] = ' '
		if slices.ContainsFunc(steps, func(s Step) bool { return s.Start < to && from < s.End }) {
			busy := (cpuAt(ms, to) - cpuAt(ms, from)) / float64(scale)
			row[i] = rune('0' + min(9, max(0, int(busy+0.5))))
		}
	}
	return string(row)
}

// ParallelTime returns how long two or more chefs worked while at least
// Parallel cores were busy: how long the dinner ran in parallel, counting
// only stretches of at least 5ms between two readings.
func (d Dinner) ParallelTime() time.Duration {
	if !d.cpuKnown() {
		return 0
	}
	ms := d.marks()
	var total time.Duration
	working := 0
	for i := 0; i+1 < len(ms); i++ {
		working += ms[i].delta
		wall := ms[i+1].at - ms[i].at
		if working >= 2 && wall >= 5*time.Millisecond && float64(ms[i+1].cpu-ms[i].cpu) >= Parallel*float64(wall) {
			total += wall
		}
	}
	return total
}
