package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/catch"
)

// A member is one consumer of a Stream, as one process of a consumer group
// would be: its own connection, and one goroutine per partition that pulls a
// delivery, calls the handler and acknowledges it.
type member[K comparable, T any] struct {
	s       *Stream[K, T]
	id      int
	nc      *nats.Conn
	its     []jetstream.MessagesContext // one per partition
	cancel  context.CancelFunc          // ends the loops (Shutdown)
	wg      sync.WaitGroup              // the loops
	crashed atomic.Bool

	mu                            sync.Mutex
	delivered, redelivered, acked int
	keys                          map[K]bool
}

// startMember connects and starts one loop per partition.
func (s *Stream[K, T]) startMember(ctx context.Context, id int) (*member[K, T], error) {
	nc, err := connect(ctx, s.cfg.URL, fmt.Sprintf("%s consumer %d", s.cfg.Stream, id))
	if err != nil {
		return nil, err
	}
	m := &member[K, T]{s: s, id: id, nc: nc, keys: make(map[K]bool)}
	js, err := jetstream.New(nc)
	for p := 0; err == nil && p < s.cfg.Partitions; p++ {
		var c jetstream.Consumer
		var it jetstream.MessagesContext
		if c, err = js.Consumer(ctx, s.cfg.Stream, s.durable(p)); err == nil {
			// A missing heartbeat is not an error to stop on: Next goes on
			// waiting, bounded by the member's context.
			it, err = c.Messages(jetstream.WithMessagesErrOnMissingHeartbeat(false))
		}
		if err == nil {
			m.its = append(m.its, it)
		}
	}
	if err != nil {
		m.close()
		return nil, fmt.Errorf("jetstream: consumer %d: %w", id, err)
	}
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	for _, it := range m.its {
		m.wg.Go(func() { m.loop(life, it) })
	}
	return m, nil
}

// loop handles the deliveries of one partition until ctx is done or the
// member crashed.
func (m *member[K, T]) loop(ctx context.Context, it jetstream.MessagesContext) {
	for {
		msg, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() == nil && !m.crashed.Load() {
				m.s.fault(fmt.Errorf("jetstream: consumer %d stopped reading a partition: %w", m.id, err))
			}
			return
		}
		if !m.deliver(ctx, it, msg) {
			return
		}
	}
}

// deliver handles one delivery and acknowledges it. It reports whether the
// loop goes on.
func (m *member[K, T]) deliver(ctx context.Context, it jetstream.MessagesContext, msg jetstream.Msg) bool {
	meta, err := msg.Metadata()
	var env envelope[K, T]
	if err == nil {
		err = json.Unmarshal(msg.Data(), &env)
	}
	if err != nil {
		// It can never be handled: terminate it, or it would come back forever.
		m.s.fault(errors.Join(fmt.Errorf("jetstream: an item on %s cannot be decoded, terminated: %w", msg.Subject(), err), msg.Term()))
		return true
	}
	m.count(env.Key, meta.NumDelivered > 1)

	// After a runtime.Goexit in the handler this goroutine is ending: a new
	// one takes over the partition.
	goexit := func(pe *tame.PanicError) {
		m.s.failed(pe)
		m.wg.Go(func() { m.loop(ctx, it) })
	}
	if pe := catch.Call(func() { m.s.handle(env.Key, env.Value) }, goexit); pe != nil {
		m.s.failed(pe)
		return true // not acknowledged: delivered again after AckWait
	}
	if crash := m.s.hooks.CrashBeforeAck; crash != nil && crash(env.Key, env.Value) {
		m.crash()
		return false
	}
	// The item was handled: acknowledge it even when Shutdown is stopping
	// the loop, within AckWait (later, it is delivered again anyway).
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.s.cfg.AckWait)
	err = msg.DoubleAck(actx)
	cancel()
	if err != nil {
		// The server may have it or not: if not, the item comes back.
		return !m.crashed.Load()
	}
	m.mu.Lock()
	m.acked++
	m.mu.Unlock()
	m.s.done(meta.Sequence.Stream)
	return true
}

func (m *member[K, T]) count(key K, again bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.delivered++
	if again {
		m.redelivered++
	}
	m.keys[key] = true
}

// crash drops the connection at once, as the death of the process would:
// nothing this member holds is acknowledged, and its loops end.
func (m *member[K, T]) crash() {
	m.crashed.Store(true)
	m.nc.Close()
	m.s.signal()
}

// stop ends the loops, waits for them, and closes the connection.
func (m *member[K, T]) stop() {
	m.cancel()
	m.wg.Wait()
	m.close()
}

func (m *member[K, T]) close() {
	for _, it := range m.its {
		it.Stop()
	}
	m.nc.Close()
}

func (m *member[K, T]) stats() ConsumerStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return ConsumerStats{
		ID: m.id, Delivered: m.delivered, Redelivered: m.redelivered, Acked: m.acked,
		Keys: len(m.keys), Crashed: m.crashed.Load(),
	}
}
