//go:build lockcheck

package lock_test

import (
	"fmt"
	"strings"

	"github.com/tamego/tame/lock"
)

// This example, which runs only when built with the tag lockcheck, shows the
// lock-order checker reporting an order inversion. One path takes an order,
// then a stock line inside it; another takes the stock line, then an order.
// Run one after the other they never deadlock, but two goroutines running
// them at once could, and the checker panics on the second path, before it
// blocks, with the stacks of both orders. Names given with NewNamed make the
// two lock classes, so the report names them.
func ExampleNewNamed() {
	order := lock.NewNamed("example: order", 0)
	stock := lock.NewNamed("example: stock", 0)

	order.Do(func(*int) { stock.Do(func(*int) {}) }) // order, then stock

	defer func() {
		report := fmt.Sprint(recover())
		for _, line := range strings.Split(report, "\n")[:5] {
			fmt.Println(strings.TrimSpace(line))
		}
	}()
	stock.Do(func(*int) { order.Do(func(*int) {}) }) // stock, then order: reported
	// Output:
	// lock: lock order inversion (a potential deadlock, even if none happened yet): acquiring
	// lock named "example: order"
	// while holding
	// lock named "example: stock"
	// but earlier the opposite order was seen
}
