package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/tamego/tame"
	"github.com/tamego/tame/examples/internal/lessontest"
	"github.com/tamego/tame/internal/leaktest"
	"go.uber.org/goleak"
)

// The embedded server and the client stop every goroutine they start once
// Shutdown and WaitForShutdown, and Close, have returned: no goroutine is
// ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testAckWait is short, so that the redeliveries come soon; a delivery
// that outlives it on a loaded machine is delivered again, which the
// checks tolerate, as a real handler must.
const testAckWait = 500 * time.Millisecond

// withBroker runs body against a fresh embedded server and checks that the
// server leaves no goroutine behind.
func withBroker(t *testing.T, body func(t *testing.T, url string)) {
	t.Helper()
	before := runtime.NumGoroutine()
	b, err := startBroker(10 * time.Second)
	if err != nil {
		t.Fatalf("startBroker() = %v", err)
	}
	defer func() {
		if err := b.Stop(); err != nil {
			t.Errorf("broker Stop() = %v", err)
		}
		leaktest.Back(t, before)
	}()
	body(t, b.URL())
}

func testConfig(url string, consumers int) Config {
	return Config{URL: url, Stream: "T", Subject: "t", Partitions: 2, Consumers: consumers, AckWait: testAckWait}
}

// flat returns out with every run of white space made one space, so that
// prose wrapped over several lines can be searched.
func flat(out string) string { return strings.Join(strings.Fields(out), " ") }

func TestLesson(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"-quick", "-v", "-ackwait", testAckWait.String()}); err != nil {
		t.Fatalf("run() = %v, want nil; output:\n%s", err, out.String())
	}
	got := out.String()
	lessontest.Alone(t, got, chapter(testAckWait))
	lessontest.Fits(t, got)
	if strings.Contains(got, "FAILED") {
		t.Errorf("output reports a failed check:\n%s", got)
	}
	for _, want := range []string{
		"check ok: every deposit applied exactly once but the one that panicked",
		"check ok: every deposit applied exactly once, the panicked one included",
		"check ok: each account's deposits applied in order",
		"check ok: the killed consumer's deposit was delivered again and absorbed as a duplicate",
		"check ok: the panic was reported at once and returned by Shutdown",
		"check ok: both consumers handled deposits; exactly one was killed",
		"check ok: a stream that exists with other settings is refused with a clear error",
		"check ok: the server not reachable is an error before the setup's deadline",
	} {
		if !strings.Contains(flat(got), want) {
			t.Errorf("output does not contain %q:\n%s", want, got)
		}
	}
}

// TestProgram runs the program alone, as a reader would.
func TestProgram(t *testing.T) {
	bin := lessontest.Build(t)
	lessontest.Help(t, bin, summary)
	out, errOut, status := lessontest.Run(t, bin, "-quick", "-ackwait", testAckWait.String())
	if status != 0 {
		t.Fatalf("exit status %d, want 0; stderr:\n%s\nstdout:\n%s", status, errOut, out)
	}
	lessontest.Alone(t, out, chapter(testAckWait))
	lessontest.Fits(t, out)
	if !strings.Contains(out, "checked: 11 claims held") {
		t.Errorf("output does not sum up 11 checks held:\n%s", out)
	}
}

// recorder is a handler that keeps, per key, the values in the order of
// their first handling, and fails once on some values.
type recorder struct {
	mu       sync.Mutex
	seen     map[string][]int
	handled  map[[2]any]int    // deliveries per (key, value)
	applied  map[[2]any]bool   // (key, value) handled without failing
	failOnce map[[2]any]func() // how the first handling of (key, value) fails
}

func (r *recorder) handle(key string, v int) {
	r.mu.Lock()
	r.handled[[2]any{key, v}]++
	fail := r.failOnce[[2]any{key, v}]
	delete(r.failOnce, [2]any{key, v})
	if fail == nil && !r.applied[[2]any{key, v}] {
		r.applied[[2]any{key, v}] = true
		r.seen[key] = append(r.seen[key], v)
	}
	r.mu.Unlock()
	if fail != nil {
		fail()
	}
}

