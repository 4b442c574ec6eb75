package race

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// A Size is what happened at one size: n increments per goroutine, and the
// updates lost in each run.
type Size struct {
	N    int
	Lost []int
}

// Wrong returns how many runs lost updates.
func (s Size) Wrong() int {
	k := 0
	for _, l := range s.Lost {
		if l > 0 {
			k++
		}
	}
	return k
}

// Worst returns the most updates one run lost.
func (s Size) Worst() int {
	w := 0
	for _, l := range s.Lost {
		w = max(w, l)
	}
	return w
}

// firstLoss returns the index of the first size where a run lost updates,
// or -1.
func firstLoss(sizes []Size) int {
	for i, s := range sizes {
		if s.Wrong() > 0 {
			return i
		}
	}
	return -1
}

// maxN is the largest size trials grows to while it has seen no loss: with
// one core, goroutines are switched only every 10ms or so, and a run must
// last that long for a switch to fall between a read and a write.
const maxN = 100_000_000

// trials runs count runs times at each size of ns, and returns what each
// size lost. It stops early once two sizes in a row lost updates in every
// run (bigger ones add nothing but time). When the sizes of ns lost nothing,
// it goes on at ten times the size, each size run until a run loses updates
// (at most twice), until maxN is passed or the next run would not fit in
// what is left of budget: a race that small runs miss is still there,
// and the lesson looks for it. On one core, a switch between a read and a
// write needs goroutines that run 10ms or more, and only large sizes do.
func trials(ctx context.Context, count func(goroutines, perItem int) int, goroutines, runs int, ns []int, budget time.Duration) ([]Size, error) {
	var sizes []Size
	start := time.Now()
	var last time.Duration // how long the last run took
	for i, n := 0, ns[0]; ; i++ {
		more := i >= len(ns) // a size beyond ns, looking for a loss
		if more {
			n *= 10
			if firstLoss(sizes) >= 0 || n > maxN {
				return sizes, nil
			}
			last *= 10 // the estimate of the next run
		} else {
			n = ns[i]
		}
		s := Size{N: n}
		tries := runs
		if more {
			tries = min(runs, 2) // a larger size is likelier to lose: spend the time there
		}
		for range tries {
			if err := ctx.Err(); err != nil {
				return sizes, err
			}
			if more && time.Since(start)+last > budget {
				break
			}
			t := time.Now()
			s.Lost = append(s.Lost, goroutines*n-count(goroutines, n))
			last = time.Since(t)
			if more && s.Wrong() > 0 {
				break
			}
		}
		if len(s.Lost) == 0 {
			return sizes, nil // out of time
		}
		sizes = append(sizes, s)
		if k := len(sizes); k >= 2 && sizes[k-1].Wrong() == len(sizes[k-1].Lost) && sizes[k-2].Wrong() == len(sizes[k-2].Lost) {
			return sizes, nil
		}
	}
}

// short writes n compactly: 950, 1.5k, 12k, 4.5M, 10M.
func short(n int) string {
	unit := func(v float64, suffix string) string {
		if v < 10 {
			return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + suffix
		}
		return fmt.Sprintf("%.0f%s", v, suffix)
	}
	switch {
	case n < 1_000:
		return fmt.Sprint(n)
	case n < 1_000_000:
		return unit(float64(n)/1e3, "k")
	default:
		return unit(float64(n)/1e6, "M")
	}
}

// table writes the sizes as rows: the size and how many runs lost updates;
// in verbose mode also the most one run lost, and every run's loss.
func table(w io.Writer, sizes []Size, verbose bool) {
	rows := [3]strings.Builder{}
	rows[0].WriteString("   n (per goroutine) ")
	rows[1].WriteString("   runs that lost    ")
	rows[2].WriteString("   most lost, 1 run  ")
	for _, s := range sizes {
		fmt.Fprintf(&rows[0], "%7s", short(s.N))
		fmt.Fprintf(&rows[1], "%7s", fmt.Sprintf("%d/%d", s.Wrong(), len(s.Lost)))
		fmt.Fprintf(&rows[2], "%7s", short(s.Worst()))
	}
	shown := rows[:2]
	if verbose {
		shown = rows[:]
	}
	for _, r := range shown {
		fmt.Fprintln(w, r.String())
	}
	if verbose {
		for _, s := range sizes {
			lost := make([]string, len(s.Lost))
			for i, l := range s.Lost {
				lost[i] = fmt.Sprint(l)
			}
			lesson.WrapHanging(w, fmt.Sprintf("     n=%s, lost in each run: ", short(s.N)), "       ", strings.Join(lost, ", "))
		}
	}
}

// story says in words what the sizes show: from which size updates were
// lost, and whether smaller runs passed.
func story(sizes []Size) string {
	f := firstLoss(sizes)
	last := sizes[len(sizes)-1]
	switch {
	case f < 0:
		return fmt.Sprintf("This run lost no update at any size, up to n=%s: the race is still there, "+
			"it just did not hit this time, which is exactly why a passing test proves nothing.", short(last.N))
	case f == 0 && !hasZero(sizes):
		return fmt.Sprintf("Updates were lost at every size, n=%s included (%d of %d runs there).",
			short(sizes[0].N), sizes[0].Wrong(), len(sizes[0].Lost))
	case f == 0:
		return fmt.Sprintf("Updates were lost at n=%s already (%d of %d runs), though not at every size: "+
			"whether a run loses is luck.", short(sizes[0].N), sizes[0].Wrong(), len(sizes[0].Lost))
	default:
		s := sizes[f]
		text := fmt.Sprintf("Runs of up to n=%s lost nothing: a small test passes. From n=%s, runs lost "+
			"updates (%d of %d there", short(sizes[f-1].N), short(s.N), s.Wrong(), len(s.Lost))
		if f < len(sizes)-1 {
			text += fmt.Sprintf(", %d of %d at n=%s", last.Wrong(), len(last.Lost), short(last.N))
		}
		text += fmt.Sprintf("), up to %s updates in one run", short(maxWorst(sizes)))
		if hasZero(sizes[f:]) {
			text += ", though not at every size: whether a run loses is luck"
		}
		text += "."
		if s := sizes[len(sizes)-1]; len(s.Lost) < len(sizes[0].Lost) {
			text += " (Sizes past the first ones run only until a run loses updates.)"
		}
		return text
	}
}

// hasZero reports whether some size lost no update in any run.
func hasZero(sizes []Size) bool {
	for _, s := range sizes {
		if s.Wrong() == 0 {
			return true
		}
	}
	return false
}

// maxWorst returns the most updates one run lost, over every size.
func maxWorst(sizes []Size) int {
	w := 0
	for _, s := range sizes {
		w = max(w, s.Worst())
	}
	return w
}
