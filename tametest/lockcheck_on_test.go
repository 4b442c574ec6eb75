//go:build lockcheck

package tametest

// lockcheck reports whether the lock-order checker is built in.
const lockcheck = true
