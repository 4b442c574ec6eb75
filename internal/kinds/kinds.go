// Package kinds answers questions about what values of a type may hold,
// for the components that choose their work by type once, when made.
package kinds

import "reflect"

// MayPoint reports whether values of type t may hold pointers (which keep
// memory alive).
func MayPoint(t reflect.Type) bool {
	return Holds(t, func(k reflect.Kind) bool {
		switch k {
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
			return false
		}
		return true
	})
}

// Holds reports whether a value of type t may hold a part (t itself, an
// element of an array, a field of a struct, recursively) of a kind that
// leaf reports true for.
func Holds(t reflect.Type, leaf func(reflect.Kind) bool) bool {
	switch t.Kind() {
	case reflect.Array:
		return t.Len() > 0 && Holds(t.Elem(), leaf)
	case reflect.Struct:
		for i := range t.NumField() {
			if Holds(t.Field(i).Type, leaf) {
				return true
			}
		}
		return false
	}
	return leaf(t.Kind())
}
