// Package tametest finds the interleaving that breaks a concurrent program
// built on tame, and replays it by seed.
//
//	func TestWithdraw(t *testing.T) {
//		tametest.Explore(t, func(t *testing.T) {
//			account := lock.New(100)
//			var wg sync.WaitGroup
//			for range 2 {
//				wg.Go(func() {
//					if lock.With(account, balance) >= 80 { // check...
//						account.Do(withdraw80) // ...then act: a race condition
//					}
//				})
//			}
//			wg.Wait()
//			if b := lock.With(account, balance); b < 0 {
//				t.Errorf("balance = %d, want at least 0", b)
//			}
//		})
//	}
//
// Run it with go test -tags tametest. Explore fails the test at the first
// schedule that breaks the invariant, with the seed, the last
// synchronization points before the failure (goroutine, point, line of your
// code) and the line that replays it: tametest.Replay(t, seed, body).
//
// # How do you know it is correct?
//
// Running a test many times finds little: the Go scheduler keeps choosing the
// same few interleavings. The race detector finds data races, not race
// conditions between well-synchronized steps, such as the check and the act
// above. tame owns the synchronization points of a program built on it (a
// Push, a Tell, a lock acquire, a stage handoff, a Close...); built with the
// tag tametest, each lets the explorer choose which goroutine goes next.
//
// Each run takes place in its own testing/synctest bubble. Half of the runs
// use PCT (probabilistic concurrency testing): a bug that needs d orderings
// among n goroutines and k steps shows in such a run with probability at
// least 1/(n·k^(d-1)). [Depth] sets d, [Runs] the number of seeds. The other
// runs are random walks, which find shallow bugs in long runs sooner.
//
// # Contracts
//
// Explore runs body under a fixed sequence of seeds derived from the test's
// name, so the same command finds the same failure. It stops at the first
// failing run: a failed t, a panic in the body's goroutine, or a deadlock,
// reported as one (who waits where), never as a timeout; the goroutines of a
// deadlocked run stay blocked.
//
// The body runs in a bubble, on its fake clock: it must not call
// synctest.Test or synctest.Wait, and the goroutines it starts must have
// ended when it and its cleanups return.
//
// A seed holds the whole plan of its run, so [Replay] needs nothing else.
// Replay is exact when the body synchronizes only through tame, also after a
// log line was added. It is best effort where goroutines also synchronize by
// other means (channels, sync.Mutex, atomics). Do not hold a sync.Mutex across
// a call into tame that another goroutine may wait for: the run would wait for
// it, and a watchdog then crashes the test with the reason. Package lock's
// locks do not have this limit.
//
// The explorer's handoffs are synchronization to the race detector: run the
// test without the tag under -race too.
//
// # Cost
//
// Without the tag the points cost nothing, and Explore runs body under every
// seed as plain repetition, saying so once in the test log. With the tag a
// point costs a goroutine switch during a run: keep the tag for the tests
// that explore. The tag composes with lockcheck (-tags tametest,lockcheck).
package tametest
