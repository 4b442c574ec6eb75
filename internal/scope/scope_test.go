package scope_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/tamego/tame"
	"github.com/tamego/tame/internal/leaktest"
	"github.com/tamego/tame/internal/scope"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	errA = errors.New("a")
	errB = errors.New("b")
)

func TestFirstErrorCancels(t *testing.T) {
	base := runtime.NumGoroutine()
	s := scope.New(context.Background(), scope.FirstError)
	s.Go(func() error {
		<-s.Context().Done()
		return errB // later: dropped
	})
	s.Go(func() error { return errA })
	if err := s.Wait(); err != errA {
		t.Fatalf("Wait() = %v, want %v", err, errA)
	}
	if c := context.Cause(s.Context()); c != errA {
		t.Errorf("context.Cause = %v, want %v", c, errA)
	}
	if err := s.Wait(); err != errA {
		t.Errorf("second Wait() = %v, want %v", err, errA)
	}
	leaktest.Back(t, base)
}

func TestJoinErrorsInOrder(t *testing.T) {
	s := scope.New(context.Background(), scope.JoinErrors)
	s.Fail(errA)
	s.Fail(nil)
	s.Fail(errB)
	if s.Context().Err() != nil {
		t.Fatal("an error cancelled a scope that joins errors")
	}
	err := s.Wait()
	if !errors.Is(err, errA) || !errors.Is(err, errB) || err.Error() != "a\nb" {
		t.Errorf("Wait() = %q, want a then b joined", err)
	}
}

func TestSkipReturnsCause(t *testing.T) {
	cause := errors.New("stop")
	parent, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	s := scope.New(parent, scope.FirstError)
	s.Skip()
	s.Skip()
	if err := s.Wait(); err != cause {
		t.Errorf("Wait() = %v, want the cause %v", err, cause)
	}
	s = scope.New(context.Background(), scope.FirstError)
	s.Fail(errA)
	s.Skip() // the error came first
	if err := s.Wait(); err != errA {
		t.Errorf("Wait() = %v, want %v", err, errA)
	}
}

func TestPanicsWinAndAreKept(t *testing.T) {
	kinds := []func(){
		func() { panic("first") },
		func() { panic(nil) },
		func() { runtime.Goexit() },
	}
	base := runtime.NumGoroutine()
	s := scope.New(context.Background(), scope.JoinErrors)
	s.Fail(errA)
	s.Go(func() error { kinds[0](); return nil })
	<-s.Context().Done() // a panic cancels, also when errors are joined
	for _, k := range kinds[1:] {
		s.Go(func() error { k(); return nil })
	}
	for range 2 { // Wait re-panics the same way every time
		func() {
			defer func() {
				pe, ok := recover().(*tame.PanicError)
				if !ok || pe.Value != "first" || len(pe.Later) != 2 {
					t.Fatalf("Wait panicked with %v, want the first panic and 2 later", pe)
				}
				var pne *runtime.PanicNilError
				if !errors.As(pe.Later[0], &pne) && !errors.As(pe.Later[1], &pne) {
					t.Errorf("Later = %v, want a panic(nil) among them", pe.Later)
				}
				if pe.Later[0].Value != tame.ErrGoexit && pe.Later[1].Value != tame.ErrGoexit {
					t.Errorf("Later = %v, want a Goexit among them", pe.Later)
				}
			}()
			_ = s.Wait()
			t.Fatal("Wait returned, want a panic")
		}()
	}
	leaktest.Back(t, base)
}

func TestStoppedBeforeTheContextIsDone(t *testing.T) {
	fails := map[string]func(s *scope.Scope){
		"Fail":  func(s *scope.Scope) { s.Fail(errA) },
		"Panic": func(s *scope.Scope) { s.Panic(&tame.PanicError{Value: "p"}) },
		"Wait":  func(s *scope.Scope) { _ = s.Wait() },
	}
	for name, fail := range fails {
		t.Run(name, func(t *testing.T) {
			s := scope.New(context.Background(), scope.FirstError)
			if s.Stopped() || s.State() != 0 {
				t.Fatalf("a new scope: Stopped() = true, State() = %d, want false and 0", s.State())
			}
			saw := make(chan bool)
			go func() {
				<-s.Context().Done()
				saw <- s.Stopped()
			}()
			fail(s)
			if !<-saw {
				t.Error("the context was done and Stopped() = false: want Stopped set before the cancel")
			}
			s.Settle()
		})
	}
	s := scope.New(context.Background(), scope.JoinErrors)
	s.Fail(errA)
	if s.Stopped() {
		t.Error("an error stopped a scope that joins errors")
	}
	_ = s.Wait()
}

