package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tamego/tame"
	"github.com/tamego/tame/examples/internal/lesson"
	"github.com/tamego/tame/queue"
)

// settings are the lesson's sizes and timings.
type settings struct {
	accounts, perAccount int
	partitions           int
	ackWait              time.Duration // the redelivery delay of the JetStream run
	wait                 time.Duration // the bound on every wait for the broker
}

// chapter is the lesson, as the tour would show it; ackWait is the
// redelivery delay of the JetStream run.
func chapter(ackWait time.Duration) lesson.Chapter {
	return lesson.Chapter{
		Name:  "jetstream",
		Title: "Beyond one process: the same keyed handler on JetStream",
		Intro: "A queue.Keyed handles the items of one key one at a time, in order, and different keys in " +
			"parallel, in one process. Per-key order across processes and machines is what Kafka partitions " +
			"and NATS JetStream subjects give. Here the same handler, func(account string, d Deposit), runs " +
			"behind the same small interface twice: on a queue.Keyed, then on a JetStream stream read by two " +
			"consumers, each on its own connection, as two processes would be. The server is embedded in this " +
			"program (127.0.0.1, a random port, a temporary store), so it needs nothing but Go.",
		Run: func(ctx context.Context, w io.Writer, opt lesson.Options) error {
			set := settings{accounts: 8, perAccount: 60, partitions: 4, ackWait: ackWait, wait: 30 * time.Second}
			if opt.Quick {
				set.perAccount = 24
			}
			return runLesson(ctx, w, lesson.Checker{Verbose: opt.Verbose}, set)
		},
	}
}

// runLesson runs the lesson and writes it to w.
func runLesson(ctx context.Context, w io.Writer, c lesson.Checker, set settings) error {
	wk := newWork(set.accounts, set.perAccount)
	fault := item{wk.accounts[2], set.perAccount / 3}
	crash := item{wk.accounts[5], set.perAccount / 2}
	lesson.Wrap(w, "", fmt.Sprintf("%d accounts, %d deposits each, pushed round after round by one producer. "+
		"The handler applies a deposit once per (account, seq), so a second delivery changes nothing, "+
		"and it panics the first time it meets %v (a transient fault).", len(wk.accounts), wk.perAccount, fault))

	fmt.Fprintf(w, "\n1. In this process: queue.Keyed, 4 workers\n")
	if err := inProcess(ctx, w, &c, wk, fault); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n2. Through JetStream: one stream, %d partitions, 2 consumers\n", set.partitions)
	b, err := startBroker(set.wait)
	if err != nil {
		return err
	}
	err = errors.Join(
		throughBroker(ctx, w, &c, b.URL(), set, wk, fault, crash),
		faults(ctx, w, &c, b.URL(), set))
	if stopErr := b.Stop(); stopErr != nil {
		err = errors.Join(err, stopErr)
	}
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\nWhat changed")
	lesson.Wrap(w, "  ", "In one process, an item Push accepted is handled exactly once, and a panic "+
		"skips it: the queue goes on, Close returns the panic, retrying is the program's choice. "+
		"Through a broker, delivery is at least once: the consumer acknowledges after handling, and "+
		"whatever was not acknowledged (a dead consumer's item, a panicked one) comes back. So the "+
		"handler must be idempotent: here (account, seq) is the deposit's identity and a second "+
		"delivery is absorbed. Order per key holds because each partition lets one delivery at a time "+
		"go unacknowledged, and the key-to-subject function (FNV-1a of the key) gives the same "+
		"partition in every process, as hash/maphash, seeded per process, would not.")
	fmt.Fprintln(w)
	return c.Done(w)
}