func TestPanicGoexitAndPanicNilAreReportedAndRedelivered(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		r := &recorder{seen: map[string][]int{}, handled: map[[2]any]int{}, applied: map[[2]any]bool{}, failOnce: map[[2]any]func(){
			{"a", 3}: func() { panic("boom") },
			{"b", 5}: runtime.Goexit,
			{"c", 7}: func() { panic(nil) },
		}}
		var reported atomic.Int32
		ctx := context.Background()
		// The server's goroutines for the stream and its consumers stay
		// until the server stops: make them before the baseline.
		warm, err := OpenStream(ctx, testConfig(url, 1), r.handle, Hooks[string, int]{})
		if err != nil {
			t.Fatalf("OpenStream() = %v", err)
		}
		if err := warm.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		before := runtime.NumGoroutine()
		s, err := OpenStream(ctx, testConfig(url, 1), r.handle, Hooks[string, int]{
			OnPanic: func(*tame.PanicError) { reported.Add(1) },
		})
		if err != nil {
			t.Fatalf("OpenStream() = %v", err)
		}
		keys := []string{"a", "b", "c"}
		for v := range 10 {
			for _, k := range keys {
				if err := s.Push(ctx, k, v); err != nil {
					t.Fatalf("Push(%q, %d) = %v", k, v, err)
				}
			}
		}
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		err = s.Shutdown(sctx)
		leaktest.Back(t, before)

		var pe *tame.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("Shutdown() = %v, want the handler's panics", err)
		}
		for _, want := range []string{"boom", tame.ErrGoexit.Error(), "panic called with nil"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Shutdown() = %q, want it to contain %q", err, want)
			}
		}
		if n := reported.Load(); n != 3 {
			t.Errorf("OnPanic called %d times, want 3", n)
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, k := range keys {
			if got, want := r.seen[k], []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}; !equalInts(got, want) {
				t.Errorf("key %q handled in the order %v, want %v", k, got, want)
			}
		}
		for _, kv := range [][2]any{{"a", 3}, {"b", 5}, {"c", 7}} {
			if delivered := r.handled[kv]; delivered < 2 {
				t.Errorf("%v delivered %d times, want at least 2 (the failed delivery and the redelivery)", kv, delivered)
			}
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUnreachableServerIsAnErrorAtOnce(t *testing.T) {
	url, err := unusedURL()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = OpenStream(ctx, testConfig(url, 1), func(string, int) {}, Hooks[string, int]{})
	if err == nil || !strings.Contains(err.Error(), "connect to "+url) {
		t.Errorf("OpenStream(%s) = %v, want an error naming the URL", url, err)
	}
	if ctx.Err() != nil {
		t.Errorf("OpenStream took until the context's deadline; want the refused connection reported at once")
	}

	cancel()
	_, err = OpenStream(ctx, testConfig(url, 1), func(string, int) {}, Hooks[string, int]{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("OpenStream with a done context = %v, want context.Canceled", err)
	}
}

// A server that takes the connection and never speaks does not hang the
// setup: it gives up at the context's deadline.
func TestSilentServerGivesUpAtTheDeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	defer func() {
		ln.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = OpenStream(ctx, testConfig("nats://"+ln.Addr().String(), 1), func(string, int) {}, Hooks[string, int]{})
	if err == nil {
		t.Fatal("OpenStream on a silent server succeeded")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("OpenStream on a silent server returned after %v, want about the context's 500ms", took)
	}
}

func TestStreamWithOtherSettingsIsRefused(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		nc, err := nats.Connect(url)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"other.*"}}); err != nil {
			t.Fatal(err)
		}
		_, err = OpenStream(ctx, testConfig(url, 1), func(string, int) {}, Hooks[string, int]{})
		if !errors.Is(err, ErrStreamSettings) {
			t.Fatalf("OpenStream() = %v, want ErrStreamSettings", err)
		}
		if want := `subjects ["other.*"], want ["t.*"]`; !strings.Contains(err.Error(), want) {
			t.Errorf("OpenStream() = %q, want it to say %s", err, want)
		}
	})
}

func TestSameSettingsReopenAndUpdateTheConsumers(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cfg := testConfig(url, 1)
		for _, ackWait := range []time.Duration{testAckWait, 2 * testAckWait} {
			cfg.AckWait = ackWait
			s, err := OpenStream(ctx, cfg, func(string, int) {}, Hooks[string, int]{})
			if err != nil {
				t.Fatalf("OpenStream(AckWait %v) = %v, want nil", ackWait, err)
			}
			c, err := s.js.Consumer(ctx, cfg.Stream, s.durable(0))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.CachedInfo().Config.AckWait; got != ackWait {
				t.Errorf("consumer AckWait = %v, want %v", got, ackWait)
			}
			if err := s.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown() = %v", err)
			}
		}
		cfg.Partitions++
		if _, err := OpenStream(ctx, cfg, func(string, int) {}, Hooks[string, int]{}); !errors.Is(err, ErrStreamSettings) {
			t.Errorf("OpenStream with another partition count = %v, want ErrStreamSettings", err)
		}
	})
}

