package vm

import (
	"fmt"

	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// NewMemory reserves an address space and maps and fills the given regions.
func NewMemory(regions []program.Region) (*memory.Memory, error) {
	mem, err := memory.New()
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if err := MapRegion(mem, r); err != nil {
			mem.Close()
			return nil, err
		}
	}
	return mem, nil
}

// MapRegion maps one region (its address and length rounded out to whole
// pages) and copies in its initial data.
func MapRegion(mem *memory.Memory, r program.Region) error {
	first := uint64(r.Address) &^ (memory.PageSize - 1)
	end := (uint64(r.Address) + uint64(r.Length) + memory.PageSize - 1) &^ (memory.PageSize - 1)
	access := memory.ReadOnly
	if r.Writable {
		access = memory.ReadWrite
	}
	if err := mem.SetAccess(uint32(first), end-first, access); err != nil {
		return fmt.Errorf("map %#x+%#x: %w", r.Address, r.Length, err)
	}
	if len(r.Data) > int(r.Length) {
		return fmt.Errorf("region %#x: %d bytes of data for %d bytes of memory", r.Address, len(r.Data), r.Length)
	}
	if err := mem.Load(r.Address, r.Data); err != nil {
		return fmt.Errorf("fill %#x: %w", r.Address, err)
	}
	return nil
}

// StartStandard instantiates a JAM standard program: its memory layout,
// initial registers and heap pointer, ready to run from pc with gas.
func StartStandard(c Compiled, s *program.Standard, args []byte, pc uint32, gas int64) (Instance, error) {
	regions, err := s.Layout(args)
	if err != nil {
		return nil, err
	}
	mem, err := NewMemory(regions)
	if err != nil {
		return nil, err
	}
	inst := c.Instantiate(mem, pc)
	st := inst.State()
	st.Regs = program.InitialRegisters(len(args))
	st.Gas = gas
	st.HeapTop = s.HeapEnd()
	return inst, nil
}
