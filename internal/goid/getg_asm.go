//go:build (amd64 || arm64) && gc

package goid

import "unsafe"

// getg returns the runtime's descriptor of the calling goroutine.
//
//go:noescape
func getg() unsafe.Pointer

const haveGetg = true
