//go:build !cgo

package main

import "testing"

func TestCABI(t *testing.T) {
	t.Skip("cgo is disabled (CGO_ENABLED=0 or cross-compiling): the pvm.h library and its C and Python tests need it")
}