func TestUndecodableItemIsTerminatedAndReported(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var got []int
		s, err := OpenStream(ctx, testConfig(url, 1), func(_ string, v int) { got = append(got, v) }, Hooks[string, int]{})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := partition("k", 2)
		if _, err := s.js.Publish(ctx, s.subject(p), []byte("not json")); err != nil {
			t.Fatal(err)
		}
		if err := s.Push(ctx, "k", 1); err != nil {
			t.Fatal(err)
		}
		// The partition hands out one delivery at a time: the bad item came
		// first, so Shutdown, which waits for the good one, sees it reported.
		err = s.Shutdown(ctx)
		if err == nil || !strings.Contains(err.Error(), "cannot be decoded, terminated") {
			t.Errorf("Shutdown() = %v, want the undecodable item reported", err)
		}
		if len(got) != 1 || got[0] != 1 {
			t.Errorf("handled %v, want [1]", got)
		}
	})
}

func TestPushRefuses(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s, err := OpenStream(ctx, testConfig(url, 1), func(string, any) {}, Hooks[string, any]{})
		if err != nil {
			t.Fatal(err)
		}
		done, stop := context.WithCancel(ctx)
		stop()
		if err := s.Push(done, "k", 1); !errors.Is(err, context.Canceled) {
			t.Errorf("Push with a done context = %v, want context.Canceled", err)
		}
		if err := s.Push(ctx, "k", func() {}); err == nil {
			t.Errorf("Push of a value JSON cannot encode = nil, want an error")
		}
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
		if err := s.Push(ctx, "k", 1); !errors.Is(err, tame.ErrClosed) {
			t.Errorf("Push after Shutdown = %v, want tame.ErrClosed", err)
		}
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("second Shutdown() = %v, want nil", err)
		}
	})
}

func TestShutdownReturnsWhenNoConsumerIsLeft(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		s, err := OpenStream(ctx, testConfig(url, 1), func(string, int) {}, Hooks[string, int]{
			CrashBeforeAck: func(string, int) bool { return true },
		})
		if err != nil {
			t.Fatal(err)
		}
		for v := range 3 {
			if err := s.Push(ctx, "k", v); err != nil {
				t.Fatal(err)
			}
		}
		err = s.Shutdown(ctx)
		if err == nil || !strings.Contains(err.Error(), "no consumer left alive") {
			t.Errorf("Shutdown() = %v, want it to say no consumer is left", err)
		}
		if ctx.Err() != nil {
			t.Errorf("Shutdown waited for the context's deadline")
		}
	})
}

func TestShutdownGivesUpAtTheContext(t *testing.T) {
	withBroker(t, func(t *testing.T, url string) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		// A handler that always panics: the item is never acknowledged.
		s, err := OpenStream(ctx, testConfig(url, 1), func(string, int) { panic("poison") }, Hooks[string, int]{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Push(ctx, "k", 1); err != nil {
			t.Fatal(err)
		}
		done, stop := context.WithCancel(ctx)
		stop()
		err = s.Shutdown(done)
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "1 accepted items not acknowledged stay in the stream") {
			t.Errorf("Shutdown(done ctx) = %v, want context.Canceled and the item counted", err)
		}
	})
}

func TestMisusePanicsAtTheCallSite(t *testing.T) {
	ok := testConfig("nats://127.0.0.1:1", 1)
	for _, tc := range []struct {
		name   string
		cfg    func(c *Config)
		handle func(string, int)
		want   string
	}{
		{"nil handle", func(*Config) {}, nil, "jetstream: OpenStream called with a nil handle"},
		{"no partition", func(c *Config) { c.Partitions = 0 }, func(string, int) {}, "jetstream: Partitions must be at least 1, got 0"},
		{"no consumer", func(c *Config) { c.Consumers = 0 }, func(string, int) {}, "jetstream: Consumers must be at least 1, got 0"},
		{"no AckWait", func(c *Config) { c.AckWait = 0 }, func(string, int) {}, "jetstream: AckWait must be positive, got 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.cfg(&cfg)
			defer func() {
				if got := recover(); got != tc.want {
					t.Errorf("OpenStream panicked with %v, want %q", got, tc.want)
				}
			}()
			OpenStream(context.Background(), cfg, tc.handle, Hooks[string, int]{})
		})
	}
}

// The partition of a key is a pure function of the key's encoding: the
// values below are the same in every process (a per-process seed would
// move them).
func TestPartitionIsStableAcrossProcesses(t *testing.T) {
	for _, tc := range []struct {
		key  string
		n    int
		want int
	}{
		{"acct-0", 4, 3}, {"acct-1", 4, 2}, {"acct-2", 4, 1}, {"acct-3", 4, 0},
		{"acct-4", 4, 3}, {"acct-5", 4, 2}, {"acct-6", 4, 1}, {"acct-7", 4, 0},
	} {
		if got, err := partition(tc.key, tc.n); err != nil || got != tc.want {
			t.Errorf("partition(%q, %d) = %d, %v, want %d", tc.key, tc.n, got, err, tc.want)
		}
	}
	if _, err := partition(make(chan int), 4); err == nil {
		t.Errorf("partition of a key JSON cannot encode = nil error, want one")
	}
}
