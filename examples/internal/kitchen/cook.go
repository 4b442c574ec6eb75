// Package kitchen is the first chapter of the lesson: concurrency is not
// parallelism. The same dinner is cooked by one chef, who interleaves the
// dishes (chops one while another bakes), and by several chefs, who chop at
// the same instant on several cores. Every step is timed, drawn as a
// timeline, and checked.
package kitchen

import (
	"context"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/pool"
)

// A Dish is cooked in three steps: chopping, which needs a chef and a CPU;
// baking, which only waits for the oven (no chef needed); plating, which
// needs a chef again. Chop and Plate are amounts of CPU work, measured in the
// time one core takes for them when nothing else runs.
type Dish struct {
	Name  string
	Chop  time.Duration
	Oven  time.Duration
	Plate time.Duration
}

// Kind is what a dish is going through in a step.
type Kind int

const (
	Chop  Kind = iota // a chef chops (CPU work)
	Oven              // the dish bakes (waiting only)
	Plate             // a chef plates (CPU work)
)

// A Step is one measured interval of one dish: when it started and ended,
// relative to the start of the dinner, which chef did it (-1 for Oven), and
// for a chef's step the CPU time the whole process had used at its start and
// at its end (0 when the platform does not report it).
type Step struct {
	Kind             Kind
	Chef             int
	Start, End       time.Duration
	CPUStart, CPUEnd time.Duration
}

// A Course is the measured history of one dish: when its goroutine started,
// and its steps in order.
type Course struct {
	Dish   Dish
	Arrive time.Duration
	Steps  []Step
}

// A Dinner is one measured run: how many chefs cooked, each dish's course,
// the wall time and the CPU time the process used meanwhile (0 when the
// platform does not report it).
type Dinner struct {
	Chefs   int
	Courses []Course
	Wall    time.Duration
	CPU     time.Duration
}

// Cook cooks dishes with the given number of chefs and measures it. Each dish
// is a task of its own (pool.Map, one goroutine per dish: every dish is in
// progress at once, which is concurrency); the chefs are tokens in a channel,
// so at most chefs dishes run CPU work at the same time. A dish in the oven
// holds no chef: while it bakes, its chef works on another dish. Each dish
// writes only its own Course, so nothing is shared but the chefs.
func Cook(ctx context.Context, dishes []Dish, chefs int, burn *Burner) (Dinner, error) {
	free := make(chan int, chefs)
	for c := range chefs {
		free <- c
	}
	start := time.Now()
	cpu0 := lesson.CPUTime()
	courses, err := pool.Map(ctx, len(dishes), dishes, func(ctx context.Context, d Dish) (Course, error) {
		c := Course{Dish: d, Arrive: time.Since(start)}
		work := func(k Kind, amount time.Duration) error {
			var chef int
			select {
			case chef = <-free:
			case <-ctx.Done():
				return ctx.Err()
			}
			s := Step{Kind: k, Chef: chef, Start: time.Since(start), CPUStart: lesson.CPUTime()}
			burn.Burn(amount)
			s.End, s.CPUEnd = time.Since(start), lesson.CPUTime()
			free <- chef
			c.Steps = append(c.Steps, s)
			return nil
		}
		if err := work(Chop, d.Chop); err != nil {
			return c, err
		}
		s := Step{Kind: Oven, Chef: -1, Start: time.Since(start)}
		t := time.NewTimer(d.Oven)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return c, ctx.Err()
		}
		s.End = time.Since(start)
		c.Steps = append(c.Steps, s)
		return c, work(Plate, d.Plate)
	})
	din := Dinner{Chefs: chefs, Courses: courses, Wall: time.Since(start)}
	if cpu1 := lesson.CPUTime(); cpu0 > 0 && cpu1 > cpu0 {
		din.CPU = cpu1 - cpu0
	}
	return din, err
}
