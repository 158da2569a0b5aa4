package interp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
)

const heap = 0x20000

func rw(addr, pages uint32) mapping { return mapping{addr, pages, memory.ReadWrite} }
func ro(addr, pages uint32) mapping { return mapping{addr, pages, memory.ReadOnly} }

func TestLoadsAndStores(t *testing.T) {
	prog := asm(
		isa.Ins{Op: isa.LoadImm, A: r1, Imm: heap},
		isa.Ins{Op: isa.StoreImmIndU64, A: r1, Imm: 0, Imm2: -2},  // [heap] = 0xFF..FE
		isa.Ins{Op: isa.StoreImmU16, Imm: heap + 8, Imm2: 0x8081}, // [heap+8] = 81 80
		isa.Ins{Op: isa.LoadIndI8, A: r2, B: r1, Imm: 8},          // sign-extended 0x81
		isa.Ins{Op: isa.LoadIndU8, A: r3, B: r1, Imm: 8},          // 0x81
		isa.Ins{Op: isa.LoadI16, A: r4, Imm: heap + 8},            // sign-extended 0x8081
		isa.Ins{Op: isa.LoadU32, A: r5, Imm: heap},                // 0xFFFFFFFE
		isa.Ins{Op: isa.LoadIndI32, A: r6, B: r1, Imm: 0},         // -2
		isa.Ins{Op: isa.StoreIndU32, A: r5, B: r1, Imm: 16},       // [heap+16] = FE FF FF FF
		isa.Ins{Op: isa.LoadU64, A: r7, Imm: heap + 16},           // 0xFFFFFFFE
		isa.Ins{Op: isa.StoreU8, A: r3, Imm: heap + 4095},         // last byte of the page
		isa.Ins{Op: isa.LoadIndU16, A: r8, B: r1, Imm: 4094},      // 0x8100
		isa.Ins{Op: isa.Trap},
	)
	inst := start(t, vm.GP08, prog, rw(heap, 1))
	wantExit(t, run(t, inst), vm.Panic, lastPC(prog))
	want := map[uint8]uint64{r2: neg(0x7F), r3: 0x81, r4: neg(0x7F7F), r5: 0xFFFF_FFFE, r6: neg(2), r7: 0xFFFF_FFFE, r8: 0x8100}
	for r, v := range want {
		if got := inst.State().Regs[r]; got != v {
			t.Errorf("r%d = %#x, want %#x", r, got, v)
		}
	}
	buf := make([]byte, 8)
	if err := inst.State().Mem.Read(heap, buf); err != nil || buf[0] != 0xFE || buf[7] != 0xFF {
		t.Errorf("memory %x, %v", buf, err)
	}
}

// lastPC is the pc of the last instruction assembled so far.
func lastPC(a *isa.Asm) uint32 {
	blob := a.MustBlob()
	_ = blob
	return a.PC() - 1
}

func TestMemoryFaults(t *testing.T) {
	cases := []struct {
		name   string
		ins    isa.Ins
		r1     uint64
		maps   []mapping
		status vm.Status
		addr   uint32
	}{
		{"read unmapped", isa.Ins{Op: isa.LoadIndU32, A: r2, B: r1}, heap + 10, nil, vm.PageFault, heap},
		{"below 64 KiB panics", isa.Ins{Op: isa.LoadIndU8, A: r2, B: r1}, 0xFFFF, nil, vm.Panic, 0},
		{"crossing into 64 KiB", isa.Ins{Op: isa.LoadIndU16, A: r2, B: r1}, 0xFFFF, nil, vm.Panic, 0},
		{"crossing into an unmapped page", isa.Ins{Op: isa.StoreIndU16, A: r2, B: r1}, heap + 0xFFF, []mapping{rw(heap, 1)}, vm.PageFault, heap + 0x1000},
		{"crossing into a read-only page", isa.Ins{Op: isa.StoreIndU64, A: r2, B: r1}, heap + 0xFFC, []mapping{rw(heap, 1), ro(heap+0x1000, 1)}, vm.PageFault, heap + 0x1000},
		{"write to read-only", isa.Ins{Op: isa.StoreImmIndU8, A: r1}, heap + 5, []mapping{ro(heap, 1)}, vm.PageFault, heap},
		{"wrap past 4 GiB", isa.Ins{Op: isa.LoadIndU64, A: r2, B: r1}, 0xFFFF_FFFC, []mapping{rw(0xFFFF_F000, 1)}, vm.PageFault, 0},
		{"top page unmapped", isa.Ins{Op: isa.LoadIndU64, A: r2, B: r1}, 0xFFFF_FFFC, nil, vm.PageFault, 0xFFFF_F000},
		{"address wraps mod 2^32", isa.Ins{Op: isa.LoadIndU8, A: r2, B: r1, Imm: 0x10}, 1<<32 + heap, nil, vm.PageFault, heap},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prog := asm(isa.Ins{Op: isa.LoadImm, A: r3, Imm: 7}, c.ins, isa.Ins{Op: isa.Trap})
			inst := start(t, vm.GP08, prog, c.maps...)
			inst.State().Regs[r1] = c.r1
			exit := run(t, inst)
			wantExit(t, exit, c.status, 3)
			if c.status == vm.PageFault && exit.FaultAddress != c.addr {
				t.Errorf("fault address %#x, want %#x", exit.FaultAddress, c.addr)
			}
			if inst.State().Regs[r2] != 0 || inst.State().Regs[r3] != 7 {
				t.Errorf("registers %x: the instructions before the fault count, the faulting one does not", inst.State().Regs)
			}
		})
	}
}

