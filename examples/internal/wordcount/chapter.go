package wordcount

import (
	"context"
	"fmt"
	"io"
	"maps"
	"runtime"
	"strings"
	"time"

	"github.com/tamego/tame/examples/internal/lesson"
)

// Chapter is the wordcount chapter of the tour.
var Chapter = lesson.Chapter{
	Name:  "wordcount",
	Title: "A pipeline over real input, and when it pays",
	Intro: "Message passing: stages connected by channels, each with its own goroutines, handing values on " +
		"instead of sharing them. The Go standard library's own source files are read, split into words, " +
		"counted per file, and the counts merged into one total, which only the last stage touches. The same " +
		"count is done by a plain loop, and both are timed: on one file and on a thousand. Concurrency " +
		"must earn its complexity; the figures say when it does.",
	Run: func(ctx context.Context, w io.Writer, quick bool) error {
		return Run(ctx, w, Config{Quick: quick})
	},
}

// Config selects what Run does.
type Config struct {
	Quick   bool // fewer files, for tests
	Files   int  // files in the large run; 0 means 1000 (60 when Quick); -1 means all
	Workers int  // goroutines per stage; 0 means GOMAXPROCS
}

// A Race is one measured comparison of the two versions on one corpus.
type Race struct {
	Files                int
	Sequential, Pipeline time.Duration // the fastest of Reps runs each
	SeqCPU, PipeCPU      time.Duration // the CPU time the process used in those runs (0: unknown)
	Reps                 int
	Counts               map[string]int
	Equal                bool // both versions counted the same words
}

// Compare times both versions on c, reps times each, keeping the fastest.
func Compare(ctx context.Context, c Corpus, workers, reps int) (Race, error) {
	r := Race{Files: len(c.Files), Reps: reps, Equal: true}
	for range reps {
		start, cpu := time.Now(), lesson.CPUTime()
		seq, err := Sequential(ctx, c)
		if err != nil {
			return r, err
		}
		if d := time.Since(start); r.Sequential == 0 || d < r.Sequential {
			r.Sequential, r.SeqCPU = d, lesson.CPUTime()-cpu
		}
		start, cpu = time.Now(), lesson.CPUTime()
		pipe, err := Pipelined(ctx, c, workers)
		if err != nil {
			return r, err
		}
		if d := time.Since(start); r.Pipeline == 0 || d < r.Pipeline {
			r.Pipeline, r.PipeCPU = d, lesson.CPUTime()-cpu
		}
		r.Equal = r.Equal && maps.Equal(seq, pipe)
		r.Counts = seq
	}
	return r, nil
}

// Run counts the words of a few files and of many, both ways, prints the
// times, the verdict and the top words, and returns an error if the two
// versions ever disagree.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers < 1 {
		return fmt.Errorf("wordcount: workers must be at least 1, got %d", workers)
	}
	many := cfg.Files
	switch {
	case many == 0 && cfg.Quick:
		many = 60
	case many == 0:
		many = 1000
	case many < 0:
		many = 0 // all
	}
	all := Sources()
	if len(all.Files) == 0 {
		return errEmpty
	}
	lesson.Wrap(w, "", fmt.Sprintf("Counting words in %s: %d .go files there.", all.Root, len(all.Files)))
	fmt.Fprintf(w, "Pipeline: read -> tokenize -> count (%d goroutines each) -> merge (one goroutine).\n", workers)

	// Read the large sample once, untimed, so that neither version pays
	// alone for bringing the files into the operating system's cache.
	big := all.Sample(many)
	if _, err := Sequential(ctx, big); err != nil {
		return err
	}

	var c lesson.Checker
	var last Race
	for i, size := range []struct {
		corpus Corpus
		reps   int
	}{{all.Sample(1), 20}, {big, 1}} {
		r, err := Compare(ctx, size.corpus, workers, size.reps)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%d %s, %d words", r.Files, plural(r.Files, "file"), Total(r.Counts))
		if r.Reps > 1 {
			fmt.Fprintf(w, " (the fastest of %d runs each)", r.Reps)
		}
		fmt.Fprintln(w, ":")
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  sequential %10s  %s",
			lesson.Dur(r.Sequential), lesson.Cores(r.SeqCPU, r.Sequential)), " "))
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  pipeline   %10s  %s than sequential  %s",
			lesson.Dur(r.Pipeline), lesson.Ratio(r.Pipeline, r.Sequential), lesson.Cores(r.PipeCPU, r.Pipeline)), " "))
		verdict(w, r, i == 0)
		c.Check(w, r.Equal && Total(r.Counts) > 0, "%d %s: both versions counted the same words", r.Files, plural(r.Files, "file"))
		last = r
	}

	fmt.Fprintf(w, "\nThe most frequent words in %d files:\n", last.Files)
	for i, word := range Top(last.Counts, 10) {
		fmt.Fprintf(w, "  %2d. %-10s %8d\n", i+1, word.Word, word.Count)
	}
	return c.Err()
}

// plural returns noun for one, and noun+"s" for other counts.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// verdict says who won the race r, from its figures; small tells that r was
// the run on little work.
func verdict(w io.Writer, r Race, small bool) {
	var v string
	switch {
	case lesson.Ratio(r.Pipeline, r.Sequential) == "no faster":
		v = "No real difference: what the pipeline overlaps is eaten by its goroutines and channels, " +
			"so the plain loop, the simpler program, is the better one here."
	case r.Sequential < r.Pipeline && small:
		v = "Sequential wins here: the work is too small to pay for starting the stages' goroutines " +
			"and handing every file from stage to stage."
	case r.Sequential < r.Pipeline:
		v = "Sequential wins even here: the pipeline's goroutines found no spare core to run on (see how " +
			"many cores were busy; other programs may be using them), so they only added handovers."
	default:
		v = "The pipeline wins here: there is enough work to keep several cores busy, " +
			"and reading one file overlaps with counting another."
	}
	lesson.Wrap(w, "  ", v)
}