func TestParentEndStops(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	cancel()
	if s := scope.New(parent, scope.FirstError); !s.Stopped() {
		t.Error("New with a done parent: Stopped() = false, want true at once")
	}
	base := runtime.NumGoroutine()
	parent, cancel = context.WithCancel(context.Background())
	s := scope.New(parent, scope.FirstError)
	if !s.Add(1) {
		t.Fatal("Add(1) = false before Wait")
	}
	stopped := make(chan bool)
	go func() {
		defer s.Done()
		<-s.Context().Done()
		deadline := time.Now().Add(leaktest.Settle)
		for !s.Stopped() && time.Now().Before(deadline) { // the AfterFunc sets it
			runtime.Gosched()
		}
		stopped <- s.Stopped()
	}()
	cancel()
	if !<-stopped {
		t.Error("the parent ended and Stopped() = false, want true")
	}
	if err := s.Wait(); err != nil {
		t.Errorf("Wait() = %v, want nil: nothing failed and nothing was skipped", err)
	}
	leaktest.Back(t, base) // the AfterFunc's goroutine too
}

func TestMarkAndState(t *testing.T) {
	const mine = scope.Stopped << 1
	s := scope.New(context.Background(), scope.FirstError)
	s.Mark(mine)
	if s.State() != mine || s.Stopped() {
		t.Errorf("after Mark: State() = %d, Stopped() = %v, want %d and false", s.State(), s.Stopped(), mine)
	}
	_ = s.Wait()
	if s.State() != mine|scope.Stopped {
		t.Errorf("after Wait: State() = %d, want %d", s.State(), mine|scope.Stopped)
	}
	defer func() {
		if recover() == nil {
			t.Error("Mark(Stopped) did not panic")
		}
	}()
	s.Mark(scope.Stopped)
}

func TestFirstCause(t *testing.T) {
	t.Run("an error", func(t *testing.T) {
		s := scope.New(context.Background(), scope.FirstCause)
		s.Fail(errA)
		s.Fail(errB)
		s.Skip() // no effect
		if err := s.Wait(); err != errA {
			t.Errorf("Wait() = %v, want %v", err, errA)
		}
	})
	t.Run("the parent first", func(t *testing.T) {
		cause := errors.New("parent")
		parent, cancel := context.WithCancelCause(context.Background())
		s := scope.New(parent, scope.FirstCause)
		cancel(cause)
		s.Fail(errA) // a read that failed because of the stop: the cause stays
		for range 2 {
			if err := s.Wait(); err != cause {
				t.Errorf("Wait() = %v, want the parent's cause %v", err, cause)
			}
		}
	})
	t.Run("the parent after the work", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		s := scope.New(parent, scope.FirstCause)
		cancel()
		if err := s.Wait(); err != context.Canceled {
			t.Errorf("Wait() = %v, want %v", err, context.Canceled)
		}
	})
	t.Run("nothing", func(t *testing.T) {
		s := scope.New(context.Background(), scope.FirstCause)
		if err := s.Wait(); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
	})
}

func TestAddRefusesOnceWaited(t *testing.T) {
	s := scope.New(context.Background(), scope.FirstError)
	if !s.Add(2) {
		t.Fatal("Add(2) = false before Wait")
	}
	released := make(chan struct{})
	for range 2 {
		go func() {
			defer s.Done()
			<-released
		}()
	}
	waited := make(chan error)
	go func() { waited <- s.Wait() }()
	deadline := time.Now().Add(leaktest.Settle)
	for s.Add(1) { // Wait has not closed the scope yet
		s.Done()
		if time.Now().After(deadline) {
			t.Fatal("Add(1) = true long after Wait was called, want false")
		}
		runtime.Gosched()
	}
	select {
	case err := <-waited:
		t.Fatalf("Wait() = %v before the goroutines counted by Add ended", err)
	default:
	}
	close(released)
	if err := <-waited; err != nil {
		t.Errorf("Wait() = %v, want nil", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Go after Wait did not panic")
		}
	}()
	s.Go(func() error { return nil })
}

func TestRunInTheCallersGoroutine(t *testing.T) {
	s := scope.New(context.Background(), scope.FirstError)
	s.Run(func() error { return errA })
	s.Run(func() error { panic("p") })
	if !s.Stopped() {
		t.Error("Stopped() = false after Run recorded an error and a panic")
	}
	defer func() {
		if pe, ok := recover().(*tame.PanicError); !ok || pe.Value != "p" {
			t.Errorf("Wait panicked with %v, want the panic of Run", pe)
		}
	}()
	_ = s.Wait()
	t.Error("Wait returned, want a panic: the panic wins over the earlier error")
}

func TestSettleUnderGoexit(t *testing.T) {
	base := runtime.NumGoroutine()
	s := scope.New(context.Background(), scope.FirstError)
	ended := make(chan struct{})
	s.Go(func() error {
		<-s.Context().Done()
		close(ended)
		return nil
	})
	done := make(chan bool)
	go func() {
		defer func() { done <- isClosed(ended) }()
		defer s.Settle() // runs while the goroutine exits: waits, does not re-panic
		s.Run(func() error { runtime.Goexit(); return nil })
	}()
	if !<-done {
		t.Error("Settle returned before the other goroutine of the scope ended")
	}
	defer func() {
		if pe, ok := recover().(*tame.PanicError); !ok || pe.Value != tame.ErrGoexit {
			t.Errorf("Wait panicked with %v, want the Goexit", pe)
		}
		leaktest.Back(t, base)
	}()
	_ = s.Wait()
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
