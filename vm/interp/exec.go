package interp

import (
	"math/bits"
	"unsafe"

	"github.com/pvmd/pvmd/vm"
	"github.com/pvmd/pvmd/vm/isa"
	"github.com/pvmd/pvmd/vm/memory"
)

// Internal ops past the ISA's, appended by the compiler.
const (
	// opBadJump stands at the target of a static jump that is not a block
	// start: it panics at the pc of the jump.
	opBadJump = uint8(isa.NumOps) + iota
	// opOutOfGas ends a truncated block (see instance.runTruncated).
	opOutOfGas
)

// instr is one instruction in the form the dispatch loop wants: 24 bytes,
// operands pre-decoded, jumps pre-resolved to indices.
type instr struct {
	op      uint8
	a, b, d uint8  // registers, as byte offsets into the register file (8·n)
	arg     uint32 // a jump target index, or a 32-bit immediate (address)
	imm     uint64 // νX or, for stores of immediates, νY
	cost    uint32 // gas charged on entering the block that starts here
	blen    uint32 // instructions in the block that starts here
}

// exitKind is why exec returned.
type exitKind uint8

const (
	exitHalt exitKind = iota
	exitPanic
	exitFault    // aux = page-aligned address
	exitHost     // aux = host call id
	exitCharge   // the block at the returned index could not be paid
	exitBadEntry // (not returned by exec) the start pc is not an instruction
)

func s32(x uint64) uint64 { return uint64(int64(int32(uint32(x)))) }

// canRead reports whether the guest may read n (1..8) bytes at a.
func canRead(perm *memory.PermTable, a, n uint32) bool {
	p := a >> memory.PageShift
	if perm[p] == memory.None {
		return false
	}
	return a&(memory.PageSize-1) <= memory.PageSize-n || perm[(p+1)&(memory.NumPages-1)] != memory.None
}

// canWrite reports whether the guest may write n (1..8) bytes at a.
func canWrite(perm *memory.PermTable, a, n uint32) bool {
	p := a >> memory.PageShift
	if perm[p] != memory.ReadWrite {
		return false
	}
	return a&(memory.PageSize-1) <= memory.PageSize-n || perm[(p+1)&(memory.NumPages-1)] == memory.ReadWrite
}

func ld8(d *memory.Data, a uint32) uint64  { return uint64(d[a]) }
func ld16(d *memory.Data, a uint32) uint64 { return uint64(*(*uint16)(unsafe.Pointer(&d[a]))) }
func ld32(d *memory.Data, a uint32) uint64 { return uint64(*(*uint32)(unsafe.Pointer(&d[a]))) }
func ld64(d *memory.Data, a uint32) uint64 { return *(*uint64)(unsafe.Pointer(&d[a])) }
func st8(d *memory.Data, a uint32, v uint64) {
	d[a] = byte(v)
}
func st16(d *memory.Data, a uint32, v uint64) { *(*uint16)(unsafe.Pointer(&d[a])) = uint16(v) }
func st32(d *memory.Data, a uint32, v uint64) { *(*uint32)(unsafe.Pointer(&d[a])) = uint32(v) }
func st64(d *memory.Data, a uint32, v uint64) { *(*uint64)(unsafe.Pointer(&d[a])) = v }

// mulUpperSS is the high half of the signed 128-bit product.
func mulUpperSS(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	if int64(b) < 0 {
		hi -= a
	}
	return hi
}

// mulUpperSU is the high half of signed a times unsigned b.
func mulUpperSU(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	return hi
}

func divU32(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return ^uint64(0)
	}
	return s32(uint64(uint32(a) / uint32(b)))
}

func divS32(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	switch {
	case y == 0:
		return ^uint64(0)
	case x == -1<<31 && y == -1:
		return uint64(int64(x))
	}
	return uint64(int64(x / y))
}

func remU32(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return s32(a)
	}
	return s32(uint64(uint32(a) % uint32(b)))
}

func remS32(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	switch {
	case y == 0:
		return uint64(int64(x))
	case x == -1<<31 && y == -1:
		return 0
	}
	return uint64(int64(x % y))
}

