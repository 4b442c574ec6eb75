package main

import "fmt"

// errChefs reports a -chefs value below 1.
func errChefs(n int) error { return fmt.Errorf("-chefs must be at least 1, got %d", n) }
