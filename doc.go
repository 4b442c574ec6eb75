// Package tame is a library of concurrency patterns that keep concurrent Go
// programs sane. (The full lesson is being written.)
package tame
