// Package servertest has what tests of pvmd's gRPC API share: small guest
// programs, a session client that matches responses to requests, and an
// in-process server on a real loopback listener.
package servertest

import (
	"encoding/binary"

	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/program"
)

// Addresses and constants the programs use.
const (
	// DataPage is the page HostCallLoop keeps its counter in.
	DataPage = 0x20000
	// FaultPage is the page FaultThenHalt reads before it is mapped.
	FaultPage = 0x30000
	// HaltAddress in φ0 makes `jump_ind φ0, 0` halt.
	HaltAddress = program.HaltReturn
	// LoopCallID is the ecalli immediate of HostCallLoop and TightLoop.
	LoopCallID = 1
	// InvokeCallID is the ecalli immediate of CallInner (the GP 0.7
	// `invoke` host call).
	InvokeCallID = 12
)

const (
	r0, r7, r8 = 0, 7, 8
)

func halt(a *isa.Asm) *isa.Asm { return a.I(isa.Ins{Op: isa.JumpInd, A: r0, Imm: 0}) }

// HostCallLoop, each time round: adds 1 to the u64 at DataPage, calls
// `ecalli LoopCallID`, and goes round again while φ7 != 0; then halts. Start
// it with φ0 = HaltAddress and DataPage mapped read-write. The client sees
// the counter in memory at every host call and can change it.
func HostCallLoop(num isa.Numbering) []byte {
	a := isa.NewAsm(num).Label("loop").I(
		isa.Ins{Op: isa.LoadU64, A: r8, Imm: DataPage},
		isa.Ins{Op: isa.AddImm64, A: r8, B: r8, Imm: 1},
		isa.Ins{Op: isa.StoreU64, A: r8, Imm: DataPage},
		isa.Ins{Op: isa.Ecalli, Imm: LoopCallID},
		isa.Ins{Op: isa.BranchNeImm, A: r7, Imm: 0, Label: "loop"},
	)
	return halt(a).MustBlob()
}

// TightLoop is the smallest host-call loop: `ecalli LoopCallID` while φ7 !=
// 0, then halt (with φ0 = HaltAddress). It needs no memory.
func TightLoop(num isa.Numbering) []byte {
	a := isa.NewAsm(num).Label("loop").I(
		isa.Ins{Op: isa.Ecalli, Imm: LoopCallID},
		isa.Ins{Op: isa.BranchNeImm, A: r7, Imm: 0, Label: "loop"},
	)
	return halt(a).MustBlob()
}

// FaultThenHalt loads the u64 at FaultPage into φ7, adds 1 and halts (with
// φ0 = HaltAddress). Started with FaultPage unmapped, it page-faults first.
func FaultThenHalt(num isa.Numbering) []byte {
	a := isa.NewAsm(num).I(
		isa.Ins{Op: isa.LoadU64, A: r7, Imm: FaultPage},
		isa.Ins{Op: isa.AddImm64, A: r7, B: r7, Imm: 1},
	)
	return halt(a).MustBlob()
}

// Adder sets φ7 = φ7 + φ8 and halts (with φ0 = HaltAddress).
func Adder(num isa.Numbering) []byte {
	a := isa.NewAsm(num).I(isa.Ins{Op: isa.Add64, A: r7, B: r8, D: r7})
	return halt(a).MustBlob()
}

// CallInner calls `ecalli InvokeCallID`, adds 1 to φ7 and halts (with φ0 =
// HaltAddress): the client runs an inner machine while it waits.
func CallInner(num isa.Numbering) []byte {
	a := isa.NewAsm(num).I(
		isa.Ins{Op: isa.Ecalli, Imm: InvokeCallID},
		isa.Ins{Op: isa.AddImm64, A: r7, B: r7, Imm: 1},
	)
	return halt(a).MustBlob()
}

// Spin jumps to itself forever (until it runs out of gas).
func Spin(num isa.Numbering) []byte {
	return isa.NewAsm(num).Label("l").I(isa.Ins{Op: isa.Jump, Label: "l"}).MustBlob()
}

// Trap panics at once.
func Trap(num isa.Numbering) []byte {
	return isa.NewAsm(num).I(isa.Ins{Op: isa.Trap}).MustBlob()
}

// Standard wraps a code blob into a JAM standard program blob.
func Standard(ro, rw []byte, heapPages uint16, stackSize uint32, code []byte) []byte {
	var b []byte
	le24 := func(x uint32) { b = append(b, byte(x), byte(x>>8), byte(x>>16)) }
	le24(uint32(len(ro)))
	le24(uint32(len(rw)))
	b = binary.LittleEndian.AppendUint16(b, heapPages)
	le24(stackSize)
	b = append(b, ro...)
	b = append(b, rw...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(code)))
	return append(b, code...)
}

// EchoArgs is a standard program's code that halts at once: with the
// standard initial registers, its output (the bytes at [φ7, φ7+φ8)) is its
// argument bytes.
func EchoArgs(num isa.Numbering) []byte { return halt(isa.NewAsm(num)).MustBlob() }
