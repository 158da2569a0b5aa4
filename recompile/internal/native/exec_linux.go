//go:build linux

package native

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The mappings are made and unmapped through the pointer forms, so that
// parts of one mapping can be unmapped separately.

func mmap(size int) ([]byte, error) {
	p, err := unix.MmapPtr(-1, 0, nil, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return nil, err
	}
	return unsafe.Slice((*byte)(p), size), nil
}

func munmap(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	return unix.MunmapPtr(unsafe.Pointer(unsafe.SliceData(b)), uintptr(len(b)))
}

// Code is a block of memory for generated code: reserved writable (Reserve),
// filled, then sealed read+execute (Seal). It is never writable and
// executable at once.
type Code struct {
	mem  []byte   // the whole reservation (until sealed)
	kept [][]byte // the sealed parts, for Release
	base uintptr
}

var pageSize = unix.Getpagesize()

func roundPage(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }

// Reserve maps size bytes of writable memory (untouched pages cost nothing).
func Reserve(size int) (*Code, error) {
	size = max(roundPage(size), pageSize)
	mem, err := mmap(size)
	if err != nil {
		return nil, fmt.Errorf("map code: %w", err)
	}
	return &Code{mem: mem, base: addrOf(mem)}, nil
}

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14).
const madvPopulateWrite = 23

// Prefault maps in the pages of [start, end) of the reservation in one go,
// which is cheaper than taking a page fault on each as code is written.
// It is only an optimisation: errors (older kernels) are ignored.
func (c *Code) Prefault(start, end int) {
	start, end = start&^(pageSize-1), min(roundPage(end), len(c.mem))
	if end > start {
		_ = unix.Madvise(c.mem[start:end], madvPopulateWrite)
	}
}

// Writable is the reserved memory, to be filled before Seal.
func (c *Code) Writable() []byte { return c.mem }

// Seal makes the parts [start, end) of the reservation read+execute and
// unmaps the rest. Parts must be in increasing order; parts that share a
// page once rounded out to pages are merged.
func (c *Code) Seal(parts ...[2]int) error {
	if c.mem == nil {
		return fmt.Errorf("code already sealed")
	}
	pos := 0
	unmap := func(from, to int) error {
		if to > from {
			return munmap(c.mem[from:to])
		}
		return nil
	}
	var err error
	for _, p := range parts {
		// Parts that share a page once rounded out are kept once: a page
		// in two kept slices would be unmapped twice by Release, and the
		// second munmap could hit a mapping another compile has made there
		// in between.
		start, end := max(p[0]&^(pageSize-1), pos), roundPage(p[1])
		if end <= start {
			continue
		}
		if err == nil {
			err = unmap(pos, start)
		}
		part := c.mem[start:end]
		if err == nil {
			err = unix.Mprotect(part, unix.PROT_READ|unix.PROT_EXEC)
		}
		c.kept = append(c.kept, part)
		pos = end
	}
	if err == nil {
		err = unmap(pos, len(c.mem))
	}
	c.mem = nil
	if err != nil {
		c.Release()
		return fmt.Errorf("seal code: %w", err)
	}
	return nil
}

// NewCode copies code into fresh pages, then makes them read+execute.
func NewCode(code []byte) (*Code, error) {
	c, err := Reserve(len(code))
	if err != nil {
		return nil, err
	}
	copy(c.mem, code)
	if err := c.Seal([2]int{0, len(code)}); err != nil {
		return nil, err
	}
	return c, nil
}

// Base is the address of the first byte of the reservation.
func (c *Code) Base() uintptr { return c.base }

// Size is the mapped size.
func (c *Code) Size() int {
	n := len(c.mem)
	for _, k := range c.kept {
		n += len(k)
	}
	return n
}

// Release unmaps the code; it must not run afterwards.
func (c *Code) Release() error {
	var err error
	if c.mem != nil {
		err = munmap(c.mem)
		c.mem = nil
	}
	for _, k := range c.kept {
		if e := munmap(k); e != nil && err == nil {
			err = e
		}
	}
	c.kept = nil
	return err
}
