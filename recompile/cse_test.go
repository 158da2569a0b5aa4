package recompile

import (
	"context"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/interp"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// A load and stores to the same address form a group checked once (see
// memory.go); entering between them or at a later access (a SetPC, a retry
// after a page fault) still works, with the bases in registers or in the
// frame.
func TestSharedAddress(t *testing.T) {
	if !Supported() {
		t.Skip("unsupported")
	}
	for _, eng := range []Engine{{feat: hostFeatures()}, {feat: hostFeatures(), frameBases: true}} {
		testSharedAddress(t, eng)
	}
}

func testSharedAddress(t *testing.T, eng Engine) {
	a := isa.NewAsm(isa.GP07)
	a.I(isa.Ins{Op: isa.LoadImm, A: 1, Imm: 0x20ff8})
	a.I(isa.Ins{Op: isa.LoadImm, A: 2, Imm: 5})
	a.I(isa.Ins{Op: isa.LoadIndU64, A: 3, B: 1, Imm: 4})  // pc 6: crosses into 0x21000
	a.I(isa.Ins{Op: isa.Xor, D: 3, A: 3, B: 2})           // pc 10
	a.I(isa.Ins{Op: isa.AddImm64, A: 4, B: 3, Imm: 1})    // pc 13
	a.I(isa.Ins{Op: isa.StoreIndU64, A: 3, B: 1, Imm: 4}) // pc 16: the shared address
	a.I(isa.Ins{Op: isa.StoreIndU8, A: 4, B: 1, Imm: 4})
	a.I(isa.Ins{Op: isa.LoadIndU32, A: 5, B: 1, Imm: 4})
	a.I(isa.Ins{Op: isa.Trap})
	cb, err := program.DecodeCodeBlob(a.MustBlob())
	if err != nil {
		t.Fatal(err)
	}
	rc, err := eng.Compile(cb, vm.GP07)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Release()
	c := rc.(*compiled)
	if c.bases.mem < 0 != eng.frameBases {
		t.Fatalf("bases %+v", c.bases)
	}
	for _, pc := range []uint32{10, 13, 16} {
		// The store shares the address; Go enters it, and the instructions
		// between, through the group's exact copy in the cold code.
		if i, _ := c.index(pc); c.offs[i] < c.coldOrg {
			t.Fatalf("pc %d is entered directly, not through the cold code", pc)
		}
	}
	ic, err := interp.New().Compile(cb, vm.GP07)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		pc     uint32
		second memory.Access // access of page 0x21000
	}{
		{"from the start", 0, memory.ReadWrite},
		{"second page read-only", 0, memory.ReadOnly},
		{"second page unmapped", 0, memory.None},
		{"entering between", 13, memory.ReadWrite},
		{"entering at the store", 16, memory.ReadWrite},
		{"entering at the store, read-only", 16, memory.ReadOnly},
	} {
		var got, want [2]vm.Exit
		var gotSt, wantSt [2]vm.State
		for k, comp := range []vm.Compiled{rc, ic} {
			mem, err := memory.New()
			if err != nil {
				t.Fatal(err)
			}
			mem.SetAccess(0x20000, memory.PageSize, memory.ReadWrite)
			if tc.second != memory.None {
				mem.SetAccess(0x21000, memory.PageSize, tc.second)
			}
			mem.Load(0x20ffc, []byte{1, 2, 3, 4, 5, 6, 7, 8})
			inst := comp.Instantiate(mem, tc.pc)
			inst.State().Gas = 100
			inst.State().Regs[1] = 0x20ff8
			inst.State().Regs[2] = 5
			var exits [2]vm.Exit
			var states [2]vm.State
			for r := 0; r < 2; r++ {
				exits[r], _ = inst.Run(context.Background())
				states[r] = *inst.State()
				states[r].Mem = nil
				if exits[r].Status == vm.PageFault {
					mem.SetAccess(exits[r].FaultAddress, memory.PageSize, memory.ReadWrite)
				}
			}
			if k == 0 {
				got, gotSt = exits, states
			} else {
				want, wantSt = exits, states
			}
			inst.Close()
		}
		if got != want || gotSt != wantSt {
			t.Errorf("%s: recompiler %v %+v, interpreter %v %+v", tc.name, got, gotSt, want, wantSt)
		}
	}
}

// A group whose first access, a read, crosses from a read-only page into a
// writable one (allowed), and whose second, a byte store, writes the
// read-only page: the store faults there.
func TestSharedAddressAfterCrossing(t *testing.T) {
	if !Supported() {
		t.Skip("unsupported")
	}
	a := isa.NewAsm(isa.GP07)
	a.I(isa.Ins{Op: isa.LoadIndU64, A: 3, B: 1, Imm: 4})
	a.I(isa.Ins{Op: isa.StoreIndU8, A: 3, B: 1, Imm: 4})
	a.I(isa.Ins{Op: isa.Trap})
	cb, err := program.DecodeCodeBlob(a.MustBlob())
	if err != nil {
		t.Fatal(err)
	}
	for _, eng := range []vm.Engine{New(), Engine{feat: hostFeatures(), frameBases: true}, interp.New()} {
		comp, err := eng.Compile(cb, vm.GP07)
		if err != nil {
			t.Fatal(err)
		}
		mem, _ := memory.New()
		mem.SetAccess(0x20000, memory.PageSize, memory.ReadOnly)
		mem.SetAccess(0x21000, memory.PageSize, memory.ReadWrite)
		inst := comp.Instantiate(mem, 0)
		inst.State().Gas = 100
		inst.State().Regs[1] = 0x20ff8
		exit, _ := inst.Run(context.Background())
		if exit.Status != vm.PageFault || exit.FaultAddress != 0x20000 || exit.PC != 3 {
			t.Errorf("%s: %v, want a page fault at 0x20000 from pc 3", eng.Name(), exit)
		}
		inst.Close()
	}
}
