package pool_test

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tamego/tame/pool"
)

// TestPoolEveryAcceptedTaskRunsOnce: under concurrent submitters, a long
// backlog drained in batches and taken over by other workers, limit
// changes, panics and Goexits, every accepted task runs exactly once, the
// limit holds, and once closed the pool's counts add up.
func TestPoolEveryAcceptedTaskRunsOnce(t *testing.T) {
	const submitters, each = 4, 1500
	for round := range 5 {
		p := pool.NewPool(4, pool.Backlog(256))
		runs := make([]atomic.Int32, submitters*each)
		var pk peak
		var failures atomic.Uint64
		var wg sync.WaitGroup
		for s := range submitters {
			wg.Go(func() {
				for j := range each {
					i := s*each + j
					task := func() {
						runs[i].Add(1)
						pk.enter()
						defer pk.exit()
						switch {
						case i%97 == 0:
							failures.Add(1)
							panic(i)
						case i%89 == 0:
							failures.Add(1)
							runtime.Goexit()
						case i%31 == 0:
							for range 3 {
								runtime.Gosched()
							}
						}
					}
					if err := p.Submit(context.Background(), task); err != nil {
						t.Errorf("Submit() = %v", err)
						return
					}
					if s == 0 && j%100 == 0 {
						p.SetLimit(1 + j/100%4) // 1..4
					}
				}
			})
		}
		wg.Wait()
		err := p.Close()
		if (err == nil) != (failures.Load() == 0) {
			t.Errorf("round %d: Close() = %v with %d failures", round, err, failures.Load())
		}
		for i := range runs {
			if n := runs[i].Load(); n != 1 {
				t.Fatalf("round %d: task %d ran %d times, want once", round, i, n)
			}
		}
		if m := pk.max.Load(); m > 4 {
			t.Errorf("round %d: %d tasks ran at once, want at most 4", round, m)
		}
		s := p.Stats()
		if s.Submitted != submitters*each || s.Failed != failures.Load() || s.Completed+s.Failed != s.Submitted || s.Waiting != 0 || s.Running != 0 {
			t.Errorf("round %d: Stats() = %+v, want Submitted %d == Completed + Failed, Failed %d", round, s, submitters*each, failures.Load())
		}
	}
}
