//go:build race

package race

// Detector reports whether this binary was built with -race. The data-race
// counter is only run on request then: the detector reports it and a test
// built with -race would fail.
const Detector = true
