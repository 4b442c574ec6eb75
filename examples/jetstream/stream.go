package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// Config names a keyed line on JetStream and how it is delivered.
type Config struct {
	URL        string        // the NATS server, e.g. "nats://127.0.0.1:4222"
	Stream     string        // the stream's name
	Subject    string        // the subject prefix: the items of partition p go to Subject.p
	Partitions int           // how many ordered lines the keys are spread over; part of the stream's identity
	Consumers  int           // consumers OpenStream starts, each on its own connection
	AckWait    time.Duration // how long a delivery may go unacknowledged before it is delivered again
}

// Hooks are what the program observes and injects. Both may be nil.
type Hooks[K comparable, T any] struct {
	// OnPanic is called at once with every panic (and runtime.Goexit) of the
	// handler, on the goroutine that recovered it. Shutdown returns them too.
	OnPanic func(*tame.PanicError)
	// CrashBeforeAck is a fault injection: it is called after the handler
	// returned and before the acknowledgement; when it returns true, the
	// consumer that handled the item dies there, as a process killed at that
	// instant would: its connection drops, and neither this item nor any
	// other it holds is acknowledged.
	CrashBeforeAck func(key K, v T) bool
}

// ErrStreamSettings is wrapped by OpenStream when a stream of the same name
// already exists with other settings.
var ErrStreamSettings = errors.New("stream exists with other settings")

// A Stream is a [Line] on NATS JetStream. Push publishes the item to the
// subject of its key's partition and returns once the server has stored it.
// Each partition is read by one durable consumer that lets one delivery at a
// time go unacknowledged, so a partition's items, and so each key's, are
// handled one at a time and in order, also when a delivery is repeated; the
// partitions are handled in parallel. Unlike a queue.Keyed, where a slow key
// holds up only its own line, a slow item holds up every key of its
// partition, as in a Kafka partition. Every consumer connection of the
// Stream pulls from every partition: when one dies, the others take over
// its partitions once its unacknowledged deliveries time out.
//
// Delivery is at least once: the handler is called, then the item is
// acknowledged. An item whose acknowledgement did not reach the server
// within AckWait is delivered again: after its consumer died, after a
// panic, or when the handler ran longer than AckWait (then the second
// delivery may run while the first one still does). The handler must be
// idempotent, and safe for concurrent calls.
//
// A Stream is safe for concurrent use. Its connections do not reconnect: in
// this program a dropped connection is a dead consumer.
type Stream[K comparable, T any] struct {
	cfg     Config
	handle  func(K, T)
	hooks   Hooks[K, T]
	nc      *nats.Conn // the producer's connection
	js      jetstream.JetStream
	members []*member[K, T]
	panics  catch.Collector

	mu       sync.Mutex
	closed   bool
	pushing  int             // Pushes waiting for the server's answer
	waiting  map[uint64]bool // stream sequences accepted and not acknowledged yet
	acked    map[uint64]bool // stream sequences acknowledged (before or after their Push returned); it grows with the items
	faults   []error         // items that could not be decoded, partitions a consumer stopped reading
	progress chan struct{}   // capacity 1: a Push ended, an item was acknowledged, or a consumer died

	stopOnce sync.Once
}

// envelope is an item as stored in the stream.
type envelope[K comparable, T any] struct {
	Key   K `json:"key"`
	Value T `json:"value"`
}

// OpenStream connects to cfg.URL, makes the stream and one durable consumer
// per partition (or finds the stream made with the same settings, and
// updates the consumers to these), and starts cfg.Consumers consumers that
// call handle. ctx bounds the setup only. A server that cannot be reached
// is an error, as soon as the connection is refused or ctx is done.
//
// OpenStream panics when handle is nil, when cfg.Partitions or cfg.Consumers
// is below 1, or when cfg.AckWait is not positive.
func OpenStream[K comparable, T any](ctx context.Context, cfg Config, handle func(K, T), hooks Hooks[K, T]) (*Stream[K, T], error) {
	switch {
	case handle == nil:
		panic("jetstream: OpenStream called with a nil handle")
	case cfg.Partitions < 1:
		panic(fmt.Sprintf("jetstream: Partitions must be at least 1, got %d", cfg.Partitions))
	case cfg.Consumers < 1:
		panic(fmt.Sprintf("jetstream: Consumers must be at least 1, got %d", cfg.Consumers))
	case cfg.AckWait <= 0:
		panic(fmt.Sprintf("jetstream: AckWait must be positive, got %v", cfg.AckWait))
	}
	nc, err := connect(ctx, cfg.URL, cfg.Stream+" producer")
	if err != nil {
		return nil, err
	}
	s := &Stream[K, T]{
		cfg: cfg, handle: handle, hooks: hooks, nc: nc,
		waiting:  make(map[uint64]bool),
		acked:    make(map[uint64]bool),
		progress: make(chan struct{}, 1),
	}
	if s.js, err = jetstream.New(nc); err == nil {
		err = s.setup(ctx)
	}
	if err == nil {
		err = s.watchAcks(ctx)
	}
	for id := 1; err == nil && id <= cfg.Consumers; id++ {
		var m *member[K, T]
		if m, err = s.startMember(ctx, id); err == nil {
			s.members = append(s.members, m)
		}
	}
	if err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// connect dials url, giving up when ctx is done (the dial and the handshake
// are bounded by ctx's deadline).
func connect(ctx context.Context, url, name string) (*nats.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("jetstream: connect to %s: %w", url, err)
	}
	timeout := 5 * time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	nc, err := nats.Connect(url, nats.Name(name), nats.Timeout(timeout), nats.NoReconnect())
	if err != nil {
		return nil, fmt.Errorf("jetstream: connect to %s: %w", url, err)
	}
	return nc, nil
}

