// Package toolbox holds the short chapters of the tour, one per package of
// tame: what each pattern does beyond the happy path (bounds, cancellation,
// panics, order, restarts, deadlock checks), shown on small programs whose
// every claim is checked as they run.
package toolbox

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tamego/tame"
	"github.com/tamego/tame/examples/internal/lesson"
)

// panicked returns the *tame.PanicError in err, if any.
func panicked(err error) (*tame.PanicError, bool) {
	var pe *tame.PanicError
	ok := errors.As(err, &pe)
	return pe, ok
}

// where returns the function that panicked, read from the top of a
// recovered stack: the first frame below the runtime's panic machinery and
// tame's own.
func where(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") && i+1 < len(lines) {
			// The frame after panic(...) and its file line is the caller.
			for _, f := range lines[i+2:] {
				if f != "" && !strings.HasPrefix(f, "\t") {
					return trimArgs(f)
				}
			}
		}
	}
	return "(not found in the stack)"
}

// trimArgs drops the argument list of a stack frame line.
func trimArgs(frame string) string {
	if i := strings.LastIndex(frame, "("); i > 0 {
		return frame[:i]
	}
	return frame
}

// say writes a paragraph of prose, formatted and wrapped.
func say(w io.Writer, format string, args ...any) {
	lesson.Wrap(w, "", fmt.Sprintf(format, args...))
}

// describe formats a recovered value for the reader.
func describe(v any) string { return fmt.Sprintf("%v", v) }
