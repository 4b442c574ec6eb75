// Command bench runs the benchmarks of every tame package and writes
// BENCHMARKS.md: per benchmark, the median of each metric over -count runs and
// the ratio of its ns/op to the standard-library baseline measured in the same
// run, with the machine, the date and the exact commands.
//
// Run it from the repository root:
//
//	go run ./.ci/bench                       # -count 5, every package
//	go run ./.ci/bench -count 10 -benchtime 500ms -note 'a quiet machine'
//
// Every sub-benchmark names its implementation with an impl=NAME element
// (BenchmarkQueue/impl=chan-consumer/producers=8). A row is paired with the
// row of the same benchmark whose other elements are the same and whose impl
// is the baseline that the table baselines below gives for that benchmark.
// What cannot be paired (no impl= element, no entry in the table, or a
// baseline that did not run) is still reported, without a ratio, and listed.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// baselines says, per package and benchmark function, which impl is the
// standard-library baseline of the others: "*" for every impl without an
// entry of its own. Taken from the comments of the bench files.
var baselines = map[string]map[string]map[string]string{
	"pool": {
		"BenchmarkPool":             {"*": "workers"},
		"BenchmarkMap":              {"*": "chunked"},
		"BenchmarkLatencyUnderLoad": {"*": "goroutine"},
		"BenchmarkLatencyIdle":      {"*": "goroutine"},
	},
	"pipeline": {
		"BenchmarkPipeline": {"*": "chan-buffered"},
		"BenchmarkBuffer":   {"*": "chan-buffered"},
		"BenchmarkMap":      {"*": "chan-fanout"},
		"BenchmarkBatch":    {"*": "chan-batch", "tame-batched": "chan-batched"},
	},
	"queue": {
		"BenchmarkQueue":            {"*": "chan-consumer"},
		"BenchmarkKeyed":            {"*": "chan-consumer"},
		"BenchmarkLatencyUnderLoad": {"*": "chan-consumer"},
	},
	"actor": {
		"BenchmarkActor":        {"*": "chan-actor"},
		"BenchmarkAskUnderLoad": {"*": "chan-actor"},
	},
	"lock": {
		"BenchmarkInc":        {"*": "mutex"},
		"BenchmarkReadMostly": {"*": "rwmutex", "guarded": "mutex", "snapshot": "atomic-pointer"},
		"BenchmarkTransfer":   {"*": "mutex-ordered"},
		"BenchmarkLoad":       {"*": "atomic-pointer", "snapshot": "atomic-pointer-copy"},
		"BenchmarkDoCost":     {"*": "mutex"},
	},
}

// baselineOf returns the baseline impl of impl in benchmark fn of pkg, or "".
func baselineOf(pkg, fn, impl string) string {
	m := baselines[pkg][fn]
	if b, ok := m[impl]; ok {
		return b
	}
	return m["*"]
}

func main() {
	count := flag.Int("count", 5, "runs of each benchmark (go test -count)")
	benchtime := flag.String("benchtime", "", "go test -benchtime (empty: go test's default)")
	pkgs := flag.String("pkgs", "pool,pipeline,queue,actor,lock", "comma-separated packages to run")
	out := flag.String("o", "BENCHMARKS.md", "file to write")
	note := flag.String("note", "", "a line about the conditions of this run, written at the top")
	flag.Parse()

	var results []*pkgResult
	for _, pkg := range strings.Split(*pkgs, ",") {
		args := []string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", strconv.Itoa(*count)}
		if *benchtime != "" {
			args = append(args, "-benchtime", *benchtime)
		}
		args = append(args, "./"+pkg+"/")
		fmt.Fprintln(os.Stderr, "go", strings.Join(args, " "))
		var raw bytes.Buffer
		cmd := exec.Command("go", args...)
		cmd.Stdout = io.MultiWriter(&raw, os.Stderr)
		cmd.Stderr = cmd.Stdout
		err := cmd.Run()
		r := parse(pkg, &raw)
		r.command = "go " + quote(args)
		if err != nil {
			r.err = err.Error()
		}
		results = append(results, r)
	}
	var doc bytes.Buffer
	write(&doc, results, *count, *note)
	if err := os.WriteFile(*out, doc.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "wrote", *out)
}

