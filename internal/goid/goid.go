// Package goid reads the id of the calling goroutine, for the few slow paths
// that must tell whether a call comes from a goroutine the library owns (a
// consumer that would wait for itself) or, with the lockcheck tag, which
// goroutine holds which lock.
package goid

import "runtime"

// ID returns the id of the calling goroutine, read from the first line of
// its stack trace ("goroutine 18 [running]:"). It formats a stack trace, so
// it costs a microsecond or more: never call it per item.
func ID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	const prefix = "goroutine "
	if len(b) <= len(prefix) {
		return 0
	}
	var id uint64
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
