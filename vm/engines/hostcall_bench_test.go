package engines

import (
	"context"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// BenchmarkHostCallExit is the engine's share of a host-call round trip:
// leave the guest at an ecalli, and come back in for the next one.
func BenchmarkHostCallExit(b *testing.B) {
	blob := isa.NewAsm(isa.GP08).Label("loop").I(
		isa.Ins{Op: isa.Ecalli, Imm: 1},
		isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: "loop"},
		isa.Ins{Op: isa.Trap}).MustBlob()
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		b.Fatal(err)
	}
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, eng := range all() {
		for _, run := range []struct {
			name string
			ctx  context.Context
		}{{"background", context.Background()}, {"cancellable", cancellable}} {
			b.Run(eng.Name()+"/"+run.name, func(b *testing.B) {
				c, err := eng.Compile(cb, vm.GP08)
				if err != nil {
					b.Fatal(err)
				}
				mem, _ := memory.New()
				inst := c.Instantiate(mem, 0)
				defer inst.Close()
				inst.State().Gas = 50_000_000_000
				inst.State().Regs[7] = 1
				for b.Loop() {
					if e, err := inst.Run(run.ctx); err != nil || e.Status != vm.HostCall {
						b.Fatalf("%v %v", e, err)
					}
				}
			})
		}
	}
}