func TestPageFaultResume(t *testing.T) {
	for _, p := range []vm.Profile{vm.GP08, vm.GP07} {
		t.Run(p.String(), func(t *testing.T) {
			prog := asm(
				isa.Ins{Op: isa.LoadImm, A: r1, Imm: heap},
				isa.Ins{Op: isa.StoreImmIndU32, A: r1, Imm: 0, Imm2: 0x1234},
				isa.Ins{Op: isa.LoadIndU32, A: r2, B: r1},
				isa.Ins{Op: isa.Trap},
			)
			inst := start(t, p, prog)
			exit := run(t, inst)
			wantExit(t, exit, vm.PageFault, 5) // after a 5-byte load_imm
			gasAtFault := inst.State().Gas
			// Running again without mapping faults again, at no further cost
			// under GP 0.8 (the block is paid for).
			wantExit(t, run(t, inst), vm.PageFault, 5)
			if p == vm.GP08 && inst.State().Gas != gasAtFault {
				t.Errorf("gas %d after the retry, want %d", inst.State().Gas, gasAtFault)
			}
			if err := inst.State().Mem.SetAccess(heap, memory.PageSize, memory.ReadWrite); err != nil {
				t.Fatal(err)
			}
			wantExit(t, run(t, inst), vm.Panic, lastPC(prog))
			if inst.State().Regs[r2] != 0x1234 {
				t.Errorf("r2 = %#x after resuming", inst.State().Regs[r2])
			}
		})
	}
}

func TestHostCalls(t *testing.T) {
	// r7 counts down; each iteration calls host 7 with r8 = the counter.
	prog := isa.NewAsm(isa.GP08).
		I(isa.Ins{Op: isa.LoadImm, A: r7, Imm: 3}, isa.Ins{Op: isa.Fallthrough}).
		Label("loop").
		I(isa.Ins{Op: isa.MoveReg, D: r8, A: r7},
			isa.Ins{Op: isa.Ecalli, Imm: 7},
			isa.Ins{Op: isa.AddImm64, A: r7, B: r7, Imm: -1},
			isa.Ins{Op: isa.BranchNeImm, A: r7, Imm: 0, Label: "loop"},
			isa.Ins{Op: isa.Ecalli, Imm: -128},
			isa.Ins{Op: isa.Trap})
	inst := start(t, vm.GP08, prog)
	for want := uint64(3); want > 0; want-- {
		exit := run(t, inst)
		if exit.Status != vm.HostCall || exit.HostID != 7 || exit.PC != 6 {
			t.Fatalf("exit %v, want host call 7 at pc 6", exit)
		}
		if got := inst.State().Regs[r8]; got != want {
			t.Errorf("r8 = %d at the host call, want %d", got, want)
		}
		inst.State().Regs[r8] = 100 // the host may change registers
	}
	exit := run(t, inst)
	if exit.Status != vm.HostCall || exit.HostID != 0xFFFF_FFFF_FFFF_FF80 {
		t.Fatalf("exit %v, want host call with the sign-extended id of 0x80", exit)
	}
	wantExit(t, run(t, inst), vm.Panic, lastPC(prog))
	// After the machine stopped, Run repeats the exit until SetPC.
	wantExit(t, run(t, inst), vm.Panic, lastPC(prog))
}

