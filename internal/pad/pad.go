// Package pad keeps the fields that different goroutines write on cache
// lines of their own, so that a write by one does not slow the reads of
// another (false sharing). It is the one padding type of the library.
package pad

// Size is the gap, in bytes, that Line puts between two fields: two cache
// lines, because processors fetch adjacent lines in pairs.
const Size = 128

// Line is Size bytes of padding. Put one between fields that different
// goroutines write: `_ pad.Line`.
type Line [Size]byte
