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
		"instead of sharing them. The Go standard library's source files are read, split into words and " +
		"counted, and the counts merged into one total that only the last stage touches; a plain loop does " +
		"the same. First each read waits, as a remote fetch would: waiting needs no second core. Then the " +
		"files come from the local disk and the work is all CPU: only free cores can make it faster.",
	Run: func(ctx context.Context, w io.Writer, opt lesson.Options) error {
		return Run(ctx, w, Config{Options: opt})
	},
}

// Config selects what Run does.
type Config struct {
	lesson.Options
	Files   int           // files in the large CPU-only run; 0 means 1000 (60 when Quick); -1 means all
	Workers int           // goroutines per CPU stage; 0 means GOMAXPROCS
	Latency time.Duration // the wait of one remote fetch; 0 means 10ms
}

// readers is how many goroutines of the pipeline fetch files from the
// remote store at once.
const readers = 16

// A Race is one measured comparison of the two versions on one corpus.
type Race struct {
	Files                int
	Sequential, Pipeline time.Duration // the fastest of Reps runs each
	SeqCPU, PipeCPU      time.Duration // the CPU time the process used in those runs (0: unknown)
	Reps                 int
	Counts               map[string]int
	Equal                bool // both versions counted the same words
}

// PipeCores returns the cores busy on average during the pipeline's fastest
// run, or 0 when unknown or too short to tell.
func (r Race) PipeCores() float64 {
	if r.PipeCPU <= 0 || r.Pipeline < 20*time.Millisecond {
		return 0
	}
	return float64(r.PipeCPU) / float64(r.Pipeline)
}

// Compare times both versions on c, reps times each, keeping the fastest.
func Compare(ctx context.Context, c Corpus, readers, workers, reps int) (Race, error) {
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
		pipe, err := Pipelined(ctx, c, readers, workers)
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

// Run counts words three times, both ways each: files fetched with a wait,
// on one core; one file from disk; many files from disk. It prints the
// times and what they show, and returns an error if the two versions ever
// disagree or if the pipeline did not win the waiting case.
func Run(ctx context.Context, w io.Writer, cfg Config) error {
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers < 1 {
		return fmt.Errorf("wordcount: workers must be at least 1, got %d", workers)
	}
	latency := cfg.Latency
	if latency == 0 {
		latency = 10 * time.Millisecond
	}
	many, remote := cfg.Files, 60
	switch {
	case many == 0 && cfg.Quick:
		many, remote = 60, 24
	case many == 0:
		many = 1000
	case many < 0:
		many = 0 // all
	}
	all := Sources()
	if len(all.Files) == 0 {
		return errEmpty
	}
	lesson.Wrap(w, "", fmt.Sprintf("Counting words in %s: %d .go files there. The pipeline: read -> tokenize -> "+
		"count -> merge (one goroutine).", all.Root, len(all.Files)))

	// Read the samples once, untimed, so that neither version pays alone
	// for bringing the files into the operating system's cache.
	big := all.Sample(many)
	if _, err := Sequential(ctx, big); err != nil {
		return err
	}
	c := lesson.Checker{Verbose: cfg.Verbose}

	// Waiting: every read is a remote fetch; one core only.
	fmt.Fprintf(w, "\n1. Fetched: each read waits %s, as a remote call would; on ONE core;\n", lesson.Dur(latency))
	fmt.Fprintf(w, "   %d files, the fastest of 3 runs each.\n", remote)
	prev := runtime.GOMAXPROCS(1) // one goroutine runs at a time: no parallelism
	wait, err := Compare(ctx, all.Sample(remote).Remote(latency), readers, 1, 3)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		return err
	}
	times(w, wait, fmt.Sprintf("%d readers", readers))
	won := wait.Pipeline < wait.Sequential
	if won {
		lesson.Wrap(w, "  ", fmt.Sprintf("The pipeline wins, %s, with GOMAXPROCS=1: one goroutine ran at a "+
			"time, so this is not parallelism. The loop waits %d times %s, one wait after the other; the "+
			"pipeline's %d readers wait at the same time while the one core counts: concurrency.",
			lesson.Ratio(wait.Pipeline, wait.Sequential), wait.Files, lesson.Dur(latency), readers))
	} else {
		lesson.Wrap(w, "  ", fmt.Sprintf("The loop was not slower here (%s against %s): the waits did not "+
			"overlap, which they should have; see the check below.", lesson.Dur(wait.Sequential), lesson.Dur(wait.Pipeline)))
	}
	c.Check(w, won, "waiting case: the pipeline beat the loop on one core (%s against %s)",
		lesson.Dur(wait.Pipeline), lesson.Dur(wait.Sequential))
	c.Check(w, wait.Equal && Total(wait.Counts) > 0, "waiting case: both versions counted the same words")

	// CPU only: the files are in memory or in the operating system's cache.
	var last Race
	for i, size := range []struct {
		corpus Corpus
		reps   int
	}{{all.Sample(1), 20}, {big, 2}} {
		r, err := Compare(ctx, size.corpus, workers, workers, size.reps)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%d. From disk, all CPU: %d %s, %d words, the fastest of %d runs each.\n",
			i+2, r.Files, lesson.Plural(r.Files, "file"), Total(r.Counts), r.Reps)
		times(w, r, fmt.Sprintf("%d a stage", workers))
		lesson.Wrap(w, "  ", verdict(r, i == 0))
		c.Check(w, r.Equal && Total(r.Counts) > 0, "%d %s: both versions counted the same words",
			r.Files, lesson.Plural(r.Files, "file"))
		last = r
	}

	if cfg.Verbose {
		fmt.Fprintf(w, "\nThe most frequent words in %d files:\n", last.Files)
		for i, word := range Top(last.Counts, 10) {
			fmt.Fprintf(w, "  %2d. %-10s %8d\n", i+1, word.Word, word.Count)
		}
	}
	return c.Done(w)
}

