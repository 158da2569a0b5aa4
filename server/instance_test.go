package server

import (
	"math/rand/v2"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// runs counts the separate mapped ranges of a memory by brute force.
func runs(mem *memory.Memory) int {
	_, perm := mem.Raw()
	n, prev := 0, false
	for _, a := range perm {
		m := a != memory.None
		if m && !prev {
			n++
		}
		prev = m
	}
	return n
}

// TestMapChange checks the incremental range and byte accounting of
// MapPages against a brute-force count, over random mappings.
func TestMapChange(t *testing.T) {
	cb, err := program.DecodeCodeBlob(isa.NewAsm(isa.GP08).I(isa.Ins{Op: isa.Trap}).MustBlob())
	if err != nil {
		t.Fatal(err)
	}
	c, err := interp.New().Compile(cb, vm.GP08)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	x := &instance{m: c.Instantiate(mem, 0)}
	defer x.m.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	const lo, pages = memory.LowLimit / memory.PageSize, 64
	for i := range 600 {
		first := lo + rng.IntN(pages)
		n := rng.IntN(pages/4 + 1)
		if i%25 == 0 { // now and then, the top of the address space
			first, n = memory.NumPages-1-rng.IntN(3), rng.IntN(2)
		}
		access := []memory.Access{memory.None, memory.ReadOnly, memory.ReadWrite}[rng.IntN(3)]
		addr, length := uint32(first*memory.PageSize), uint64(n*memory.PageSize)
		before := runs(mem)
		bytes, delta := x.mapChange(addr, length, access)
		if err := mem.SetAccess(addr, length, access); err != nil {
			t.Fatal(err)
		}
		x.mapped = mem.MappedBytes()
		if got := runs(mem); got != before+delta || bytes != x.mapped {
			t.Fatalf("step %d: set %#x+%#x to %s: ranges %d -> %d, predicted %+d; bytes %d, predicted %d",
				i, addr, length, access, before, got, delta, x.mapped, bytes)
		}
	}
}