func TestControlFlow(t *testing.T) {
	t.Run("jump into the middle of a block panics at the jump", func(t *testing.T) {
		prog := isa.NewAsm(isa.GP08).
			I(isa.Ins{Op: isa.LoadImm, A: r1, Imm: 1}).
			Label("mid").
			I(isa.Ins{Op: isa.LoadImmJump, A: r2, Imm: 9, Label: "mid"})
		inst := start(t, vm.GP08, prog)
		wantExit(t, run(t, inst), vm.Panic, 3)
		if inst.State().Regs[r2] != 9 {
			t.Errorf("load_imm_jump writes its register even when the jump panics")
		}
	})
	t.Run("branches", func(t *testing.T) {
		prog := isa.NewAsm(isa.GP08).
			I(isa.Ins{Op: isa.LoadImm, A: r1, Imm: -1},
				isa.Ins{Op: isa.BranchLtSImm, A: r1, Imm: 0, Label: "neg"},
				isa.Ins{Op: isa.Trap}).
			Label("neg").
			I(isa.Ins{Op: isa.BranchLtU, A: r1, B: r0, Label: "bad"}, // -1 <u 0 is false
				isa.Ins{Op: isa.BranchGeU, A: r1, B: r0, Label: "good"},
				isa.Ins{Op: isa.Trap}).
			Label("bad").I(isa.Ins{Op: isa.Trap}).
			Label("good").I(isa.Ins{Op: isa.LoadImm, A: r5, Imm: 5}, isa.Ins{Op: isa.Trap})
		inst := start(t, vm.GP08, prog)
		run(t, inst)
		if inst.State().Regs[r5] != 5 {
			t.Errorf("took the wrong branches: %x", inst.State().Regs)
		}
	})
	t.Run("dynamic jumps", func(t *testing.T) {
		cases := []struct {
			addr   uint64
			status vm.Status
		}{
			{0xFFFF0000, vm.Halt},
			{0, vm.Panic},
			{3, vm.Panic},            // odd
			{6, vm.Panic},            // past the table (2 entries)
			{4, vm.Panic},            // entry 1 is not a block start
			{2, vm.HostCall},         // entry 0: the target
			{1<<32 + 2, vm.HostCall}, // the address is taken mod 2^32
		}
		for _, c := range cases {
			prog := isa.NewAsm(isa.GP08).
				JumpTableEntry("target").JumpTableEntry("notstart").
				I(isa.Ins{Op: isa.JumpInd, A: r1, Imm: 0}).
				Label("target").
				I(isa.Ins{Op: isa.Ecalli, Imm: 1}).
				Label("notstart").
				I(isa.Ins{Op: isa.Trap})
			inst := start(t, vm.GP08, prog)
			inst.State().Regs[r1] = c.addr
			exit := run(t, inst)
			if exit.Status != c.status {
				t.Errorf("djump(%#x): %v, want %v", c.addr, exit, c.status)
			}
			if c.status != vm.HostCall && exit.PC != 0 {
				t.Errorf("djump(%#x) exits at pc %d, want the jump's pc 0", c.addr, exit.PC)
			}
		}
	})
	t.Run("load_imm_jump_ind reads rB before writing rA", func(t *testing.T) {
		prog := isa.NewAsm(isa.GP08).JumpTableEntry("t").
			I(isa.Ins{Op: isa.LoadImmJumpInd, A: r1, B: r1, Imm: 77, Imm2: 2}).
			Label("t").I(isa.Ins{Op: isa.Ecalli, Imm: 0})
		inst := start(t, vm.GP08, prog)
		inst.State().Regs[r1] = 0 // 0 + 2 selects entry 0; 77 + 2 would panic
		if exit := run(t, inst); exit.Status != vm.HostCall || inst.State().Regs[r1] != 77 {
			t.Errorf("exit %v, r1 %d", exit, inst.State().Regs[r1])
		}
	})
	t.Run("running off the end traps at len(code)", func(t *testing.T) {
		prog := asm(isa.Ins{Op: isa.Add64, A: r0, B: r0, D: r0})
		wantExit(t, run(t, start(t, vm.GP07, prog)), vm.Panic, 3)
	})
}

