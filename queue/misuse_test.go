package queue_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tamego/tame/queue"
)

func TestBadArguments(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
		want string
	}{
		{"capacity 0", func() { queue.New(0, func(int) {}) }, "queue: capacity must be at least 1, got 0"},
		{"capacity -1", func() { queue.New(-1, func(int) {}) }, "queue: capacity must be at least 1, got -1"},
		{"nil handle", func() { queue.New[int](1, nil) }, "queue: handle"},
		{"nil option", func() { queue.New(1, func(int) {}, nil) }, "queue: nil Option"},
		{"keyed workers 0", func() { queue.NewKeyed(0, 1, func(int, int) {}) }, "queue: workers must be at least 1, got 0"},
		{"keyed capacity 0", func() { queue.NewKeyed(1, 0, func(int, int) {}) }, "queue: capacity must be at least 1, got 0"},
		{"keyed nil handle", func() { queue.NewKeyed[int, int](1, 1, nil) }, "queue: handle"},
		{"unhashable key", func() { keyedTry(any([]int{1})) }, "queue: key []int is not comparable"},
		{"NaN key", func() { keyedTry(math.NaN()) }, "queue: key is not equal to itself"},
		{"NaN in a struct key", func() { keyedTry(struct{ f float64 }{math.NaN()}) }, "queue: key is not equal to itself"},
		{"NaN in an interface key", func() { keyedTry(any(math.NaN())) }, "queue: key is not equal to itself"},
		{"nil OnPanic", func() { queue.OnPanic(nil) }, "queue: OnPanic with a nil func"},
		{"capacity too large", func() { queue.New(math.MaxInt, func(int) {}) }, "queue: capacity too large: "},
		{"capacity 1<<62", func() { queue.New(1<<62, func(int) {}) }, "queue: capacity too large: "},
		{"zero Queue", func() { var q queue.Queue[int]; q.Push(context.Background(), 1) }, "queue: Queue used without New"},
		{"zero Keyed", func() { var q queue.Keyed[int, int]; q.TryPush(1, 1) }, "queue: Keyed used without NewKeyed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, tt.want) {
					t.Errorf("panic %q, want it to start with %q", msg, tt.want)
				}
			}()
			tt.fn()
		})
	}
}

// keyedTry calls TryPush and Push with key on a new Keyed queue, and closes
// it whether they panic or not.
func keyedTry[K comparable](key K) {
	q := queue.NewKeyed(1, 1, func(K, int) {})
	defer q.Close()
	q.TryPush(key, 1)
	q.Push(context.Background(), key, 1)
}
