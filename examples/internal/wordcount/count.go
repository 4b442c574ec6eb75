package wordcount

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/tamego/tame/pipeline"
)

// class is the kind of each ASCII byte: a letter or underscore (which may
// start a word), a digit (which may continue one), or neither.
var class = func() (c [utf8.RuneSelf]uint8) {
	for b := range utf8.RuneSelf {
		switch {
		case b == '_' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z':
			c[b] = letter
		case '0' <= b && b <= '9':
			c[b] = digit
		}
	}
	return c
}()

const (
	other = iota
	letter
	digit
)

// classOf returns the class of the rune at the start of src and its size.
func classOf(src []byte) (uint8, int) {
	if b := src[0]; b < utf8.RuneSelf {
		return class[b], 1
	}
	r, size := utf8.DecodeRune(src)
	switch {
	case unicode.IsLetter(r):
		return letter, size
	case unicode.IsDigit(r):
		return digit, size
	}
	return other, size
}

// Tokenize returns the words of src: the runs of letters, digits and
// underscores that start with a letter or an underscore (Go identifiers and
// keywords, and the words of comments). The words are slices of src, not
// copies.
func Tokenize(src []byte) [][]byte {
	words := make([][]byte, 0, len(src)/8)
	start := -1
	for i := 0; i < len(src); {
		c, size := classOf(src[i:])
		switch {
		case start < 0 && c == letter:
			start = i
		case start >= 0 && c == other:
			words = append(words, src[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		words = append(words, src[start:])
	}
	return words
}

// Count returns how many times each word occurs.
func Count(words [][]byte) map[string]int {
	m := make(map[string]int)
	for _, w := range words {
		m[string(w)]++ // no allocation when the word is already a key
	}
	return m
}

// Merge adds the counts of from into into.
func Merge(into, from map[string]int) {
	for w, n := range from {
		into[w] += n
	}
}

// Sequential counts the words of every file of c in a plain loop: read,
// tokenize, count, merge, one file after the other.
func Sequential(ctx context.Context, c Corpus) (map[string]int, error) {
	total := make(map[string]int)
	for _, name := range c.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		src, err := c.Read(name)
		if err != nil {
			return nil, err
		}
		Merge(total, Count(Tokenize(src)))
	}
	return total, nil
}

// Pipelined counts the same words with a pipeline: the file names flow
// through a read stage with readers goroutines, then a tokenize stage and a
// count stage with workers goroutines each, and the per-file counts are
// merged by the sink in the caller's goroutine, so the total is touched by
// one goroutine only. The stages share nothing: each value is handed from
// one stage to the next.
func Pipelined(ctx context.Context, c Corpus, readers, workers int) (map[string]int, error) {
	p := pipeline.New(ctx)
	names := pipeline.From(p, c.Files)
	texts := pipeline.Map(p, names, readers, func(_ context.Context, name string) ([]byte, error) {
		return c.Read(name)
	})
	words := pipeline.Map(p, texts, workers, func(_ context.Context, src []byte) ([][]byte, error) {
		return Tokenize(src), nil
	})
	counts := pipeline.Map(p, words, workers, func(_ context.Context, ws [][]byte) (map[string]int, error) {
		return Count(ws), nil
	})
	total := make(map[string]int)
	err := pipeline.ForEach(p, counts, func(_ context.Context, m map[string]int) error {
		Merge(total, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return total, nil
}

// A Word is a word and how many times it occurs.
type Word struct {
	Word  string
	Count int
}

// Top returns the n most frequent words, the most frequent first, ties in
// alphabetical order.
func Top(m map[string]int, n int) []Word {
	all := make([]Word, 0, len(m))
	for _, w := range slices.Sorted(maps.Keys(m)) {
		all = append(all, Word{w, m[w]})
	}
	slices.SortStableFunc(all, func(a, b Word) int { return cmp.Compare(b.Count, a.Count) })
	return all[:min(n, len(all))]
}

// Total returns the number of words counted.
func Total(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}