func TestGasBlockModel(t *testing.T) {
	// A loop that never ends: each round costs the loop block's GP 0.8 cost.
	prog := isa.NewAsm(isa.GP08).Label("top").
		I(isa.Ins{Op: isa.AddImm64, A: r7, B: r7, Imm: 1},
			isa.Ins{Op: isa.Jump, Label: "top"})
	inst := start(t, vm.GP08, prog)
	inst.State().Gas = 100
	exit := run(t, inst)
	wantExit(t, exit, vm.OutOfGas, 0)
	st := inst.State()
	rounds := int64(st.Regs[r7])
	cost := (100 - st.Gas) / rounds // whole blocks paid
	if st.Gas >= cost || st.Gas < 0 || (100-st.Gas)%rounds != 0 {
		t.Errorf("gas %d after %d rounds: out of gas must leave the unpayable rest untouched", st.Gas, st.Regs[r7])
	}
	// More gas lets the same instance go on from the block it stopped at.
	st.Gas += 50
	wantExit(t, run(t, inst), vm.OutOfGas, 0)
	if int64(st.Regs[r7]) <= rounds {
		t.Errorf("no progress after refuelling")
	}
}

func TestGasPerInstruction(t *testing.T) {
	prog := asm(
		isa.Ins{Op: isa.LoadImm, A: r1, Imm: 1},
		isa.Ins{Op: isa.LoadImm, A: r2, Imm: 2},
		isa.Ins{Op: isa.Ecalli, Imm: 0},
		isa.Ins{Op: isa.LoadImm, A: r3, Imm: 3},
		isa.Ins{Op: isa.LoadImm, A: r4, Imm: 4},
		isa.Ins{Op: isa.Trap},
	)
	t.Run("host call mid-block charges only what ran", func(t *testing.T) {
		inst := start(t, vm.GP07, prog)
		wantExit(t, run(t, inst), vm.HostCall, 6)
		if g := inst.State().Gas; g != 10_000-3 {
			t.Errorf("gas %d at the host call, want 3 instructions charged", g)
		}
		wantExit(t, run(t, inst), vm.Panic, 13)
		if g := inst.State().Gas; g != 10_000-6 {
			t.Errorf("gas %d at the end, want 6 instructions charged", g)
		}
	})
	t.Run("out of gas mid-block stops at the unpaid instruction", func(t *testing.T) {
		inst := start(t, vm.GP07, prog)
		inst.State().Gas = 2
		exit := run(t, inst)
		wantExit(t, exit, vm.OutOfGas, 6)
		if st := inst.State(); st.Gas != 0 || st.Regs[r2] != 2 {
			t.Errorf("gas %d, r2 %d: the first two instructions run, the third is not paid", st.Gas, st.Regs[r2])
		}
	})
	t.Run("the block count model charges on entry", func(t *testing.T) {
		p, _ := vm.ParseProfile("gp-0.7/block-instructions")
		inst := start(t, p, prog)
		wantExit(t, run(t, inst), vm.HostCall, 6)
		if g := inst.State().Gas; g != 10_000-6 {
			t.Errorf("gas %d at the host call, want the whole block (6) charged", g)
		}
	})
}

func TestValidationGP08(t *testing.T) {
	// Byte 101 is count_set_bits_64 in GP 0.8 but 0.7's sbrk; 111 is defined
	// only in 0.7: a GP 0.8 program holding it is rejected up front.
	a := isa.NewAsm(isa.GP07).I(isa.Ins{Op: isa.LoadImm, A: r1, Imm: 1}, isa.Ins{Op: isa.ReverseBytes, D: r2, A: r1}, isa.Ins{Op: isa.Trap})
	inst := start(t, vm.GP08, a)
	exit := run(t, inst)
	if exit.Status != vm.Panic || inst.State().Gas != 10_000 || inst.State().Regs[r1] != 0 {
		t.Errorf("exit %v gas %d r1 %d: want a panic before anything runs", exit, inst.State().Gas, inst.State().Regs[r1])
	}
	// Under GP 0.7 it runs.
	inst = start(t, vm.GP07, a)
	wantExit(t, run(t, inst), vm.Panic, 5)
	if inst.State().Regs[r2] != 1<<56 {
		t.Errorf("r2 = %#x", inst.State().Regs[r2])
	}
}

