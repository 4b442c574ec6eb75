//go:build lockcheck

package lock_test

import (
	"strings"
	"testing"

	"github.com/tamego/tame/lock"
)

// FuzzCheckerOrder runs random programs that nest acquisitions of up to 6
// classes (2 instances each), always following one random rank order of the
// classes, some levels taking two instances of a class at once with Both.
// Invariants: such a program is never reported; then taking any two classes
// it nested in the opposite order is.
func FuzzCheckerOrder(f *testing.F) {
	f.Add([]byte{4, 3, 1, 0, 2, 0xff, 0x0f, 0x35})
	f.Add([]byte{2, 1, 0, 0x03, 0x03})
	f.Add([]byte{6, 5, 4, 3, 2, 1, 0, 0xaa, 0x55, 0x3c, 0xc3})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		n := 2 + int(data[0])%5
		data = data[1:]
		// A rank order of the classes from the data (a permutation).
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		for i := n - 1; i > 0 && len(data) > 0; i-- {
			j := int(data[0]) % (i + 1)
			data = data[1:]
			order[i], order[j] = order[j], order[i]
		}
		locks := make([][2]*lock.Guarded[int], n)
		for c := range locks {
			name := unique("fuzz")
			locks[c] = [2]*lock.Guarded[int]{lock.NewNamed(name, 0), lock.NewNamed(name, 0)}
		}
		nested := [][2]int{} // class pairs (outer, inner) taken nested
		for _, b := range data {
			// b picks which ranks this program takes (bits 0-5 of b,
			// at least one) and whether a level uses Both (bits 6-7).
			var levels []int
			for r := range n {
				if b&(1<<r) != 0 {
					levels = append(levels, order[r])
				}
			}
			useBoth := int(b >> 6)
			var take func(k int)
			take = func(k int) {
				if k == len(levels) {
					return
				}
				c := levels[k]
				if k == useBoth%max(1, len(levels)) && b&0xc0 != 0 {
					lock.Both(locks[c][1], locks[c][0], func(*int, *int) { take(k + 1) })
					return
				}
				locks[c][int(b)%2].Do(func(*int) { take(k + 1) })
			}
			take(0)
			for i := range levels {
				for j := i + 1; j < len(levels); j++ {
					nested = append(nested, [2]int{levels[i], levels[j]})
				}
			}
		}
		if len(nested) == 0 {
			return
		}
		p := nested[len(nested)/2]
		v := mustPanic(t, func() {
			locks[p[1]][0].Do(func(*int) { locks[p[0]][1].Do(func(*int) {}) })
		})
		if s, ok := v.(string); !ok || !strings.Contains(s, "lock order inversion") {
			t.Fatalf("panic = %v, want a lock order inversion report", v)
		}
	})
}
