//go:build linux

package native

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Code is a block of executable memory.
type Code struct {
	mem []byte
}

var pageSize = unix.Getpagesize()

// NewCode copies code into fresh pages, then makes them read+execute.
func NewCode(code []byte) (*Code, error) {
	size := (len(code) + pageSize - 1) &^ (pageSize - 1)
	if size == 0 {
		size = pageSize
	}
	mem, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("map code: %w", err)
	}
	copy(mem, code)
	if err := unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, fmt.Errorf("protect code: %w", err)
	}
	return &Code{mem: mem}, nil
}

// Base is the address of the first byte of code.
func (c *Code) Base() uintptr { return addrOf(c.mem) }

// Size is the mapped size.
func (c *Code) Size() int { return len(c.mem) }

// Release unmaps the code; it must not run afterwards.
func (c *Code) Release() error {
	if c.mem == nil {
		return nil
	}
	err := unix.Munmap(c.mem)
	c.mem = nil
	return err
}
