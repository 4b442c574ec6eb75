package tametest

import (
	"hash/fnv"
	"path/filepath"
	"runtime"
	"strconv"
)

// A seed holds everything a schedule depends on, so that Replay needs
// nothing else: the bug depth d in its top 8 bits, the expected number of
// steps k in the next 16, and the random part in the low 40.
const (
	rndBits   = 40
	stepsBits = 16
	maxSteps  = 1<<stepsBits - 1
	maxDepth  = 255
)

// A plan is a seed decoded: the PCT parameters of one run. A seed of depth
// 0 is a random walk instead: at every step, any goroutine that can move,
// with equal chances.
type plan struct {
	seed    uint64
	random  bool
	depth   int
	steps   int            // k, the expected number of steps
	rnd     uint64         // the random part
	changes map[int]uint64 // step → the priority given at that step
}

func makeSeed(depth, steps int, rnd uint64) uint64 {
	steps = min(max(steps, 1), maxSteps)
	rnd |= 1 // never the seed 0
	return uint64(depth)<<(rndBits+stepsBits) | uint64(steps)<<rndBits | rnd&(1<<rndBits-1)
}

// decode turns a seed into its plan: d-1 change points drawn uniformly
// over the k expected steps; the i-th gets priority i, below every
// goroutine's initial priority (Burckhardt et al., ASPLOS 2010).
func decode(seed uint64) plan {
	p := plan{
		seed:    seed,
		random:  seed>>(rndBits+stepsBits) == 0,
		depth:   max(1, int(seed>>(rndBits+stepsBits))),
		steps:   max(1, int(seed>>rndBits&maxSteps)),
		rnd:     seed & (1<<rndBits - 1),
		changes: make(map[int]uint64),
	}
	state := p.rnd
	for i := 1; i < p.depth && !p.random; i++ {
		step := 1 + int(splitmix(&state)%uint64(p.steps))
		if _, ok := p.changes[step]; !ok {
			p.changes[step] = uint64(i)
		}
	}
	return p
}

// A search hands out the seeds of an exploration: a fixed sequence for a
// given test name, each encoding the largest number of steps seen so far.
type search struct {
	n     int
	depth int
	state uint64
	steps int
}

func newSearch(name string, depth int) *search {
	h := fnv.New64a()
	h.Write([]byte(name))
	return &search{depth: depth, state: h.Sum64(), steps: 1}
}

func (s *search) next() uint64 {
	s.n++
	if s.n%walkEvery == 0 {
		return makeSeed(0, s.steps, splitmix(&s.state))
	}
	return makeSeed(s.depth, s.steps, splitmix(&s.state))
}

// walkEvery makes every walkEvery-th run of an exploration a random walk:
// PCT finds a bug of a given depth with a guaranteed probability; the walk
// often finds a shallow bug sooner in a long run, where PCT's few change
// points rarely fall at the right step. Alternating finds more of both
// kinds than either alone.
const walkEvery = 2

// observe widens the expected number of steps to what a run took.
func (s *search) observe(steps int) { s.steps = max(s.steps, steps) }

// splitmix advances state and returns the next value of SplitMix64.
func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// mix hashes a seed, a key and a count into one value.
func mix(a, b, c uint64) uint64 {
	s := a ^ b*0x9e3779b97f4a7c15
	splitmix(&s)
	s ^= c
	return splitmix(&s)
}

// frameKey names where a goroutine stopped, by file names and lines, not
// addresses or function names, so that it is the same in every build of
// the same code (with or without -race, -cover or -trimpath, whatever the
// compiler inlined: inlining renames closures, not their lines).
func frameKey(pcs []uintptr) uint64 {
	h := fnv.New64a()
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		h.Write([]byte(filepath.Base(f.File)))
		h.Write([]byte(strconv.Itoa(f.Line)))
		if !more {
			break
		}
	}
	return h.Sum64()
}