func (s *Stream[K, T]) subject(p int) string { return s.cfg.Subject + "." + strconv.Itoa(p) }

func (s *Stream[K, T]) durable(p int) string { return s.cfg.Stream + "_p" + strconv.Itoa(p) }

// setup makes the stream and the partitions' consumers. The partition count
// is in the stream's metadata: a stream made with another count would send
// keys to other partitions, so it counts as other settings.
func (s *Stream[K, T]) setup(ctx context.Context) error {
	want := jetstream.StreamConfig{
		Name:      s.cfg.Stream,
		Subjects:  []string{s.cfg.Subject + ".*"},
		Retention: jetstream.WorkQueuePolicy, // an acknowledged item leaves the stream
		Storage:   jetstream.FileStorage,
		Metadata:  map[string]string{"tame_partitions": strconv.Itoa(s.cfg.Partitions)},
	}
	_, err := s.js.CreateStream(ctx, want)
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return s.mismatch(ctx, want)
	}
	if err != nil {
		return fmt.Errorf("jetstream: create stream %q: %w", s.cfg.Stream, err)
	}
	for p := range s.cfg.Partitions {
		_, err := s.js.CreateOrUpdateConsumer(ctx, s.cfg.Stream, jetstream.ConsumerConfig{
			Durable:       s.durable(p),
			FilterSubject: s.subject(p),
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       s.cfg.AckWait,
			MaxAckPending: 1, // one delivery at a time per partition: the order of its keys holds
			// The server reports every acknowledgement it processes (see watchAcks).
			SampleFrequency: "100%",
			DeliverPolicy:   jetstream.DeliverAllPolicy,
		})
		if err != nil {
			return fmt.Errorf("jetstream: consumer %q: %w", s.durable(p), err)
		}
	}
	return nil
}

// watchAcks subscribes to the server's reports of the acknowledgements it
// processed: they are what Shutdown waits for. A consumer learns that its
// acknowledgement arrived only from the server's answer, and a consumer that
// dies between the two never learns it.
func (s *Stream[K, T]) watchAcks(ctx context.Context) error {
	subject := "$JS.EVENT.METRIC.CONSUMER.ACK." + s.cfg.Stream + ".*"
	_, err := s.nc.Subscribe(subject, func(msg *nats.Msg) {
		var ack struct {
			StreamSeq uint64 `json:"stream_seq"`
		}
		if json.Unmarshal(msg.Data, &ack) == nil && ack.StreamSeq > 0 {
			s.done(ack.StreamSeq)
		}
	})
	if err == nil {
		// Once the flush returns, the server has the subscription. The flush
		// needs a deadline: the setup's, or the dial's when it has none.
		fctx, cancel := ctx, context.CancelFunc(func() {})
		if _, ok := ctx.Deadline(); !ok {
			fctx, cancel = context.WithTimeout(ctx, s.nc.Opts.Timeout)
		}
		err = s.nc.FlushWithContext(fctx)
		cancel()
	}
	if err != nil {
		return fmt.Errorf("jetstream: subscribe to %s: %w", subject, err)
	}
	return nil
}

// mismatch says how the existing stream differs from want.
func (s *Stream[K, T]) mismatch(ctx context.Context, want jetstream.StreamConfig) error {
	have, err := s.js.Stream(ctx, want.Name)
	if err != nil {
		return fmt.Errorf("jetstream: stream %q: %w (and reading its settings failed: %v)", want.Name, ErrStreamSettings, err)
	}
	got := have.CachedInfo().Config
	var diffs []string
	if !slices.Equal(got.Subjects, want.Subjects) {
		diffs = append(diffs, fmt.Sprintf("subjects %q, want %q", got.Subjects, want.Subjects))
	}
	if got.Retention != want.Retention {
		diffs = append(diffs, fmt.Sprintf("retention %v, want %v", got.Retention, want.Retention))
	}
	if got.Storage != want.Storage {
		diffs = append(diffs, fmt.Sprintf("storage %v, want %v", got.Storage, want.Storage))
	}
	for _, k := range slices.Sorted(maps.Keys(want.Metadata)) {
		if got.Metadata[k] != want.Metadata[k] {
			diffs = append(diffs, fmt.Sprintf("metadata %s=%q, want %q", k, got.Metadata[k], want.Metadata[k]))
		}
	}
	if len(diffs) == 0 {
		diffs = append(diffs, "a setting this program does not set")
	}
	return fmt.Errorf("jetstream: stream %q: %w (%s): delete it or give this line another stream name",
		want.Name, ErrStreamSettings, strings.Join(diffs, ", "))
}

