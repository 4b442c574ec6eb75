package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
cpu: Some CPU @ 2.0GHz
BenchmarkInc/impl=mutex/par=1-2         	100	        20.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkInc/impl=guarded/par=1-2       	100	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkInc/impl=mutex/par=1-2         	100	        10.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkInc/impl=guarded/par=1-2       	100	        12.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkInc/impl=mutex/par=1-2         	100	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkInc/impl=guarded/par=1-2       	100	        45.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkNew/impl=x                     	100	         5.0 ns/op	       8.0 ns/item
BenchmarkPlain                          	100	         5.0 ns/op
PASS
`

func TestParseMedianAndPairing(t *testing.T) {
	r := parse("lock", strings.NewReader(sample))
	if r.cpu != "Some CPU @ 2.0GHz" {
		t.Errorf("cpu = %q", r.cpu)
	}
	if len(r.benches) != 4 {
		t.Fatalf("%d benches, want 4", len(r.benches))
	}
	m := r.benches[0]
	if m.fn != "BenchmarkInc" || m.impl != "mutex" || m.cas != "par=1" {
		t.Errorf("first bench = %q %q %q, want BenchmarkInc mutex par=1", m.fn, m.impl, m.cas)
	}
	if got, _ := m.median("ns/op"); got != 20 {
		t.Errorf("median ns/op = %v, want 20", got)
	}
	if got, _ := r.benches[2].median("ns/item"); got != 8 {
		t.Errorf("median ns/item = %v, want 8", got)
	}
	var out bytes.Buffer
	unpaired := table(&out, "lock", "BenchmarkInc", r.benches[:2])
	if len(unpaired) != 0 {
		t.Errorf("unpaired = %v, want none", unpaired)
	}
	for _, want := range []string{"| par=1 | mutex | 20.0 ns | 10.0–30.0 ns | baseline |", "| par=1 | guarded | 30.0 ns | 12.0–45.0 ns | 1.50x mutex |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if u := table(&out, "lock", "BenchmarkNew", r.benches[2:3]); len(u) != 1 {
		t.Errorf("unpaired of a benchmark with no entry = %v, want one", u)
	}
	if u := table(&out, "lock", "BenchmarkPlain", r.benches[3:]); len(u) != 1 {
		t.Errorf("unpaired of a benchmark with no impl = %v, want one", u)
	}
}

func TestTwoBaselinesInOneBenchmark(t *testing.T) {
	const out = `BenchmarkBatch/impl=tame-batched/size=100-2   1   50 ns/op
BenchmarkBatch/impl=chan-batched/size=100-2   1   100 ns/op
BenchmarkBatch/impl=chan-batch/size=100-2   1   1000 ns/op
BenchmarkBatch/impl=tame-batch/size=100-2   1   500 ns/op
`
	r := parse("pipeline", strings.NewReader(out))
	var b bytes.Buffer
	if u := table(&b, "pipeline", "BenchmarkBatch", r.benches); len(u) != 0 {
		t.Errorf("unpaired = %v, want none", u)
	}
	got := b.String()
	for _, want := range []string{
		"| size=100 | chan-batch | 1000 ns | 1000–1000 ns | baseline |",
		"| size=100 | chan-batched | 100 ns | 100–100 ns | baseline |",
		"| size=100 | tame-batched | 50.0 ns | 50.0–50.0 ns | 0.50x chan-batched |",
		"| size=100 | tame-batch | 500 ns | 500–500 ns | 0.50x chan-batch |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	// The default baseline comes first, then the other baselines.
	if i, j := strings.Index(got, "| chan-batch |"), strings.Index(got, "| chan-batched |"); i > j {
		t.Errorf("chan-batch (the default baseline) after chan-batched:\n%s", got)
	}
}
