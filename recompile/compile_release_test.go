package recompile

import (
	"context"
	"runtime/debug"
	"sync"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// Compiling, running and releasing programs on several goroutines at once
// must not let one program's release unmap another's code: a regression
// test for Seal keeping a page shared by two parts twice, which made Release
// unmap it twice (the second time, possibly, a fresh reservation of another
// compile), crashing the process.
func TestConcurrentCompileAndRelease(t *testing.T) {
	if !Supported() {
		t.Skip("recompiler not supported here")
	}
	blob := isa.NewAsm(isa.GP08).Label("loop").I(
		isa.Ins{Op: isa.LoadU64, A: 8, Imm: 0x20000},
		isa.Ins{Op: isa.AddImm64, A: 8, B: 8, Imm: 1},
		isa.Ins{Op: isa.StoreU64, A: 8, Imm: 0x20000},
		isa.Ins{Op: isa.Ecalli, Imm: 1},
		isa.Ins{Op: isa.AddImm64, A: 7, B: 7, Imm: -1},
		isa.Ins{Op: isa.BranchNeImm, A: 7, Imm: 0, Label: "loop"},
		isa.Ins{Op: isa.JumpInd, A: 0, Imm: 0}).MustBlob()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("panic: %v\n%s", r, debug.Stack())
						}
					}()
					cb, _ := program.DecodeCodeBlob(blob)
					c, err := New().Compile(cb, vm.GP08)
					if err != nil {
						t.Error(err)
						return
					}
					mem, _ := memory.New()
					mem.SetAccess(0x20000, 4096, memory.ReadWrite)
					inst := c.Instantiate(mem, 0)
					inst.State().Gas = 100000
					inst.State().Regs[0] = 0xFFFF0000
					inst.State().Regs[7] = 5
					for k := 0; k < 100; k++ {
						e, err := inst.Run(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						if e.Status != vm.HostCall {
							break
						}
					}
					inst.Close()
					c.Release()
				}()
			}
		}()
	}
	wg.Wait()
}