// push hands every deposit of wk to line, round after round.
func push(ctx context.Context, line Line[string, Deposit], wk work) error {
	for seq := 1; seq <= wk.perAccount; seq++ {
		for i, acct := range wk.accounts {
			if err := line.Push(ctx, acct, Deposit{Seq: seq, Cents: cents(i, seq)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func inProcess(ctx context.Context, w io.Writer, c *lesson.Checker, wk work, fault item) error {
	l := newLedger(fault)
	var reported atomic.Int32
	q := queue.NewKeyed(4, 64, l.Apply, queue.OnPanic(func(*tame.PanicError) { reported.Add(1) }))
	err := push(ctx, q, wk)
	closed := q.Close() // waits until every accepted deposit was handled
	if err != nil {
		return err
	}
	t := l.tally(wk)
	say(w, "applied %d of %d deposits; duplicates: %d, out of order: %d.",
		t.applied, wk.total(), t.duplicates, t.outOfOrder)
	say(w, "The handler panicked on %v: OnPanic was told %d time(s), the account's next deposit was "+
		"handled, and nothing retries %v. Close returned:", fault, reported.Load(), fault)
	quote(w, closed)
	c.Check(w, t.applied == wk.total()-1 && slices.Equal(t.missing, []item{fault}) &&
		maps.Equal(t.balances, wk.balances(fault)),
		"every deposit applied exactly once but the one that panicked")
	c.Check(w, t.duplicates == 0 && t.outOfOrder == 0, "no duplicate, each account's deposits in order")
	var pe *tame.PanicError
	c.Check(w, reported.Load() == 1 && errors.As(closed, &pe), "the panic was reported at once and returned by Close")
	return nil
}

func throughBroker(ctx context.Context, w io.Writer, c *lesson.Checker, url string, set settings, wk work, fault, crash item) error {
	l := newLedger(fault)
	var reported atomic.Int32
	var crashed atomic.Bool
	cfg := Config{URL: url, Stream: "DEPOSITS", Subject: "deposits", Partitions: set.partitions, Consumers: 2, AckWait: set.ackWait}
	octx, cancel := context.WithTimeout(ctx, set.wait)
	s, err := OpenStream(octx, cfg, l.Apply, Hooks[string, Deposit]{
		OnPanic: func(*tame.PanicError) { reported.Add(1) },
		// The consumer that applies the crash deposit dies before acknowledging it.
		CrashBeforeAck: func(acct string, d Deposit) bool {
			return (item{acct, d.Seq}) == crash && crashed.CompareAndSwap(false, true)
		},
	})
	cancel()
	if err != nil {
		return err
	}
	routes := make([][]string, cfg.Partitions)
	for _, acct := range wk.accounts {
		p, _ := partition(acct, cfg.Partitions) // a string always encodes
		routes[p] = append(routes[p], acct)
	}
	if c.Verbose {
		fmt.Fprintf(w, "  subject of a key: FNV-1a of the key, modulo %d\n", cfg.Partitions)
		for p, accts := range routes {
			fmt.Fprintf(w, "    %s: %s\n", s.subject(p), strings.Join(accts, " "))
		}
	}

	start := time.Now()
	err = push(ctx, s, wk)
	// Through a broker a wait can be long (a redelivery waits for AckWait),
	// so it is bounded.
	sctx, cancel := context.WithTimeout(ctx, set.wait)
	shut := s.Shutdown(sctx)
	cancel()
	if err != nil {
		return errors.Join(err, shut)
	}
	took := time.Since(start)

	t := l.tally(wk)
	redelivered := 0
	for _, cs := range s.Consumers() {
		redelivered += cs.Redelivered
		fate := "alive to the end"
		if cs.Crashed {
			fate = fmt.Sprintf("killed after applying %v, before acknowledging it", crash)
		}
		say(w, "consumer %d: %d deliveries (%d of them again) of %d accounts, %d acknowledged; %s.",
			cs.ID, cs.Delivered, cs.Redelivered, cs.Keys, cs.Acked, fate)
	}
	say(w, "The handler panicked on %v: OnPanic was told %d time(s); not acknowledged, it came back "+
		"after AckWait (%v).", fault, reported.Load(), set.ackWait)
	say(w, "applied %d of %d deposits in %v; duplicates absorbed: %d (%v: %d); out of order: %d; gaps: %d.",
		t.applied, wk.total(), lesson.Dur(took), t.duplicates, crash, t.dups[crash], t.outOfOrder, t.gaps)
	say(w, "Shutdown returned:")
	quote(w, shut)

	cs := s.Consumers()
	c.Check(w, t.applied == wk.total() && len(t.missing) == 0 && maps.Equal(t.balances, wk.balances()),
		"every deposit applied exactly once, the panicked one included")
	c.Check(w, t.outOfOrder == 0 && t.gaps == 0, "each account's deposits applied in order")
	c.Check(w, crashed.Load() && t.dups[crash] >= 1, "the killed consumer's deposit was delivered again and absorbed as a duplicate")
	c.Check(w, t.duplicates <= redelivered, "every duplicate came from a redelivery (%d <= %d)", t.duplicates, redelivered)
	var pe *tame.PanicError
	c.Check(w, reported.Load() == 1 && errors.As(shut, &pe) && pe.Value != nil, "the panic was reported at once and returned by Shutdown")
	c.Check(w, len(cs) == 2 && cs[0].Delivered > 0 && cs[1].Delivered > 0 && cs[0].Crashed != cs[1].Crashed,
		"both consumers handled deposits; exactly one was killed")
	return nil
}

// faults shows the two ways the setup fails: a stream that exists with
// other settings, and a server nobody listens for.
func faults(ctx context.Context, w io.Writer, c *lesson.Checker, url string, set settings) error {
	fmt.Fprintln(w, "\n3. Faults")
	noop := func(string, Deposit) {}
	octx, cancel := context.WithTimeout(ctx, set.wait)
	defer cancel()
	cfg := Config{URL: url, Stream: "DEPOSITS", Subject: "deposits", Partitions: set.partitions + 1, Consumers: 1, AckWait: set.ackWait}
	s, err := OpenStream(octx, cfg, noop, Hooks[string, Deposit]{})
	if err == nil {
		return errors.Join(errors.New("OpenStream with another partition count succeeded"), s.Close())
	}
	say(w, "The stream again, with %d partitions:", cfg.Partitions)
	quote(w, err)
	c.Check(w, errors.Is(err, ErrStreamSettings), "a stream that exists with other settings is refused with a clear error")

	cfg.URL, err = unusedURL()
	if err != nil {
		return err
	}
	start := time.Now()
	s, err = OpenStream(octx, cfg, noop, Hooks[string, Deposit]{})
	took := time.Since(start)
	if err == nil {
		return errors.Join(errors.New("OpenStream on a port nobody listens on succeeded"), s.Close())
	}
	say(w, "A server nobody listens for, after %v:", lesson.Dur(took))
	quote(w, err)
	c.Check(w, octx.Err() == nil, "the server not reachable is an error before the setup's deadline")
	return nil
}

// say writes a paragraph of the lesson, indented.
func say(w io.Writer, format string, args ...any) {
	lesson.Wrap(w, "  ", fmt.Sprintf(format, args...))
}

// quote writes what err says, each of its lines wrapped under the previous
// paragraph.
func quote(w io.Writer, err error) {
	for line := range strings.SplitSeq(fmt.Sprint(err), "\n") {
		lesson.WrapHanging(w, "    ", "      ", line)
	}
}

// unusedURL returns the URL of a port of 127.0.0.1 that nothing listens on
// (it was free a moment ago).
func unusedURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return "nats://" + addr, nil
}
