package main

import (
	"testing"

	"github.com/pvmd/pvmd/server"
	"github.com/pvmd/pvmd/server/servertest"
)

// TestDemo runs the README's demo client against an in-process daemon; demo
// itself fails unless the guest halts with the right sum in memory.
func TestDemo(t *testing.T) {
	h := servertest.Start(t, server.DefaultConfig())
	if err := demo(h.Addr); err != nil {
		t.Fatal(err)
	}
}
