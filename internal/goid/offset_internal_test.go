package goid

import "testing"

// TestProbeFindsTheID fails where the descriptor can be read but the probe
// fell back to stack traces, which would make every owner check slow again
// without failing any other test.
func TestProbeFindsTheID(t *testing.T) {
	ID()
	if haveGetg && offset < 0 {
		t.Fatal("the probe found no single place of the goroutine id in the goroutine descriptor; ID reads stack traces")
	}
}
