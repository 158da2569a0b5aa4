package interp

import (
	"context"
	"testing"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
	"github.com/pvmd/pvmd/vm/program"
)

// Register names for readability in tests.
const (
	r0 uint8 = iota
	r1
	r2
	r3
	r4
	r5
	r6
	r7
	r8
)

// mapping is pages to map before a test program runs.
type mapping struct {
	addr   uint32
	pages  uint32
	access memory.Access
}

// start assembles prog under profile p, maps pages and returns an instance
// with 10,000 gas.
func start(t *testing.T, p vm.Profile, prog *isa.Asm, maps ...mapping) vm.Instance {
	t.Helper()
	blob, err := prog.Blob()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := program.DecodeCodeBlob(blob)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New().Compile(cb, p)
	if err != nil {
		t.Fatal(err)
	}
	mem, err := memory.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range maps {
		if err := mem.SetAccess(m.addr, uint64(m.pages)*memory.PageSize, m.access); err != nil {
			t.Fatal(err)
		}
	}
	inst := c.Instantiate(mem, 0)
	inst.State().Gas = 10_000
	t.Cleanup(func() { inst.Close() })
	return inst
}

func run(t *testing.T, inst vm.Instance) vm.Exit {
	t.Helper()
	exit, err := inst.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return exit
}

func asm(ins ...isa.Ins) *isa.Asm { return isa.NewAsm(isa.GP08).I(ins...) }

func wantExit(t *testing.T, got vm.Exit, status vm.Status, pc uint32) {
	t.Helper()
	if got.Status != status || got.PC != pc {
		t.Fatalf("exit %v, want %v at pc %d", got, status, pc)
	}
}