// quote renders args as a shell command line.
func quote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$*? ") {
			a = "'" + a + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// A pkgResult is what one go test run printed.
type pkgResult struct {
	pkg, command, err string
	cpu               string
	benches           []*bench // in the order they first ran
}

// A bench is one sub-benchmark (all its runs).
type bench struct {
	fn, impl, cas string               // function, impl=, the other elements
	units         []string             // in the order printed
	values        map[string][]float64 // per unit, one per run
}

func (b *bench) median(unit string) (float64, bool) {
	v := slices.Clone(b.values[unit])
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// parse reads go test -bench output: "cpu: ..." and lines such as
// "BenchmarkInc/impl=mutex/par=1-2  <N>  <time> ns/op  <bytes> B/op  <allocs> allocs/op".
func parse(pkg string, raw io.Reader) *pkgResult {
	r := &pkgResult{pkg: pkg}
	byName := map[string]*bench{}
	sc := bufio.NewScanner(raw)
	for sc.Scan() {
		line := sc.Text()
		if cpu, ok := strings.CutPrefix(line, "cpu: "); ok {
			r.cpu = strings.TrimSpace(cpu)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the -GOMAXPROCS suffix
			}
		}
		b := byName[name]
		if b == nil {
			b = &bench{values: map[string][]float64{}}
			parts := strings.Split(name, "/")
			b.fn = parts[0]
			var rest []string
			for _, p := range parts[1:] {
				if impl, ok := strings.CutPrefix(p, "impl="); ok {
					b.impl = impl
				} else {
					rest = append(rest, p)
				}
			}
			b.cas = strings.Join(rest, "/")
			byName[name] = b
			r.benches = append(r.benches, b)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			unit := f[i+1]
			if _, ok := b.values[unit]; !ok {
				b.units = append(b.units, unit)
			}
			b.values[unit] = append(b.values[unit], v)
		}
	}
	return r
}

func write(w io.Writer, results []*pkgResult, count int, note string) {
	fmt.Fprintf(w, "# Benchmarks\n\n")
	fmt.Fprintf(w, "Generated by `go run ./.ci/bench` (the script is .ci/bench/main.go) on %s.\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"))
	if note != "" {
		fmt.Fprintf(w, "\n**%s**\n", note)
	}
	cpu := cpuModel()
	for _, r := range results {
		if cpu == "" {
			cpu = r.cpu
		}
	}
	fmt.Fprintf(w, "\n| machine | |\n|---|---|\n")
	fmt.Fprintf(w, "| Go | %s |\n| GOOS/GOARCH | %s/%s |\n| CPU | %s |\n| nproc | %d |\n",
		goVersion(), runtime.GOOS, runtime.GOARCH, cmp.Or(cpu, "unknown"), runtime.NumCPU())
	fmt.Fprintf(w, "\nEach figure is the median of %d runs. **vs baseline** is the median time/op of the row\n"+
		"divided by that of its baseline (named in the row) with the same parameters, measured\n"+
		"in the same `go test` run: below 1.00x the row is faster. Compare ratios, not\n"+
		"nanoseconds, between machines; the range is the fastest and slowest of the runs.\n", count)

	var unpaired []string
	for _, r := range results {
		fmt.Fprintf(w, "\n## %s\n\n```sh\n%s\n```\n", r.pkg, r.command)
		if r.err != "" {
			fmt.Fprintf(w, "\nThe run failed (%s): the tables hold what ran before.\n", r.err)
		}
		byFn := map[string][]*bench{}
		var fns []string
		for _, b := range r.benches {
			if byFn[b.fn] == nil {
				fns = append(fns, b.fn)
			}
			byFn[b.fn] = append(byFn[b.fn], b)
		}
		for _, fn := range fns {
			unpaired = append(unpaired, table(w, r.pkg, fn, byFn[fn])...)
		}
	}
	if len(unpaired) > 0 {
		fmt.Fprintf(w, "\n## Not paired with a baseline\n\n")
		fmt.Fprintf(w, "These ran and are in the tables above without a ratio: they have no impl= element,\n"+
			"their benchmark has no entry in the table of baselines in .ci/bench/main.go, or\n"+
			"their baseline did not run.\n\n")
		for _, u := range unpaired {
			fmt.Fprintf(w, "- %s\n", u)
		}
	}
}