func divU64(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	return a / b
}

func divS64(a, b uint64) uint64 {
	x, y := int64(a), int64(b)
	switch {
	case y == 0:
		return ^uint64(0)
	case x == -1<<63 && y == -1:
		return a
	}
	return uint64(x / y)
}

func remU64(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func remS64(a, b uint64) uint64 {
	x, y := int64(a), int64(b)
	switch {
	case y == 0:
		return a
	case x == -1<<63 && y == -1:
		return 0
	}
	return uint64(x % y)
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// djump resolves a dynamic jump to address a: the index to continue at, or
// halt / panic.
func djump(jt []int32, a uint32) (int, exitKind, bool) {
	if a == haltAddress {
		return 0, exitHalt, false
	}
	if a == 0 || a&1 != 0 || uint64(a/2) > uint64(len(jt)) {
		return 0, exitPanic, false
	}
	t := jt[a/2-1]
	if t < 0 {
		return 0, exitPanic, false
	}
	return int(t), 0, true
}

const haltAddress = 1<<32 - 1<<16

// exec runs the program from index i, whose block is already paid for, until
// an exit. It returns the exit, the index of the instruction it happened at,
// and for faults and host calls the address or id. Registers, gas and the
// instruction count live in locals and are written back on the way out.
func exec(code []instr, jt []int32, st *vm.State, i int) (kind exitKind, at int, aux uint64) {
	var r [16]uint64
	copy(r[:vm.NumRegs], st.Regs[:])
	rp := unsafe.Pointer(&r)
	data, perm := st.Mem.Raw()
	// p walks the code by pointer: no bounds checks, no index scaling. It
	// never leaves the slice: every non-terminator is followed by another
	// entry (the last one is a trap) and jumps land on resolved indices.
	base := unsafe.Pointer(unsafe.SliceData(code))
	p := unsafe.Add(base, uintptr(i)*instrSize)

	for {
		in := (*instr)(p)
		switch in.op {
		// ---- block terminators: they fall out of the switch to the charge
		// of the block they continue at.
		case uint8(isa.Trap):
			kind, aux = exitPanic, 0
			goto out
		case uint8(isa.Fallthrough):
			p = unsafe.Add(p, instrSize)
		case uint8(isa.Jump):
			p = entry(base, in.arg)
		case uint8(isa.JumpInd):
			t, k, ok := djump(jt, uint32(*rg(rp, in.a)+in.imm))
			if !ok {
				kind, aux = k, 0
				goto out
			}
			p = entry(base, uint32(t))
		case uint8(isa.LoadImmJump):
			*rg(rp, in.a) = in.imm
			p = entry(base, in.arg)
		case uint8(isa.LoadImmJumpInd):
			addr := uint32(*rg(rp, in.b) + uint64(int64(int32(in.arg))))
			*rg(rp, in.a) = in.imm
			t, k, ok := djump(jt, addr)
			if !ok {
				kind, aux = k, 0
				goto out
			}
			p = entry(base, uint32(t))
		case uint8(isa.BranchEqImm):
			p = branch(*rg(rp, in.a) == in.imm, in, p, base)
		case uint8(isa.BranchNeImm):
			p = branch(*rg(rp, in.a) != in.imm, in, p, base)
		case uint8(isa.BranchLtUImm):
			p = branch(*rg(rp, in.a) < in.imm, in, p, base)
		case uint8(isa.BranchLeUImm):
			p = branch(*rg(rp, in.a) <= in.imm, in, p, base)
		case uint8(isa.BranchGeUImm):
			p = branch(*rg(rp, in.a) >= in.imm, in, p, base)
		case uint8(isa.BranchGtUImm):
			p = branch(*rg(rp, in.a) > in.imm, in, p, base)
		case uint8(isa.BranchLtSImm):
			p = branch(int64(*rg(rp, in.a)) < int64(in.imm), in, p, base)
		case uint8(isa.BranchLeSImm):
			p = branch(int64(*rg(rp, in.a)) <= int64(in.imm), in, p, base)
		case uint8(isa.BranchGeSImm):
			p = branch(int64(*rg(rp, in.a)) >= int64(in.imm), in, p, base)
		case uint8(isa.BranchGtSImm):
			p = branch(int64(*rg(rp, in.a)) > int64(in.imm), in, p, base)
		case uint8(isa.BranchEq):
			p = branch(*rg(rp, in.a) == *rg(rp, in.b), in, p, base)
		case uint8(isa.BranchNe):
			p = branch(*rg(rp, in.a) != *rg(rp, in.b), in, p, base)
		case uint8(isa.BranchLtU):
			p = branch(*rg(rp, in.a) < *rg(rp, in.b), in, p, base)
		case uint8(isa.BranchLtS):
			p = branch(int64(*rg(rp, in.a)) < int64(*rg(rp, in.b)), in, p, base)
		case uint8(isa.BranchGeU):
			p = branch(*rg(rp, in.a) >= *rg(rp, in.b), in, p, base)
		case uint8(isa.BranchGeS):
			p = branch(int64(*rg(rp, in.a)) >= int64(*rg(rp, in.b)), in, p, base)
		case opBadJump:
			kind, aux = exitPanic, 0
			goto out
		case opOutOfGas:
			kind, aux = exitCharge, 0
			goto out

		// ---- everything else continues in the same block.
		case uint8(isa.Unlikely):
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Ecalli):
			kind, aux = exitHost, in.imm
			goto out
		case uint8(isa.LoadImm64), uint8(isa.LoadImm):
			*rg(rp, in.a) = in.imm
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MoveReg):
			*rg(rp, in.d) = *rg(rp, in.a)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Sbrk):
			*rg(rp, in.d) = st.Sbrk(*rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue

		// ---- stores of immediates
		case uint8(isa.StoreImmU8):
			if !canWrite(perm, in.arg, 1) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st8(data, in.arg, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmU16):
			if !canWrite(perm, in.arg, 2) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st16(data, in.arg, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmU32):
			if !canWrite(perm, in.arg, 4) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st32(data, in.arg, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmU64):
			if !canWrite(perm, in.arg, 8) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st64(data, in.arg, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmIndU8):
			a := uint32(*rg(rp, in.a)) + in.arg
			if !canWrite(perm, a, 1) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st8(data, a, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmIndU16):
			a := uint32(*rg(rp, in.a)) + in.arg
			if !canWrite(perm, a, 2) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st16(data, a, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmIndU32):
			a := uint32(*rg(rp, in.a)) + in.arg
			if !canWrite(perm, a, 4) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st32(data, a, in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreImmIndU64):
			a := uint32(*rg(rp, in.a)) + in.arg
			if !canWrite(perm, a, 8) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st64(data, a, in.imm)
			p = unsafe.Add(p, instrSize)
			continue

		// ---- loads and stores at absolute addresses
		case uint8(isa.LoadU8):
			if !canRead(perm, in.arg, 1) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = ld8(data, in.arg)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadI8):
			if !canRead(perm, in.arg, 1) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = uint64(int64(int8(ld8(data, in.arg))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadU16):
			if !canRead(perm, in.arg, 2) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = ld16(data, in.arg)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadI16):
			if !canRead(perm, in.arg, 2) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = uint64(int64(int16(ld16(data, in.arg))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadU32):
			if !canRead(perm, in.arg, 4) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = ld32(data, in.arg)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadI32):
			if !canRead(perm, in.arg, 4) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = s32(ld32(data, in.arg))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadU64):
			if !canRead(perm, in.arg, 8) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			*rg(rp, in.a) = ld64(data, in.arg)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreU8):
			if !canWrite(perm, in.arg, 1) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st8(data, in.arg, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreU16):
			if !canWrite(perm, in.arg, 2) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st16(data, in.arg, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreU32):
			if !canWrite(perm, in.arg, 4) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st32(data, in.arg, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreU64):
			if !canWrite(perm, in.arg, 8) {
				kind, aux = exitFault, uint64(in.arg)
				goto out
			}
			st64(data, in.arg, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue

		// ---- loads and stores relative to a register
		case uint8(isa.StoreIndU8):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canWrite(perm, a, 1) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st8(data, a, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreIndU16):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canWrite(perm, a, 2) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st16(data, a, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreIndU32):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canWrite(perm, a, 4) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st32(data, a, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.StoreIndU64):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canWrite(perm, a, 8) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			st64(data, a, *rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndU8):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 1) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = ld8(data, a)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndI8):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 1) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = uint64(int64(int8(ld8(data, a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndU16):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 2) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = ld16(data, a)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndI16):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 2) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = uint64(int64(int16(ld16(data, a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndU32):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 4) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = ld32(data, a)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndI32):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 4) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = s32(ld32(data, a))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LoadIndU64):
			a := uint32(*rg(rp, in.b)) + in.arg
			if !canRead(perm, a, 8) {
				kind, aux = exitFault, uint64(a)
				goto out
			}
			*rg(rp, in.a) = ld64(data, a)
			p = unsafe.Add(p, instrSize)
			continue

		// ---- one register in, one out
		case uint8(isa.CountSetBits64):
			*rg(rp, in.d) = uint64(bits.OnesCount64(*rg(rp, in.a)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.CountSetBits32):
			*rg(rp, in.d) = uint64(bits.OnesCount32(uint32(*rg(rp, in.a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LeadingZeroBits64):
			*rg(rp, in.d) = uint64(bits.LeadingZeros64(*rg(rp, in.a)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.LeadingZeroBits32):
			*rg(rp, in.d) = uint64(bits.LeadingZeros32(uint32(*rg(rp, in.a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.TrailingZeroBits64):
			*rg(rp, in.d) = uint64(bits.TrailingZeros64(*rg(rp, in.a)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.TrailingZeroBits32):
			*rg(rp, in.d) = uint64(bits.TrailingZeros32(uint32(*rg(rp, in.a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SignExtend8):
			*rg(rp, in.d) = uint64(int64(int8(*rg(rp, in.a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SignExtend16):
			*rg(rp, in.d) = uint64(int64(int16(*rg(rp, in.a))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ZeroExtend16):
			*rg(rp, in.d) = *rg(rp, in.a) & 0xffff
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ReverseBytes):
			*rg(rp, in.d) = bits.ReverseBytes64(*rg(rp, in.a))
			p = unsafe.Add(p, instrSize)
			continue

		// ---- two registers and an immediate: rA ← rB op νX
		case uint8(isa.AddImm32):
			*rg(rp, in.a) = s32(*rg(rp, in.b) + in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.AndImm):
			*rg(rp, in.a) = *rg(rp, in.b) & in.imm
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.XorImm):
			*rg(rp, in.a) = *rg(rp, in.b) ^ in.imm
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.OrImm):
			*rg(rp, in.a) = *rg(rp, in.b) | in.imm
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MulImm32):
			*rg(rp, in.a) = s32(*rg(rp, in.b) * in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SetLtUImm):
			*rg(rp, in.a) = b2u(*rg(rp, in.b) < in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SetLtSImm):
			*rg(rp, in.a) = b2u(int64(*rg(rp, in.b)) < int64(in.imm))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloLImm32):
			*rg(rp, in.a) = s32(uint64(uint32(*rg(rp, in.b)) << (in.imm & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloRImm32):
			*rg(rp, in.a) = s32(uint64(uint32(*rg(rp, in.b)) >> (in.imm & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SharRImm32):
			*rg(rp, in.a) = uint64(int64(int32(*rg(rp, in.b)) >> (in.imm & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.NegAddImm32):
			*rg(rp, in.a) = s32(in.imm - *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SetGtUImm):
			*rg(rp, in.a) = b2u(*rg(rp, in.b) > in.imm)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SetGtSImm):
			*rg(rp, in.a) = b2u(int64(*rg(rp, in.b)) > int64(in.imm))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloLImmAlt32):
			*rg(rp, in.a) = s32(uint64(uint32(in.imm) << (*rg(rp, in.b) & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloRImmAlt32):
			*rg(rp, in.a) = s32(uint64(uint32(in.imm) >> (*rg(rp, in.b) & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SharRImmAlt32):
			*rg(rp, in.a) = uint64(int64(int32(in.imm) >> (*rg(rp, in.b) & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.CmovIzImm):
			if *rg(rp, in.b) == 0 {
				*rg(rp, in.a) = in.imm
			}
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.CmovNzImm):
			if *rg(rp, in.b) != 0 {
				*rg(rp, in.a) = in.imm
			}
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.AddImm64):
			*rg(rp, in.a) = *rg(rp, in.b) + in.imm
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MulImm64):
			*rg(rp, in.a) = *rg(rp, in.b) * in.imm
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloLImm64):
			*rg(rp, in.a) = *rg(rp, in.b) << (in.imm & 63)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloRImm64):
			*rg(rp, in.a) = *rg(rp, in.b) >> (in.imm & 63)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SharRImm64):
			*rg(rp, in.a) = uint64(int64(*rg(rp, in.b)) >> (in.imm & 63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.NegAddImm64):
			*rg(rp, in.a) = in.imm - *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloLImmAlt64):
			*rg(rp, in.a) = in.imm << (*rg(rp, in.b) & 63)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloRImmAlt64):
			*rg(rp, in.a) = in.imm >> (*rg(rp, in.b) & 63)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SharRImmAlt64):
			*rg(rp, in.a) = uint64(int64(in.imm) >> (*rg(rp, in.b) & 63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotR64Imm):
			*rg(rp, in.a) = bits.RotateLeft64(*rg(rp, in.b), -int(in.imm&63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotR64ImmAlt):
			*rg(rp, in.a) = bits.RotateLeft64(in.imm, -int(*rg(rp, in.b)&63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotR32Imm):
			*rg(rp, in.a) = s32(uint64(bits.RotateLeft32(uint32(*rg(rp, in.b)), -int(in.imm&31))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotR32ImmAlt):
			*rg(rp, in.a) = s32(uint64(bits.RotateLeft32(uint32(in.imm), -int(*rg(rp, in.b)&31))))
			p = unsafe.Add(p, instrSize)
			continue

		// ---- three registers: rD ← rA op rB
		case uint8(isa.Add32):
			*rg(rp, in.d) = s32(*rg(rp, in.a) + *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Sub32):
			*rg(rp, in.d) = s32(*rg(rp, in.a) - *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Mul32):
			*rg(rp, in.d) = s32(*rg(rp, in.a) * *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.DivU32):
			*rg(rp, in.d) = divU32(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.DivS32):
			*rg(rp, in.d) = divS32(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RemU32):
			*rg(rp, in.d) = remU32(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RemS32):
			*rg(rp, in.d) = remS32(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloL32):
			*rg(rp, in.d) = s32(uint64(uint32(*rg(rp, in.a)) << (*rg(rp, in.b) & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloR32):
			*rg(rp, in.d) = s32(uint64(uint32(*rg(rp, in.a)) >> (*rg(rp, in.b) & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SharR32):
			*rg(rp, in.d) = uint64(int64(int32(*rg(rp, in.a)) >> (*rg(rp, in.b) & 31)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Add64):
			*rg(rp, in.d) = *rg(rp, in.a) + *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Sub64):
			*rg(rp, in.d) = *rg(rp, in.a) - *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Mul64):
			*rg(rp, in.d) = *rg(rp, in.a) * *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.DivU64):
			*rg(rp, in.d) = divU64(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.DivS64):
			*rg(rp, in.d) = divS64(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RemU64):
			*rg(rp, in.d) = remU64(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RemS64):
			*rg(rp, in.d) = remS64(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloL64):
			*rg(rp, in.d) = *rg(rp, in.a) << (*rg(rp, in.b) & 63)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.ShloR64):
			*rg(rp, in.d) = *rg(rp, in.a) >> (*rg(rp, in.b) & 63)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SharR64):
			*rg(rp, in.d) = uint64(int64(*rg(rp, in.a)) >> (*rg(rp, in.b) & 63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.And):
			*rg(rp, in.d) = *rg(rp, in.a) & *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Xor):
			*rg(rp, in.d) = *rg(rp, in.a) ^ *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Or):
			*rg(rp, in.d) = *rg(rp, in.a) | *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MulUpperSS):
			*rg(rp, in.d) = mulUpperSS(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MulUpperUU):
			*rg(rp, in.d), _ = bits.Mul64(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MulUpperSU):
			*rg(rp, in.d) = mulUpperSU(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SetLtU):
			*rg(rp, in.d) = b2u(*rg(rp, in.a) < *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.SetLtS):
			*rg(rp, in.d) = b2u(int64(*rg(rp, in.a)) < int64(*rg(rp, in.b)))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.CmovIz):
			if *rg(rp, in.b) == 0 {
				*rg(rp, in.d) = *rg(rp, in.a)
			}
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.CmovNz):
			if *rg(rp, in.b) != 0 {
				*rg(rp, in.d) = *rg(rp, in.a)
			}
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotL64):
			*rg(rp, in.d) = bits.RotateLeft64(*rg(rp, in.a), int(*rg(rp, in.b)&63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotL32):
			*rg(rp, in.d) = s32(uint64(bits.RotateLeft32(uint32(*rg(rp, in.a)), int(*rg(rp, in.b)&31))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotR64):
			*rg(rp, in.d) = bits.RotateLeft64(*rg(rp, in.a), -int(*rg(rp, in.b)&63))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.RotR32):
			*rg(rp, in.d) = s32(uint64(bits.RotateLeft32(uint32(*rg(rp, in.a)), -int(*rg(rp, in.b)&31))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.AndInv):
			*rg(rp, in.d) = *rg(rp, in.a) &^ *rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.OrInv):
			*rg(rp, in.d) = *rg(rp, in.a) | ^*rg(rp, in.b)
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Xnor):
			*rg(rp, in.d) = ^(*rg(rp, in.a) ^ *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Max):
			*rg(rp, in.d) = uint64(max(int64(*rg(rp, in.a)), int64(*rg(rp, in.b))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MaxU):
			*rg(rp, in.d) = max(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.Min):
			*rg(rp, in.d) = uint64(min(int64(*rg(rp, in.a)), int64(*rg(rp, in.b))))
			p = unsafe.Add(p, instrSize)
			continue
		case uint8(isa.MinU):
			*rg(rp, in.d) = min(*rg(rp, in.a), *rg(rp, in.b))
			p = unsafe.Add(p, instrSize)
			continue
		case 255:
			// Never produced by the compiler: this case makes the switch
			// cover every byte, so its jump table needs no range check.
			kind, aux = exitPanic, 0
			goto out
		default:
			kind, aux = exitPanic, 0
			goto out
		}

		// A terminator continued: enter the block at p and pay for it.
		next := (*instr)(p)
		if st.Gas < int64(next.cost) {
			kind, aux = exitCharge, 0
			goto out
		}
		st.Gas -= int64(next.cost)
		st.Instructions += uint64(next.blen)
	}
out:
	copy(st.Regs[:], r[:vm.NumRegs])
	return kind, int((uintptr(p) - uintptr(base)) / instrSize), aux
}

// rg is the register at byte offset o (a register number times 8, as the
// compiler stores operands) of the register file at rp.
func rg(rp unsafe.Pointer, o uint8) *uint64 { return (*uint64)(unsafe.Add(rp, o)) }

// instrSize is the size of instr, the stride of the code walk.
const instrSize = unsafe.Sizeof(instr{})

// entry is the entry with index i.
func entry(base unsafe.Pointer, i uint32) unsafe.Pointer {
	return unsafe.Add(base, uintptr(i)*instrSize)
}

// branch returns where a conditional branch continues.
func branch(taken bool, in *instr, p, base unsafe.Pointer) unsafe.Pointer {
	if taken {
		return entry(base, in.arg)
	}
	return unsafe.Add(p, instrSize)
}
