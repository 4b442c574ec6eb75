//go:build !lockcheck

package lock

// checked holds a lock's state for the lock-order checker. Built without the
// tag lockcheck (the default) it is empty, and its methods are empty
// functions that the compiler inlines away: the checker then costs nothing,
// neither time nor memory. check_on.go is the version built with the tag.
type checked struct{}

// holder is what an acquisition hands to its release: nothing here; the
// goroutine that acquired, with the tag.
type holder struct{}

func (*checked) created(name string, skip int) {}
func (*checked) acquire() holder               { return holder{} }
func (*checked) tryAcquired() holder           { return holder{} }
func (*checked) release(holder)                {}
func bothAcquire(a, b *checked) holder         { return holder{} }
