package vm

import (
	"testing"

	"github.com/pvmd/pvmd/vm/memory"
)

func TestSbrk(t *testing.T) {
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	// A read-only page inside the range the heap will grow over keeps its access.
	if err := mem.SetAccess(0x32000, memory.PageSize, memory.ReadOnly); err != nil {
		t.Fatal(err)
	}
	st := &State{Mem: mem, HeapTop: 0x30000}
	if got := st.Sbrk(0); got != 0x30000 {
		t.Errorf("sbrk(0) = %#x, want the top", got)
	}
	if got := st.Sbrk(0x5000); got != 0x30000 || st.HeapTop != 0x35000 {
		t.Errorf("sbrk(0x5000) = %#x, top %#x", got, st.HeapTop)
	}
	for _, c := range []struct {
		addr uint32
		want memory.Access
	}{{0x30000, memory.ReadWrite}, {0x31000, memory.ReadWrite}, {0x32000, memory.ReadOnly}, {0x34000, memory.ReadWrite}, {0x35000, memory.None}} {
		if got := mem.PageAccess(c.addr); got != c.want {
			t.Errorf("page %#x: %v, want %v", c.addr, got, c.want)
		}
	}
	// Growing to the very top of the address space works; past it fails.
	if got := st.Sbrk(1<<32 - 0x35000); got != 0x35000 || mem.PageAccess(0xFFFFF000) != memory.ReadWrite {
		t.Errorf("sbrk to 4 GiB = %#x", got)
	}
	st.HeapTop = 0xFFFFF000
	if got := st.Sbrk(0x2000); got != 0 || st.HeapTop != 0xFFFFF000 {
		t.Errorf("sbrk past 4 GiB = %#x, top %#x", got, st.HeapTop)
	}
	if got := (&State{Mem: mem}).Sbrk(16); got != 0 {
		t.Errorf("sbrk with no heap = %#x", got)
	}
}
