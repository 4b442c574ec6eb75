package kinds

import (
	"reflect"
	"testing"
)

func TestMayPoint(t *testing.T) {
	type plain struct {
		_ int
		_ [3]float64
		_ struct{ _ bool }
	}
	type withPtr struct {
		_ int
		_ *int
	}
	for _, c := range []struct {
		t    reflect.Type
		want bool
	}{
		{reflect.TypeFor[int](), false},
		{reflect.TypeFor[plain](), false},
		{reflect.TypeFor[[0]*int](), false},
		{reflect.TypeFor[struct{}](), false},
		{reflect.TypeFor[string](), true},
		{reflect.TypeFor[[]int](), true},
		{reflect.TypeFor[withPtr](), true},
		{reflect.TypeFor[[2]withPtr](), true},
		{reflect.TypeFor[any](), true},
		{reflect.TypeFor[map[int]int](), true},
		{reflect.TypeFor[func()](), true},
		{reflect.TypeFor[chan int](), true},
	} {
		if got := MayPoint(c.t); got != c.want {
			t.Errorf("MayPoint(%v) = %v, want %v", c.t, got, c.want)
		}
	}
}

func TestHoldsInterface(t *testing.T) {
	isIface := func(k reflect.Kind) bool { return k == reflect.Interface }
	type key struct {
		_ int
		_ any
	}
	if !Holds(reflect.TypeFor[key](), isIface) {
		t.Error("a struct with an interface field: Holds = false")
	}
	if Holds(reflect.TypeFor[[4]string](), isIface) {
		t.Error("an array of strings: Holds = true")
	}
}
