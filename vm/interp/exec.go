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
	a, b, d uint8
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
	gas := st.Gas
	count := st.Instructions
	data, perm := st.Mem.Raw()

	for {
		in := &code[i]
		switch in.op {
		// ---- block terminators: they fall out of the switch to the charge
		// of the block they continue at.
		case uint8(isa.Trap):
			kind, at, aux = exitPanic, i, 0
			goto out
		case uint8(isa.Fallthrough):
			i++
		case uint8(isa.Jump):
			i = int(in.arg)
		case uint8(isa.JumpInd):
			t, k, ok := djump(jt, uint32(r[in.a&15]+in.imm))
			if !ok {
				kind, at, aux = k, i, 0
				goto out
			}
			i = t
		case uint8(isa.LoadImmJump):
			r[in.a&15] = in.imm
			i = int(in.arg)
		case uint8(isa.LoadImmJumpInd):
			addr := uint32(r[in.b&15] + uint64(int64(int32(in.arg))))
			r[in.a&15] = in.imm
			t, k, ok := djump(jt, addr)
			if !ok {
				kind, at, aux = k, i, 0
				goto out
			}
			i = t
		case uint8(isa.BranchEqImm):
			i = branch(r[in.a&15] == in.imm, in, i)
		case uint8(isa.BranchNeImm):
			i = branch(r[in.a&15] != in.imm, in, i)
		case uint8(isa.BranchLtUImm):
			i = branch(r[in.a&15] < in.imm, in, i)
		case uint8(isa.BranchLeUImm):
			i = branch(r[in.a&15] <= in.imm, in, i)
		case uint8(isa.BranchGeUImm):
			i = branch(r[in.a&15] >= in.imm, in, i)
		case uint8(isa.BranchGtUImm):
			i = branch(r[in.a&15] > in.imm, in, i)
		case uint8(isa.BranchLtSImm):
			i = branch(int64(r[in.a&15]) < int64(in.imm), in, i)
		case uint8(isa.BranchLeSImm):
			i = branch(int64(r[in.a&15]) <= int64(in.imm), in, i)
		case uint8(isa.BranchGeSImm):
			i = branch(int64(r[in.a&15]) >= int64(in.imm), in, i)
		case uint8(isa.BranchGtSImm):
			i = branch(int64(r[in.a&15]) > int64(in.imm), in, i)
		case uint8(isa.BranchEq):
			i = branch(r[in.a&15] == r[in.b&15], in, i)
		case uint8(isa.BranchNe):
			i = branch(r[in.a&15] != r[in.b&15], in, i)
		case uint8(isa.BranchLtU):
			i = branch(r[in.a&15] < r[in.b&15], in, i)
		case uint8(isa.BranchLtS):
			i = branch(int64(r[in.a&15]) < int64(r[in.b&15]), in, i)
		case uint8(isa.BranchGeU):
			i = branch(r[in.a&15] >= r[in.b&15], in, i)
		case uint8(isa.BranchGeS):
			i = branch(int64(r[in.a&15]) >= int64(r[in.b&15]), in, i)
		case opBadJump:
			kind, at, aux = exitPanic, i, 0
			goto out
		case opOutOfGas:
			kind, at, aux = exitCharge, i, 0
			goto out

		// ---- everything else continues in the same block.
		case uint8(isa.Unlikely):
			i++
			continue
		case uint8(isa.Ecalli):
			kind, at, aux = exitHost, i, in.imm
			goto out
		case uint8(isa.LoadImm64), uint8(isa.LoadImm):
			r[in.a&15] = in.imm
			i++
			continue
		case uint8(isa.MoveReg):
			r[in.d&15] = r[in.a&15]
			i++
			continue
		case uint8(isa.Sbrk):
			r[in.d&15] = sbrk(st, r[in.a&15])
			i++
			continue

		// ---- stores of immediates
		case uint8(isa.StoreImmU8):
			if !canWrite(perm, in.arg, 1) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st8(data, in.arg, in.imm)
			i++
			continue
		case uint8(isa.StoreImmU16):
			if !canWrite(perm, in.arg, 2) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st16(data, in.arg, in.imm)
			i++
			continue
		case uint8(isa.StoreImmU32):
			if !canWrite(perm, in.arg, 4) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st32(data, in.arg, in.imm)
			i++
			continue
		case uint8(isa.StoreImmU64):
			if !canWrite(perm, in.arg, 8) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st64(data, in.arg, in.imm)
			i++
			continue
		case uint8(isa.StoreImmIndU8):
			a := uint32(r[in.a&15]) + in.arg
			if !canWrite(perm, a, 1) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st8(data, a, in.imm)
			i++
			continue
		case uint8(isa.StoreImmIndU16):
			a := uint32(r[in.a&15]) + in.arg
			if !canWrite(perm, a, 2) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st16(data, a, in.imm)
			i++
			continue
		case uint8(isa.StoreImmIndU32):
			a := uint32(r[in.a&15]) + in.arg
			if !canWrite(perm, a, 4) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st32(data, a, in.imm)
			i++
			continue
		case uint8(isa.StoreImmIndU64):
			a := uint32(r[in.a&15]) + in.arg
			if !canWrite(perm, a, 8) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st64(data, a, in.imm)
			i++
			continue

		// ---- loads and stores at absolute addresses
		case uint8(isa.LoadU8):
			if !canRead(perm, in.arg, 1) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = ld8(data, in.arg)
			i++
			continue
		case uint8(isa.LoadI8):
			if !canRead(perm, in.arg, 1) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = uint64(int64(int8(ld8(data, in.arg))))
			i++
			continue
		case uint8(isa.LoadU16):
			if !canRead(perm, in.arg, 2) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = ld16(data, in.arg)
			i++
			continue
		case uint8(isa.LoadI16):
			if !canRead(perm, in.arg, 2) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = uint64(int64(int16(ld16(data, in.arg))))
			i++
			continue
		case uint8(isa.LoadU32):
			if !canRead(perm, in.arg, 4) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = ld32(data, in.arg)
			i++
			continue
		case uint8(isa.LoadI32):
			if !canRead(perm, in.arg, 4) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = s32(ld32(data, in.arg))
			i++
			continue
		case uint8(isa.LoadU64):
			if !canRead(perm, in.arg, 8) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			r[in.a&15] = ld64(data, in.arg)
			i++
			continue
		case uint8(isa.StoreU8):
			if !canWrite(perm, in.arg, 1) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st8(data, in.arg, r[in.a&15])
			i++
			continue
		case uint8(isa.StoreU16):
			if !canWrite(perm, in.arg, 2) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st16(data, in.arg, r[in.a&15])
			i++
			continue
		case uint8(isa.StoreU32):
			if !canWrite(perm, in.arg, 4) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st32(data, in.arg, r[in.a&15])
			i++
			continue
		case uint8(isa.StoreU64):
			if !canWrite(perm, in.arg, 8) {
				kind, at, aux = exitFault, i, uint64(in.arg)
				goto out
			}
			st64(data, in.arg, r[in.a&15])
			i++
			continue

		// ---- loads and stores relative to a register
		case uint8(isa.StoreIndU8):
			a := uint32(r[in.b&15]) + in.arg
			if !canWrite(perm, a, 1) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st8(data, a, r[in.a&15])
			i++
			continue
		case uint8(isa.StoreIndU16):
			a := uint32(r[in.b&15]) + in.arg
			if !canWrite(perm, a, 2) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st16(data, a, r[in.a&15])
			i++
			continue
		case uint8(isa.StoreIndU32):
			a := uint32(r[in.b&15]) + in.arg
			if !canWrite(perm, a, 4) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st32(data, a, r[in.a&15])
			i++
			continue
		case uint8(isa.StoreIndU64):
			a := uint32(r[in.b&15]) + in.arg
			if !canWrite(perm, a, 8) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			st64(data, a, r[in.a&15])
			i++
			continue
		case uint8(isa.LoadIndU8):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 1) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = ld8(data, a)
			i++
			continue
		case uint8(isa.LoadIndI8):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 1) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = uint64(int64(int8(ld8(data, a))))
			i++
			continue
		case uint8(isa.LoadIndU16):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 2) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = ld16(data, a)
			i++
			continue
		case uint8(isa.LoadIndI16):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 2) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = uint64(int64(int16(ld16(data, a))))
			i++
			continue
		case uint8(isa.LoadIndU32):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 4) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = ld32(data, a)
			i++
			continue
		case uint8(isa.LoadIndI32):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 4) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = s32(ld32(data, a))
			i++
			continue
		case uint8(isa.LoadIndU64):
			a := uint32(r[in.b&15]) + in.arg
			if !canRead(perm, a, 8) {
				kind, at, aux = exitFault, i, uint64(a)
				goto out
			}
			r[in.a&15] = ld64(data, a)
			i++
			continue

		// ---- one register in, one out
		case uint8(isa.CountSetBits64):
			r[in.d&15] = uint64(bits.OnesCount64(r[in.a&15]))
			i++
			continue
		case uint8(isa.CountSetBits32):
			r[in.d&15] = uint64(bits.OnesCount32(uint32(r[in.a&15])))
			i++
			continue
		case uint8(isa.LeadingZeroBits64):
			r[in.d&15] = uint64(bits.LeadingZeros64(r[in.a&15]))
			i++
			continue
		case uint8(isa.LeadingZeroBits32):
			r[in.d&15] = uint64(bits.LeadingZeros32(uint32(r[in.a&15])))
			i++
			continue
		case uint8(isa.TrailingZeroBits64):
			r[in.d&15] = uint64(bits.TrailingZeros64(r[in.a&15]))
			i++
			continue
		case uint8(isa.TrailingZeroBits32):
			r[in.d&15] = uint64(bits.TrailingZeros32(uint32(r[in.a&15])))
			i++
			continue
		case uint8(isa.SignExtend8):
			r[in.d&15] = uint64(int64(int8(r[in.a&15])))
			i++
			continue
		case uint8(isa.SignExtend16):
			r[in.d&15] = uint64(int64(int16(r[in.a&15])))
			i++
			continue
		case uint8(isa.ZeroExtend16):
			r[in.d&15] = r[in.a&15] & 0xffff
			i++
			continue
		case uint8(isa.ReverseBytes):
			r[in.d&15] = bits.ReverseBytes64(r[in.a&15])
			i++
			continue

		// ---- two registers and an immediate: rA ← rB op νX
		case uint8(isa.AddImm32):
			r[in.a&15] = s32(r[in.b&15] + in.imm)
			i++
			continue
		case uint8(isa.AndImm):
			r[in.a&15] = r[in.b&15] & in.imm
			i++
			continue
		case uint8(isa.XorImm):
			r[in.a&15] = r[in.b&15] ^ in.imm
			i++
			continue
		case uint8(isa.OrImm):
			r[in.a&15] = r[in.b&15] | in.imm
			i++
			continue
		case uint8(isa.MulImm32):
			r[in.a&15] = s32(r[in.b&15] * in.imm)
			i++
			continue
		case uint8(isa.SetLtUImm):
			r[in.a&15] = b2u(r[in.b&15] < in.imm)
			i++
			continue
		case uint8(isa.SetLtSImm):
			r[in.a&15] = b2u(int64(r[in.b&15]) < int64(in.imm))
			i++
			continue
		case uint8(isa.ShloLImm32):
			r[in.a&15] = s32(uint64(uint32(r[in.b&15]) << (in.imm & 31)))
			i++
			continue
		case uint8(isa.ShloRImm32):
			r[in.a&15] = s32(uint64(uint32(r[in.b&15]) >> (in.imm & 31)))
			i++
			continue
		case uint8(isa.SharRImm32):
			r[in.a&15] = uint64(int64(int32(r[in.b&15]) >> (in.imm & 31)))
			i++
			continue
		case uint8(isa.NegAddImm32):
			r[in.a&15] = s32(in.imm - r[in.b&15])
			i++
			continue
		case uint8(isa.SetGtUImm):
			r[in.a&15] = b2u(r[in.b&15] > in.imm)
			i++
			continue
		case uint8(isa.SetGtSImm):
			r[in.a&15] = b2u(int64(r[in.b&15]) > int64(in.imm))
			i++
			continue
		case uint8(isa.ShloLImmAlt32):
			r[in.a&15] = s32(uint64(uint32(in.imm) << (r[in.b&15] & 31)))
			i++
			continue
		case uint8(isa.ShloRImmAlt32):
			r[in.a&15] = s32(uint64(uint32(in.imm) >> (r[in.b&15] & 31)))
			i++
			continue
		case uint8(isa.SharRImmAlt32):
			r[in.a&15] = uint64(int64(int32(in.imm) >> (r[in.b&15] & 31)))
			i++
			continue
		case uint8(isa.CmovIzImm):
			if r[in.b&15] == 0 {
				r[in.a&15] = in.imm
			}
			i++
			continue
		case uint8(isa.CmovNzImm):
			if r[in.b&15] != 0 {
				r[in.a&15] = in.imm
			}
			i++
			continue
		case uint8(isa.AddImm64):
			r[in.a&15] = r[in.b&15] + in.imm
			i++
			continue
		case uint8(isa.MulImm64):
			r[in.a&15] = r[in.b&15] * in.imm
			i++
			continue
		case uint8(isa.ShloLImm64):
			r[in.a&15] = r[in.b&15] << (in.imm & 63)
			i++
			continue
		case uint8(isa.ShloRImm64):
			r[in.a&15] = r[in.b&15] >> (in.imm & 63)
			i++
			continue
		case uint8(isa.SharRImm64):
			r[in.a&15] = uint64(int64(r[in.b&15]) >> (in.imm & 63))
			i++
			continue
		case uint8(isa.NegAddImm64):
			r[in.a&15] = in.imm - r[in.b&15]
			i++
			continue
		case uint8(isa.ShloLImmAlt64):
			r[in.a&15] = in.imm << (r[in.b&15] & 63)
			i++
			continue
		case uint8(isa.ShloRImmAlt64):
			r[in.a&15] = in.imm >> (r[in.b&15] & 63)
			i++
			continue
		case uint8(isa.SharRImmAlt64):
			r[in.a&15] = uint64(int64(in.imm) >> (r[in.b&15] & 63))
			i++
			continue
		case uint8(isa.RotR64Imm):
			r[in.a&15] = bits.RotateLeft64(r[in.b&15], -int(in.imm&63))
			i++
			continue
		case uint8(isa.RotR64ImmAlt):
			r[in.a&15] = bits.RotateLeft64(in.imm, -int(r[in.b&15]&63))
			i++
			continue
		case uint8(isa.RotR32Imm):
			r[in.a&15] = s32(uint64(bits.RotateLeft32(uint32(r[in.b&15]), -int(in.imm&31))))
			i++
			continue
		case uint8(isa.RotR32ImmAlt):
			r[in.a&15] = s32(uint64(bits.RotateLeft32(uint32(in.imm), -int(r[in.b&15]&31))))
			i++
			continue

		// ---- three registers: rD ← rA op rB
		case uint8(isa.Add32):
			r[in.d&15] = s32(r[in.a&15] + r[in.b&15])
			i++
			continue
		case uint8(isa.Sub32):
			r[in.d&15] = s32(r[in.a&15] - r[in.b&15])
			i++
			continue
		case uint8(isa.Mul32):
			r[in.d&15] = s32(r[in.a&15] * r[in.b&15])
			i++
			continue
		case uint8(isa.DivU32):
			r[in.d&15] = divU32(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.DivS32):
			r[in.d&15] = divS32(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.RemU32):
			r[in.d&15] = remU32(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.RemS32):
			r[in.d&15] = remS32(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.ShloL32):
			r[in.d&15] = s32(uint64(uint32(r[in.a&15]) << (r[in.b&15] & 31)))
			i++
			continue
		case uint8(isa.ShloR32):
			r[in.d&15] = s32(uint64(uint32(r[in.a&15]) >> (r[in.b&15] & 31)))
			i++
			continue
		case uint8(isa.SharR32):
			r[in.d&15] = uint64(int64(int32(r[in.a&15]) >> (r[in.b&15] & 31)))
			i++
			continue
		case uint8(isa.Add64):
			r[in.d&15] = r[in.a&15] + r[in.b&15]
			i++
			continue
		case uint8(isa.Sub64):
			r[in.d&15] = r[in.a&15] - r[in.b&15]
			i++
			continue
		case uint8(isa.Mul64):
			r[in.d&15] = r[in.a&15] * r[in.b&15]
			i++
			continue
		case uint8(isa.DivU64):
			r[in.d&15] = divU64(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.DivS64):
			r[in.d&15] = divS64(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.RemU64):
			r[in.d&15] = remU64(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.RemS64):
			r[in.d&15] = remS64(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.ShloL64):
			r[in.d&15] = r[in.a&15] << (r[in.b&15] & 63)
			i++
			continue
		case uint8(isa.ShloR64):
			r[in.d&15] = r[in.a&15] >> (r[in.b&15] & 63)
			i++
			continue
		case uint8(isa.SharR64):
			r[in.d&15] = uint64(int64(r[in.a&15]) >> (r[in.b&15] & 63))
			i++
			continue
		case uint8(isa.And):
			r[in.d&15] = r[in.a&15] & r[in.b&15]
			i++
			continue
		case uint8(isa.Xor):
			r[in.d&15] = r[in.a&15] ^ r[in.b&15]
			i++
			continue
		case uint8(isa.Or):
			r[in.d&15] = r[in.a&15] | r[in.b&15]
			i++
			continue
		case uint8(isa.MulUpperSS):
			r[in.d&15] = mulUpperSS(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.MulUpperUU):
			r[in.d&15], _ = bits.Mul64(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.MulUpperSU):
			r[in.d&15] = mulUpperSU(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.SetLtU):
			r[in.d&15] = b2u(r[in.a&15] < r[in.b&15])
			i++
			continue
		case uint8(isa.SetLtS):
			r[in.d&15] = b2u(int64(r[in.a&15]) < int64(r[in.b&15]))
			i++
			continue
		case uint8(isa.CmovIz):
			if r[in.b&15] == 0 {
				r[in.d&15] = r[in.a&15]
			}
			i++
			continue
		case uint8(isa.CmovNz):
			if r[in.b&15] != 0 {
				r[in.d&15] = r[in.a&15]
			}
			i++
			continue
		case uint8(isa.RotL64):
			r[in.d&15] = bits.RotateLeft64(r[in.a&15], int(r[in.b&15]&63))
			i++
			continue
		case uint8(isa.RotL32):
			r[in.d&15] = s32(uint64(bits.RotateLeft32(uint32(r[in.a&15]), int(r[in.b&15]&31))))
			i++
			continue
		case uint8(isa.RotR64):
			r[in.d&15] = bits.RotateLeft64(r[in.a&15], -int(r[in.b&15]&63))
			i++
			continue
		case uint8(isa.RotR32):
			r[in.d&15] = s32(uint64(bits.RotateLeft32(uint32(r[in.a&15]), -int(r[in.b&15]&31))))
			i++
			continue
		case uint8(isa.AndInv):
			r[in.d&15] = r[in.a&15] &^ r[in.b&15]
			i++
			continue
		case uint8(isa.OrInv):
			r[in.d&15] = r[in.a&15] | ^r[in.b&15]
			i++
			continue
		case uint8(isa.Xnor):
			r[in.d&15] = ^(r[in.a&15] ^ r[in.b&15])
			i++
			continue
		case uint8(isa.Max):
			r[in.d&15] = uint64(max(int64(r[in.a&15]), int64(r[in.b&15])))
			i++
			continue
		case uint8(isa.MaxU):
			r[in.d&15] = max(r[in.a&15], r[in.b&15])
			i++
			continue
		case uint8(isa.Min):
			r[in.d&15] = uint64(min(int64(r[in.a&15]), int64(r[in.b&15])))
			i++
			continue
		case uint8(isa.MinU):
			r[in.d&15] = min(r[in.a&15], r[in.b&15])
			i++
			continue
		default:
			kind, at, aux = exitPanic, i, 0
			goto out
		}

		// A terminator continued: enter the block at i and pay for it.
		next := &code[i]
		if gas < int64(next.cost) {
			kind, at, aux = exitCharge, i, 0
			goto out
		}
		gas -= int64(next.cost)
		count += uint64(next.blen)
	}
out:
	copy(st.Regs[:], r[:vm.NumRegs])
	st.Gas = gas
	st.Instructions = count
	return kind, at, aux
}
// branch returns the index a conditional branch continues at.
func branch(taken bool, in *instr, i int) int {
	if taken {
		return int(in.arg)
	}
	return i + 1
}
