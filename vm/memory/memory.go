package memory

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	PageShift = 12
	PageSize  = 1 << PageShift
	NumPages  = 1 << (32 - PageShift)
	// LowLimit: every access below it panics, whatever is mapped (the GP's
	// first zone); pages below it can never be mapped.
	LowLimit = 1 << 16
	// guardBytes past 4 GiB let an 8-byte access at the top be read without
	// wrapping before its page check rejects it.
	guardBytes = PageSize
	dataBytes  = 1<<32 + guardBytes
)

// Access is what the guest may do with a page.
type Access uint8

const (
	None      Access = 0
	ReadOnly  Access = 1
	ReadWrite Access = 3
)

func (a Access) String() string {
	switch a {
	case None:
		return "none"
	case ReadOnly:
		return "read-only"
	case ReadWrite:
		return "read-write"
	}
	return fmt.Sprintf("access(%d)", uint8(a))
}

// Data and PermTable are the raw views an engine uses on its hot path. Data
// covers the whole 32-bit address space plus a guard; PermTable holds one
// Access per page.
type (
	Data      [dataBytes]byte
	PermTable [NumPages]Access
)

// Memory is a guest's 32-bit address space. It is one reservation of virtual
// memory: only pages the guest has mapped are accessible to the host process
// at all, and only pages it has touched cost physical memory.
type Memory struct {
	data   *Data
	perm   *PermTable
	dataM  []byte // the mappings, kept for munmap
	permM  []byte
	mapped uint32 // pages with access other than None
}

// New reserves an empty address space. Nothing is mapped.
func New() (*Memory, error) {
	dataM, err := unix.Mmap(-1, 0, dataBytes, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("reserve guest address space: %w", err)
	}
	// Go checks a pointer for nil by reading through it, so the first host
	// page of the reservation must be readable. It holds guest page 0, which
	// the permission table never lets the guest reach.
	if err := unix.Mprotect(dataM[:PageSize], unix.PROT_READ); err != nil {
		_ = unix.Munmap(dataM)
		return nil, fmt.Errorf("reserve guest address space: %w", err)
	}
	permM, err := unix.Mmap(-1, 0, NumPages, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
	if err != nil {
		_ = unix.Munmap(dataM)
		return nil, fmt.Errorf("reserve page table: %w", err)
	}
	return &Memory{
		data:  (*Data)(unsafe.Pointer(&dataM[0])),
		perm:  (*PermTable)(unsafe.Pointer(&permM[0])),
		dataM: dataM,
		permM: permM,
	}, nil
}

// Close releases the reservation. The Memory must not be used afterwards.
func (m *Memory) Close() error {
	if m.dataM == nil {
		return nil
	}
	err := errors.Join(unix.Munmap(m.dataM), unix.Munmap(m.permM))
	m.dataM, m.permM, m.data, m.perm = nil, nil, nil, nil
	m.mapped = 0
	return err
}

// Raw returns the hot-path views of the address space.
func (m *Memory) Raw() (*Data, *PermTable) { return m.data, m.perm }

// MappedBytes is how much of the address space is accessible.
func (m *Memory) MappedBytes() uint64 { return uint64(m.mapped) * PageSize }

// PageAccess returns what the guest may do with the page holding addr.
func (m *Memory) PageAccess(addr uint32) Access { return m.perm[addr>>PageShift] }

// ErrRange is wrapped by errors about ranges that cannot be mapped.
var ErrRange = errors.New("invalid memory range")

// SetAccess maps (or, with None, unmaps) the pages covering
// [addr, addr+length). addr and length must be page-aligned. Newly mapped
// pages read as zero; unmapped pages lose their contents.
func (m *Memory) SetAccess(addr uint32, length uint64, access Access) error {
	if addr%PageSize != 0 || length%PageSize != 0 {
		return fmt.Errorf("%w: address %#x and length %#x must be multiples of %d", ErrRange, addr, length, PageSize)
	}
	if uint64(addr)+length > 1<<32 {
		return fmt.Errorf("%w: %#x + %#x is past the 32-bit address space", ErrRange, addr, length)
	}
	if length == 0 {
		return nil
	}
	if addr < LowLimit && access != None {
		return fmt.Errorf("%w: pages below %#x can never be mapped", ErrRange, LowLimit)
	}
	if access != None && access != ReadOnly && access != ReadWrite {
		return fmt.Errorf("%w: unknown access %d", ErrRange, access)
	}
	region := m.dataM[addr : uint64(addr)+length]
	first, n := addr>>PageShift, uint32(length>>PageShift)
	if access == None {
		if err := unix.Madvise(region, unix.MADV_DONTNEED); err != nil {
			return err
		}
		if err := unix.Mprotect(region, unix.PROT_NONE); err != nil {
			return err
		}
	} else if err := unix.Mprotect(region, unix.PROT_READ|unix.PROT_WRITE); err != nil {
		return err
	}
	for p := first; p < first+n; p++ {
		was := m.perm[p]
		m.perm[p] = access
		switch {
		case was == None && access != None:
			m.mapped++
		case was != None && access == None:
			m.mapped--
		}
	}
	return nil
}

// Fault describes a guest access that is not allowed. Below LowLimit it is a
// panic; otherwise a page fault at Address (page-aligned).
type Fault struct {
	Address uint32
	Panic   bool
}

func (f *Fault) Error() string {
	if f.Panic {
		return fmt.Sprintf("access below %#x", LowLimit)
	}
	return fmt.Sprintf("page fault at %#x", f.Address)
}

// CheckAccess finds the first byte of [addr, addr+n) the guest may not access
// (needing write access when write is set), following the GP rule: the lowest
// offending byte (before wrapping) decides panic or page fault.
func (m *Memory) CheckAccess(addr uint32, n uint32, write bool) *Fault {
	need := ReadOnly
	if write {
		need = ReadWrite
	}
	u, end := uint64(addr), uint64(addr)+uint64(n)
	for u < end {
		if u >= 1<<32 || m.perm[u>>PageShift]&need != need {
			if u < LowLimit {
				return &Fault{Panic: true}
			}
			return &Fault{Address: uint32(u) &^ (PageSize - 1)}
		}
		u = (u | (PageSize - 1)) + 1
	}
	return nil
}

// Read copies guest memory at addr into dst, as a guest read would: every
// byte must be readable.
func (m *Memory) Read(addr uint32, dst []byte) error {
	if err := m.checkRange(addr, len(dst), false); err != nil {
		return err
	}
	copy(dst, m.data[addr:])
	return nil
}

// Write copies src into guest memory at addr, as a guest write would: every
// byte must be writable.
func (m *Memory) Write(addr uint32, src []byte) error {
	if err := m.checkRange(addr, len(src), true); err != nil {
		return err
	}
	copy(m.data[addr:], src)
	return nil
}

// Load copies src into mapped guest memory at addr, read-only pages included:
// how a loader fills RO data before the guest starts.
func (m *Memory) Load(addr uint32, src []byte) error {
	if err := m.checkRange(addr, len(src), false); err != nil {
		return err
	}
	copy(m.data[addr:], src)
	return nil
}

func (m *Memory) checkRange(addr uint32, n int, write bool) error {
	if uint64(addr)+uint64(n) > 1<<32 {
		return fmt.Errorf("%w: %#x + %d bytes is past the 32-bit address space", ErrRange, addr, n)
	}
	if n == 0 {
		return nil
	}
	if f := m.CheckAccess(addr, uint32(n), write); f != nil {
		return f
	}
	return nil
}