// times prints the two versions' times, with the cores busy when known.
func times(w io.Writer, r Race, how string) {
	pipe := "pipeline (" + how + ")"
	line := func(name string, d time.Duration, ratio, busy string) {
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %-*s %9s  %-12s %s", len(pipe), name, lesson.Dur(d),
			ratio, busy), " "))
	}
	line("loop", r.Sequential, "", busyText(r.SeqCPU, r.Sequential))
	line(pipe, r.Pipeline, lesson.Ratio(r.Pipeline, r.Sequential), busyText(r.PipeCPU, r.Pipeline))
}

// busyText returns the cores busy on average, "1.6 cores busy", or "".
func busyText(cpu, wall time.Duration) string {
	return strings.Trim(lesson.Cores(cpu, wall), "()")
}

// verdict says what a CPU-only race r shows, from its figures; small tells
// that r was the run on one file.
func verdict(r Race, small bool) string {
	ratio := lesson.Ratio(r.Pipeline, r.Sequential)
	cores := r.PipeCores()
	switch {
	case small && r.Sequential < r.Pipeline:
		return "The loop wins: one file is too little work to pay for starting the stages' goroutines and " +
			"handing the file from stage to stage."
	case small || ratio == "no faster":
		return "No real difference: whatever the pipeline overlaps is eaten by its goroutines and channels, " +
			"so the plain loop, the simpler program, is the better one here."
	case r.Pipeline < r.Sequential && cores >= 1.5:
		return fmt.Sprintf("The pipeline wins: its stages kept %.1f cores busy, where the loop uses one. That "+
			"is parallelism, and it needs free cores: the waiting case above won without them.", cores)
	case r.Pipeline < r.Sequential && cores > 0:
		return fmt.Sprintf("The pipeline won, but with only %.1f cores busy, so not by parallelism: on a "+
			"shared machine, a difference this size can be the load changing between the two runs.", cores)
	case r.Pipeline < r.Sequential:
		return "The pipeline won; this platform does not report CPU time, so how many cores it used is not " +
			"measured here."
	case cores > 0:
		return fmt.Sprintf("The loop wins: the pipeline had %.1f cores busy, no spare core to run its stages "+
			"side by side (other programs were using them), so its goroutines and handovers only cost time. "+
			"CPU-bound work gains from a pipeline only with free cores; the waiting case gained without any.", cores)
	default:
		return "The loop wins: the pipeline's goroutines and handovers cost more than they overlapped."
	}
}