// table writes the table of one benchmark function and returns the rows it
// could not pair.
func table(w io.Writer, pkg, fn string, benches []*bench) (unpaired []string) {
	// Extra metrics (ns/item, ns/task...) get columns of their own.
	var extra []string
	for _, b := range benches {
		for _, u := range b.units {
			if u != "ns/op" && u != "B/op" && u != "allocs/op" && !slices.Contains(extra, u) {
				extra = append(extra, u)
			}
		}
	}
	fmt.Fprintf(w, "\n### %s\n\n| case | impl | time/op | range | vs baseline |", fn)
	for _, u := range extra {
		fmt.Fprintf(w, " %s |", u)
	}
	fmt.Fprintf(w, " B/op | allocs/op |\n|---|---|--:|--:|--:|")
	for range extra {
		fmt.Fprintf(w, "--:|")
	}
	fmt.Fprintf(w, "--:|--:|\n")

	// Rows grouped by case, each case's baseline first.
	find := func(cas, impl string) *bench {
		for _, b := range benches {
			if b.cas == cas && b.impl == impl {
				return b
			}
		}
		return nil
	}
	var cases []string
	for _, b := range benches {
		if !slices.Contains(cases, b.cas) {
			cases = append(cases, b.cas)
		}
	}
	for _, cas := range cases {
		var rows []*bench
		for _, b := range benches {
			if b.cas == cas {
				rows = append(rows, b)
			}
		}
		slices.SortStableFunc(rows, func(x, y *bench) int {
			return cmp.Compare(rank(pkg, fn, x), rank(pkg, fn, y))
		})
		for _, b := range rows {
			ns, _ := b.median("ns/op")
			lo, hi := slices.Min(b.values["ns/op"]), slices.Max(b.values["ns/op"])
			ratio := ""
			base := baselineOf(pkg, fn, b.impl)
			switch bb := find(cas, base); {
			case rank(pkg, fn, b) < 2:
				ratio = "baseline"
			case b.impl == "" || base == "" || bb == nil:
				ratio = "n/a"
				name := fn
				if b.impl != "" {
					name += "/impl=" + b.impl
				}
				if cas != "" {
					name += "/" + cas
				}
				unpaired = append(unpaired, fmt.Sprintf("%s: %s", pkg, name))
			default:
				bns, _ := bb.median("ns/op")
				ratio = fmt.Sprintf("%.2fx %s", ns/bns, base)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s |", cmp.Or(cas, "-"), cmp.Or(b.impl, "-"),
				dur(ns), durRange(lo, hi), ratio)
			for _, u := range extra {
				if v, ok := b.median(u); ok {
					fmt.Fprintf(w, " %s |", num(v))
				} else {
					fmt.Fprintf(w, " |")
				}
			}
			bytes, _ := b.median("B/op")
			allocs, _ := b.median("allocs/op")
			fmt.Fprintf(w, " %s | %s |\n", num(bytes), num(allocs))
		}
	}
	return unpaired
}

// rank puts a case's baselines first: the default one (0), the others (1),
// then the rows compared with them (2).
func rank(pkg, fn string, b *bench) int {
	m := baselines[pkg][fn]
	if b.impl != "" && m["*"] == b.impl {
		return 0
	}
	for _, base := range m {
		if b.impl != "" && base == b.impl {
			return 1
		}
	}
	return 2
}

// num formats a figure with 3 significant digits, more for large ones.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// dur formats nanoseconds: as they are below ten thousand, in µs, ms or s
// above.
func dur(ns float64) string {
	scale, unit := timeUnit(ns)
	return num(ns/scale) + " " + unit
}

// durRange formats lo and hi in the unit of hi.
func durRange(lo, hi float64) string {
	scale, unit := timeUnit(hi)
	return num(lo/scale) + "–" + num(hi/scale) + " " + unit
}

func timeUnit(ns float64) (float64, string) {
	switch {
	case ns < 1e4:
		return 1, "ns"
	case ns < 1e6:
		return 1e3, "µs"
	case ns < 1e9:
		return 1e6, "ms"
	default:
		return 1e9, "s"
	}
}

func goVersion() string {
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
}

// cpuModel reads the CPU's model name on Linux; elsewhere go test's "cpu:"
// line is used.
func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(data)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