func TestStartInTheMiddle(t *testing.T) {
	prog := asm(isa.Ins{Op: isa.LoadImm, A: r1, Imm: 1}, isa.Ins{Op: isa.LoadImm, A: r2, Imm: 2}, isa.Ins{Op: isa.Trap})
	inst := start(t, vm.GP08, prog)
	inst.SetPC(3)
	exit := run(t, inst)
	wantExit(t, exit, vm.Panic, 6)
	full := start(t, vm.GP08, prog)
	run(t, full)
	if inst.State().Gas != full.State().Gas {
		t.Errorf("starting mid-block charged %d, the whole block costs %d", 10_000-inst.State().Gas, 10_000-full.State().Gas)
	}
	if inst.State().Regs[r1] != 0 {
		t.Errorf("the skipped instruction ran")
	}
	inst.SetPC(1) // inside an instruction
	wantExit(t, run(t, inst), vm.Panic, 1)
}

func TestSbrk(t *testing.T) {
	prog := isa.NewAsm(isa.GP07).I(
		isa.Ins{Op: isa.LoadImm, A: r1, Imm: 5000},
		isa.Ins{Op: isa.Sbrk, D: r2, A: r1},
		isa.Ins{Op: isa.StoreImmIndU8, A: r2, Imm: 4999, Imm2: 1},
		isa.Ins{Op: isa.Sbrk, D: r3, A: r0},
		isa.Ins{Op: isa.Trap})
	inst := start(t, vm.GP07, prog)
	inst.State().HeapTop = heap
	run(t, inst)
	st := inst.State()
	if st.Regs[r2] != heap || st.Regs[r3] != heap+5000 || st.HeapTop != heap+5000 {
		t.Errorf("sbrk returned %#x then %#x, heap top %#x", st.Regs[r2], st.Regs[r3], st.HeapTop)
	}
}

func TestCancellation(t *testing.T) {
	prog := isa.NewAsm(isa.GP08).Label("top").I(isa.Ins{Op: isa.Jump, Label: "top"})
	inst := start(t, vm.GP08, prog)
	inst.State().Gas = 1 << 62
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := inst.Run(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the context's", err)
	}
	if since := time.Since(began); since > 2*time.Second {
		t.Errorf("cancellation took %v", since)
	}
	if g := inst.State().Gas; g >= 1<<62 || g <= 0 {
		t.Errorf("gas %d after cancellation: the held-back slices must come back", g)
	}
}

func TestRunAfterCloseAndNegativeGas(t *testing.T) {
	prog := asm(isa.Ins{Op: isa.LoadImm, A: r1, Imm: 1}, isa.Ins{Op: isa.Trap})
	inst := start(t, vm.GP07, prog)
	inst.State().Gas = -5
	wantExit(t, run(t, inst), vm.OutOfGas, 0)
	inst.Close()
	if _, err := inst.Run(context.Background()); !errors.Is(err, vm.ErrClosed) {
		t.Errorf("Run after Close: %v", err)
	}
}

func TestPCAfterExits(t *testing.T) {
	prog := asm(isa.Ins{Op: isa.LoadImm, A: r1, Imm: 1}, isa.Ins{Op: isa.Ecalli, Imm: 2}, isa.Ins{Op: isa.Trap})
	inst := start(t, vm.GP08, prog)
	if inst.PC() != 0 {
		t.Errorf("PC before running: %d", inst.PC())
	}
	run(t, inst)
	if inst.PC() != 3 {
		t.Errorf("PC at the host call: %d, want the ecalli's 3", inst.PC())
	}
	inst.SetPC(1) // inside the first instruction
	if inst.PC() != 1 {
		t.Errorf("PC after SetPC(1): %d", inst.PC())
	}
	wantExit(t, run(t, inst), vm.Panic, 1)
	if inst.PC() != 1 {
		t.Errorf("PC after a panic at a bad entry: %d, want 1", inst.PC())
	}
}
