package memory

import (
	"errors"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

func newMem(t *testing.T) *Memory {
	t.Helper()
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// resident counts the host pages of a mapping that hold physical memory.
func resident(t *testing.T, b []byte) int {
	t.Helper()
	vec := make([]byte, (len(b)+PageSize-1)/PageSize)
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
	if errno != 0 {
		t.Fatal(errno)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return n
}

func TestEmptyMemoryIsCheap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 50
	mems := make([]*Memory, n)
	for i := range mems {
		mems[i] = newMem(t)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perInstance := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	if perInstance > 64<<10 {
		t.Errorf("an empty memory holds %d bytes of Go heap", perInstance)
	}
	m := mems[0]
	// Only the first host page (kept readable for Go's nil checks) may be
	// touched; nothing else is resident until the guest maps and uses it.
	if r := resident(t, m.dataM) + resident(t, m.permM); r > 1 {
		t.Errorf("%d resident pages in an empty memory", r)
	}
	runtime.KeepAlive(mems)
}

func TestSetAccessAndCopy(t *testing.T) {
	m := newMem(t)
	if err := m.SetAccess(0x20000, 2*PageSize, ReadWrite); err != nil {
		t.Fatal(err)
	}
	if err := m.SetAccess(0x30000, PageSize, ReadOnly); err != nil {
		t.Fatal(err)
	}
	if m.MappedBytes() != 3*PageSize {
		t.Errorf("mapped %d bytes", m.MappedBytes())
	}
	data := []byte("hello across a page boundary")
	if err := m.Write(0x21000-5, data); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(data))
	if err := m.Read(0x21000-5, got); err != nil || string(got) != string(data) {
		t.Fatalf("read %q, %v", got, err)
	}
	var f *Fault
	if err := m.Write(0x30000, []byte{1}); !errors.As(err, &f) || f.Address != 0x30000 || f.Panic {
		t.Errorf("write to read-only: %v", err)
	}
	if err := m.Load(0x30000, []byte{1}); err != nil {
		t.Errorf("load into read-only: %v", err)
	}
	if err := m.Read(0x22000-1, make([]byte, 2)); !errors.As(err, &f) || f.Address != 0x22000 {
		t.Errorf("read across into unmapped: %v", err)
	}
	if err := m.Read(0xFFF0, make([]byte, 1)); !errors.As(err, &f) || !f.Panic {
		t.Errorf("read below 64 KiB: %v", err)
	}
	if err := m.Read(0xFFFF_FFFF, make([]byte, 2)); !errors.Is(err, ErrRange) {
		t.Errorf("read past 4 GiB: %v", err)
	}
	// Unmapping drops the contents: mapped again, the page reads as zero.
	if err := m.SetAccess(0x20000, 2*PageSize, None); err != nil {
		t.Fatal(err)
	}
	if err := m.SetAccess(0x20000, 2*PageSize, ReadWrite); err != nil {
		t.Fatal(err)
	}
	if err := m.Read(0x21000-5, got); err != nil || got[0] != 0 {
		t.Errorf("remapped page holds %v, %v", got[:4], err)
	}
}

func TestSetAccessRejects(t *testing.T) {
	m := newMem(t)
	for _, c := range []struct {
		addr   uint32
		length uint64
		access Access
	}{
		{0x20001, PageSize, ReadWrite},         // unaligned address
		{0x20000, 100, ReadWrite},              // unaligned length
		{0xFFFF_F000, 2 * PageSize, ReadWrite}, // past 4 GiB
		{0, PageSize, ReadOnly},                // below 64 KiB
		{0x20000, PageSize, 7},                 // unknown access
	} {
		if err := m.SetAccess(c.addr, c.length, c.access); !errors.Is(err, ErrRange) {
			t.Errorf("SetAccess(%#x, %#x, %v) = %v", c.addr, c.length, c.access, err)
		}
	}
	if m.MappedBytes() != 0 {
		t.Errorf("a rejected call mapped memory")
	}
}
