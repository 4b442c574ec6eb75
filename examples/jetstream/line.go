package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/tamego/tame/queue"
)

// A Line carries keyed items to one handler, func(key K, v T): the items of
// one key are handled in the order they were pushed, and the items of
// different keys may be handled at the same time. The program drives the
// same handler through two Lines: a [queue.Keyed] in this process, and a
// [Stream] on JetStream, whose consumers can be other processes.
//
// Push returns nil once v is accepted: from then on the Line owns it.
// Close stops accepting, waits until every accepted item was handled, and
// returns the handler's panics.
//
// What accepted means is where the two differ. A queue.Keyed hands each
// accepted item to the handler exactly once, and a panic skips only that
// item. A Stream stores the item in the broker and delivers it at least
// once: the handler acknowledges after handling, an item whose
// acknowledgement never came (a consumer that died, a handler that
// panicked) is delivered again, so the handler must be idempotent.
type Line[K comparable, T any] interface {
	Push(ctx context.Context, key K, v T) error
	Close() error
}

// Both Lines, checked by the compiler.
var (
	_ Line[string, int] = (*queue.Keyed[string, int])(nil)
	_ Line[string, int] = (*Stream[string, int])(nil)
)

// partition returns the partition of key among n: FNV-1a of the key's JSON
// encoding, modulo n. It is the same in every process and on every machine,
// for as long as n stays the same (a hash/maphash seed, or Go's map order,
// changes with each process and could not route a key across processes).
func partition[K comparable](key K, n int) (int, error) {
	b, err := json.Marshal(key)
	if err != nil {
		return 0, fmt.Errorf("key %v cannot be encoded: %w", key, err)
	}
	h := fnv.New32a()
	h.Write(b) // a hash.Hash never returns an error
	return int(h.Sum32() % uint32(n)), nil
}
