package interp

import (
	"context"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// fuzzGas bounds every fuzzed run: gas, not time, ends endless loops.
const fuzzGas = 200_000

func fuzzSeeds() [][]byte {
	loop := isa.NewAsm(isa.GP08).Label("top").
		I(isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: 1}, isa.Ins{Op: isa.StoreIndU64, A: 7, B: 1, Imm: 8},
			isa.Ins{Op: isa.Ecalli, Imm: 3}, isa.Ins{Op: isa.Jump, Label: "top"})
	djump := isa.NewAsm(isa.GP08).JumpTableEntry("a").JumpTableEntry("b").
		I(isa.Ins{Op: isa.JumpInd, A: 2, Imm: 2}).
		Label("a").I(isa.Ins{Op: isa.LoadIndU32, A: 3, B: 1, Imm: 0xFFE}, isa.Ins{Op: isa.Fallthrough}).
		Label("b").I(isa.Ins{Op: isa.DivS64, A: 3, B: 4, D: 5}, isa.Ins{Op: isa.LoadImmJumpInd, A: 2, B: 2, Imm: 4, Imm2: 0})
	sbrk := isa.NewAsm(isa.GP07).I(isa.Ins{Op: isa.LoadImm, A: 1, Imm: 9000}, isa.Ins{Op: isa.Sbrk, D: 2, A: 1},
		isa.Ins{Op: isa.StoreImmIndU64, A: 2, Imm: 8990, Imm2: -1})
	return [][]byte{loop.MustBlob(), djump.MustBlob(), sbrk.MustBlob(), {0, 0, 2, 0xff, 0xff, 0b11}}
}

// FuzzRun runs arbitrary bytes as a code blob under every profile, with a
// writable page at 0x20000 and a read-only one after it, and checks the
// engine's invariants: no Go panic, the run ends, gas never grows or goes
// negative, and every exit is one the spec allows.
func FuzzRun(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, uint64(0x20000), uint64(2))
	}
	profiles := []vm.Profile{vm.GP08, vm.GP07, {Numbering: isa.GP07, Gas: vm.GasBlockInstructions}, {Numbering: isa.Latest64, Gas: vm.GasBlockCost}}
	f.Fuzz(func(t *testing.T, blob []byte, r1, r2 uint64) {
		cb, err := program.DecodeCodeBlob(blob)
		if err != nil {
			return
		}
		for _, p := range profiles {
			c, err := New().Compile(cb, p)
			if err != nil {
				t.Fatal(err)
			}
			mem, err := memory.New()
			if err != nil {
				t.Fatal(err)
			}
			must(t, mem.SetAccess(0x20000, memory.PageSize, memory.ReadWrite))
			must(t, mem.SetAccess(0x21000, memory.PageSize, memory.ReadOnly))
			inst := c.Instantiate(mem, 0)
			st := inst.State()
			st.Gas, st.Regs[1], st.Regs[2], st.HeapTop = fuzzGas, r1, r2, 0x30000
			for step := 0; step < 50; step++ {
				before := st.Gas
				exit, err := inst.Run(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if st.Gas > before || st.Gas < 0 {
					t.Fatalf("%s: gas went from %d to %d", p, before, st.Gas)
				}
				if exit.Status == vm.PageFault && (exit.FaultAddress%memory.PageSize != 0 || exit.FaultAddress < memory.LowLimit && exit.FaultAddress != 0) {
					t.Fatalf("%s: fault address %#x", p, exit.FaultAddress)
				}
				if exit.Status != vm.HostCall && exit.Status != vm.PageFault {
					break
				}
				if exit.Status == vm.PageFault {
					// Answer the fault the way a host would, once.
					if mem.SetAccess(exit.FaultAddress, memory.PageSize, memory.ReadWrite) != nil {
						break
					}
				}
			}
			inst.Close()
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
