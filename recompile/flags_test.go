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

// A branch on zero right after an instruction that set the flags from its
// register has no test of its own; Go entering at the branch (a SetPC) goes
// through a stub that sets the flags.
func TestBranchUsesFlags(t *testing.T) {
	if !Supported() {
		t.Skip("unsupported")
	}
	a := isa.NewAsm(isa.GP07)
	a.Label("top").I(isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: -1}) // pc 0
	a.I(isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: "top"})    // pc 3
	a.I(isa.Ins{Op: isa.Xor, D: 8, A: 8, B: 9})                      // pc 7
	a.I(isa.Ins{Op: isa.BranchEqImm, A: 8, Imm: 0, Label: "top"})    // pc 10
	a.I(isa.Ins{Op: isa.Trap})
	cb, err := program.DecodeCodeBlob(a.MustBlob())
	if err != nil {
		t.Fatal(err)
	}
	rc, err := New().Compile(cb, vm.GP07)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Release()
	for _, pc := range []uint32{3, 10} {
		if i, _ := rc.(*compiled).index(pc); rc.(*compiled).offs[i] < rc.(*compiled).coldOrg {
			t.Errorf("pc %d is entered directly, not through a stub setting the flags", pc)
		}
	}
	ic, err := interp.New().Compile(cb, vm.GP07)
	if err != nil {
		t.Fatal(err)
	}
	for _, pc := range []uint32{0, 3, 7, 10} {
		for _, r7 := range []uint64{0, 1, 5} {
			for _, r8 := range []uint64{0, 3} {
				var exits [2]vm.Exit
				var states [2]vm.State
				for k, comp := range []vm.Compiled{rc, ic} {
					mem, _ := memory.New()
					inst := comp.Instantiate(mem, pc)
					st := inst.State()
					st.Gas, st.Regs[7], st.Regs[8], st.Regs[9] = 100, r7, r8, 3
					exits[k], _ = inst.Run(context.Background())
					states[k] = *st
					states[k].Mem = nil
					inst.Close()
				}
				if exits[0] != exits[1] || states[0] != states[1] {
					t.Errorf("pc %d r7 %d r8 %d: recompiler %v %+v, interpreter %v %+v", pc, r7, r8, exits[0], states[0], exits[1], states[1])
				}
			}
		}
	}
}
