package vm

import "github.com/pvmd/pvmd/vm/memory"

// Sbrk is GP 0.7's heap growth, the same for every engine: it returns the
// old heap top and makes [top, top+size) accessible (pages already mapped
// keep their access and contents; new ones are read-write), or returns 0
// when the heap cannot grow. With no heap (HeapTop 0) it returns 0; a size
// of 0 returns the top. Each run of unmapped pages is mapped with one call,
// so growing by gigabytes costs a few system calls, not one per page.
func (st *State) Sbrk(size uint64) uint64 {
	top := uint64(st.HeapTop)
	if top == 0 || size == 0 {
		return top
	}
	end := top + size
	if end > 1<<32 {
		return 0
	}
	const page = memory.PageSize
	first := (top + page - 1) &^ (page - 1)
	last := (end + page - 1) &^ (page - 1)
	for p := first; p < last; {
		if st.Mem.PageAccess(uint32(p)) != memory.None {
			p += page
			continue
		}
		q := p + page
		for q < last && st.Mem.PageAccess(uint32(q)) == memory.None {
			q += page
		}
		if err := st.Mem.SetAccess(uint32(p), q-p, memory.ReadWrite); err != nil {
			return 0
		}
		p = q
	}
	st.HeapTop = uint32(end)
	return top
}
