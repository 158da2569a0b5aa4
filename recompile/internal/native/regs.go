package native

import "github.com/pvmd/pvmd/recompile/internal/amd64"

// GuestReg maps PVM register φi to the host register that holds it while
// generated code runs. RAX and RCX are the generated code's scratch
// registers; RSP stays the Go stack pointer (the trampoline's frame holds the
// values that do not fit in registers).
var GuestReg = [13]amd64.Reg{
	amd64.RDX, // φ0 ra: the register div/mul clobber, so the least used one
	amd64.RBX, // φ1 sp
	amd64.RSI, // φ2
	amd64.RDI, // φ3
	amd64.R8,  // φ4
	amd64.R9,  // φ5
	amd64.R10, // φ6
	amd64.R11, // φ7 a0
	amd64.R12, // φ8 a1
	amd64.R13, // φ9
	amd64.R14, // φ10
	amd64.R15, // φ11
	amd64.RBP, // φ12
}

// Scratch registers of generated code.
const (
	T0 = amd64.RAX
	T1 = amd64.RCX
)
