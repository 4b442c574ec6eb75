package scope_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

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
	s := scope.New(context.Background(), false)
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
	s := scope.New(context.Background(), true)
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
	s := scope.New(parent, false)
	s.Skip()
	s.Skip()
	if err := s.Wait(); err != cause {
		t.Errorf("Wait() = %v, want the cause %v", err, cause)
	}
	s = scope.New(context.Background(), false)
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
	s := scope.New(context.Background(), true)
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