// Push publishes v to the subject of key's partition and returns nil once
// the server has stored it. It returns ctx.Err() when ctx is done first
// (then the server may have stored it or not), and an error wrapping
// tame.ErrClosed once Shutdown was called.
func (s *Stream[K, T]) Push(ctx context.Context, key K, v T) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := partition(key, s.cfg.Partitions)
	if err != nil {
		return fmt.Errorf("jetstream: Push: %w", err)
	}
	data, err := json.Marshal(envelope[K, T]{Key: key, Value: v})
	if err != nil {
		return fmt.Errorf("jetstream: Push: %w", err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return fmt.Errorf("jetstream: Push: %w", tame.ErrClosed)
	}
	s.pushing++
	s.mu.Unlock()

	ack, err := s.js.Publish(ctx, s.subject(p), data)

	s.mu.Lock()
	s.pushing--
	if err == nil && !s.acked[ack.Sequence] {
		s.waiting[ack.Sequence] = true
	}
	s.mu.Unlock()
	s.signal()
	if err != nil {
		return fmt.Errorf("jetstream: Push to %s: %w", s.subject(p), err)
	}
	return nil
}

// signal tells a waiting Shutdown that something changed.
func (s *Stream[K, T]) signal() {
	select {
	case s.progress <- struct{}{}:
	default:
	}
}

// done records that the item stored at seq was acknowledged.
func (s *Stream[K, T]) done(seq uint64) {
	s.mu.Lock()
	s.acked[seq] = true
	delete(s.waiting, seq)
	s.mu.Unlock()
	s.signal()
}

// fault records an error of a consumer that Shutdown returns.
func (s *Stream[K, T]) fault(err error) {
	s.mu.Lock()
	s.faults = append(s.faults, err)
	s.mu.Unlock()
}

func (s *Stream[K, T]) failed(pe *tame.PanicError) {
	s.panics.Add(pe)
	if s.hooks.OnPanic != nil {
		s.hooks.OnPanic(pe)
	}
}

// Shutdown stops accepting and waits until every item this Stream accepted
// was handled and acknowledged, or until ctx is done, or until no consumer
// is left alive; then it stops the consumers (each after its handler call
// in progress, if any, returned) and closes the connections. It returns the
// handler's panics and the consumers' faults (an item that could not be
// decoded, a partition a consumer stopped reading), joined, and,
// when it stopped early, an error that counts the items not acknowledged:
// they are not lost, they stay in the stream for the next consumer of it.
// Later calls wait for nothing and return only the panics and faults.
func (s *Stream[K, T]) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	early := s.drain(ctx)
	s.stop()
	s.mu.Lock()
	faults := slices.Clone(s.faults)
	s.mu.Unlock()
	return errors.Join(early, s.panics.Err(), errors.Join(faults...))
}

// Close is Shutdown with a context that is never done: like queue.Keyed's
// Close, it waits for the handler, and it returns early only when no
// consumer is left alive.
func (s *Stream[K, T]) Close() error { return s.Shutdown(context.Background()) }

// drain waits until every accepted item is acknowledged.
func (s *Stream[K, T]) drain(ctx context.Context) error {
	for {
		s.mu.Lock()
		n := s.pushing + len(s.waiting)
		s.mu.Unlock()
		if n == 0 {
			return nil
		}
		if s.alive() == 0 {
			return fmt.Errorf("jetstream: Shutdown: no consumer left alive; %d accepted items not acknowledged stay in the stream", n)
		}
		select {
		case <-s.progress:
		case <-ctx.Done():
			return fmt.Errorf("jetstream: Shutdown: %d accepted items not acknowledged stay in the stream: %w", n, context.Cause(ctx))
		}
	}
}

func (s *Stream[K, T]) alive() int {
	n := 0
	for _, m := range s.members {
		if !m.crashed.Load() {
			n++
		}
	}
	return n
}

// stop stops the consumers, waits for their goroutines, and closes every
// connection, once.
func (s *Stream[K, T]) stop() {
	s.stopOnce.Do(func() {
		for _, m := range s.members {
			m.stop()
		}
		s.nc.Close()
	})
}

// ConsumerStats describes one consumer of a Stream.
type ConsumerStats struct {
	ID          int
	Delivered   int  // deliveries taken, redeliveries included
	Redelivered int  // deliveries of an item delivered before (to any consumer)
	Acked       int  // acknowledgements the server confirmed
	Keys        int  // distinct keys among the deliveries
	Crashed     bool // killed by CrashBeforeAck
}

// Consumers returns the stats of the Stream's consumers, by ID.
func (s *Stream[K, T]) Consumers() []ConsumerStats {
	out := make([]ConsumerStats, len(s.members))
	for i, m := range s.members {
		out[i] = m.stats()
	}
	return out
}
