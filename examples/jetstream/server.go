package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// A broker is a NATS server with JetStream, embedded in this process so that
// the program needs nothing but Go. It listens on 127.0.0.1 only, on a port
// the system picks, and keeps its stream in a directory of its own that it
// removes when it stops.
type broker struct {
	srv *server.Server
	dir string
}

// startBroker starts the embedded server and waits, at most ready, until it
// takes connections.
func startBroker(ready time.Duration) (*broker, error) {
	dir, err := os.MkdirTemp("", "tame-jetstream-")
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	srv, err := server.NewServer(&server.Options{
		ServerName: "tame-example",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		JetStream:  true,
		StoreDir:   dir,
		NoSigs:     true,
		NoLog:      true,
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("broker: %w", err), os.RemoveAll(dir))
	}
	srv.Start()
	if !srv.ReadyForConnections(ready) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, errors.Join(fmt.Errorf("broker: not ready for connections within %v", ready), os.RemoveAll(dir))
	}
	return &broker{srv: srv, dir: dir}, nil
}

// URL returns the address clients connect to.
func (b *broker) URL() string { return b.srv.ClientURL() }

// Stop shuts the server down, waits until it has, and removes its store.
func (b *broker) Stop() error {
	b.srv.Shutdown()
	b.srv.WaitForShutdown()
	return os.RemoveAll(b.dir)
}
