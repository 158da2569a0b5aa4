package recompile

import (
	"math/bits"

	"github.com/pvmd/pvmd/recompile/internal/amd64"
	"github.com/pvmd/pvmd/vm/isa"
)

// emit translates one instruction: in, at position k of the block (c.buf),
// with index idx and unspent instructions after it in the block.
func (c *compiler) emit(in *isa.Instruction, k int, idx, unspent uint32) {
	a := c.a
	// zf: the guest register whose zero test the flags hold (see c.zf).
	zf := c.zf
	c.zf = -1
	if !in.Valid {
		c.exitHere(siteTrap, idx, unspent)
		return
	}
	A, B, D := reg(in.A), reg(in.B), reg(in.D)
	imm := int32(in.Imm) // every immediate but load_imm_64's is a sign-extended 32-bit value
	if m := c.lentIn(in); m != 0 {
		// Registers whose host registers hold the bases: their guest values
		// are in spill slots.
		switch {
		case in.Op.IsBranch():
			// Compare the guest values in scratch registers.
			if m&(1<<in.A) != 0 {
				a.Load(8, t0, amd64.M(rsp, c.bases.slot(int(in.A))))
				A = t0
			}
			if in.Op.Format() == isa.FmtRegRegOffset && m&(1<<in.B) != 0 {
				a.Load(8, t1, amd64.M(rsp, c.bases.slot(int(in.B))))
				B = t1
			}
			zf = -1
		case in.Op == isa.LoadImmJump, in.Op == isa.JumpInd, in.Op == isa.LoadImmJumpInd, in.Op == isa.Sbrk:
			// Handled below.
		default:
			c.spilled(in, k, idx, unspent, m)
			return
		}
	}
	switch in.Op {
	case isa.Trap:
		c.exitHere(siteTrap, idx, unspent)
	case isa.Fallthrough, isa.Unlikely:
	case isa.Ecalli:
		c.exitHere(siteHost, idx, unspent)
	case isa.Sbrk:
		c.exitHere(siteSbrk, idx, unspent)
	case isa.LoadImm64, isa.LoadImm:
		a.MovImm(A, in.Imm)
	case isa.MoveReg:
		c.mov(D, A)

	// ---- control flow
	case isa.Jump:
		c.jumpTo(0, true, in.Target, idx)
	case isa.LoadImmJump:
		c.setImm(in.A, in.Imm)
		c.jumpTo(0, true, in.Target, idx)
	case isa.JumpInd:
		c.djump(idx, in.A, uint32(in.Imm), -1, 0)
	case isa.LoadImmJumpInd:
		c.djump(idx, in.B, uint32(in.Imm2), int(in.A), in.Imm)
	case isa.BranchEqImm, isa.BranchNeImm, isa.BranchLtUImm, isa.BranchLeUImm, isa.BranchGeUImm,
		isa.BranchGtUImm, isa.BranchLtSImm, isa.BranchLeSImm, isa.BranchGeSImm, isa.BranchGtSImm:
		cond, reused := c.compare(in, A, B, zf)
		if reused {
			// Go may also enter here (a SetPC): through a stub that sets
			// the flags.
			entry := c.cold.Len()
			c.cold.TestRR(A, A)
			c.cold.JmpTo(a.Len())
			c.offs[idx] = uint32(entry)
		}
		c.jumpTo(cond, false, in.Target, idx)
	case isa.BranchEq, isa.BranchNe, isa.BranchLtU, isa.BranchLtS, isa.BranchGeU, isa.BranchGeS:
		cond, _ := c.compare(in, A, B, zf)
		c.jumpTo(cond, false, in.Target, idx)

	// ---- memory
	case isa.LoadU8, isa.LoadI8, isa.LoadU16, isa.LoadI16, isa.LoadU32, isa.LoadI32, isa.LoadU64,
		isa.LoadIndU8, isa.LoadIndI8, isa.LoadIndU16, isa.LoadIndI16, isa.LoadIndU32, isa.LoadIndI32, isa.LoadIndU64,
		isa.StoreU8, isa.StoreU16, isa.StoreU32, isa.StoreU64,
		isa.StoreIndU8, isa.StoreIndU16, isa.StoreIndU32, isa.StoreIndU64,
		isa.StoreImmU8, isa.StoreImmU16, isa.StoreImmU32, isa.StoreImmU64,
		isa.StoreImmIndU8, isa.StoreImmIndU16, isa.StoreImmIndU32, isa.StoreImmIndU64:
		c.access(in, k, idx, unspent)

	// ---- one register in, one out
	case isa.CountSetBits64:
		if c.feat.popcnt {
			a.BitCountRR(amd64.POPCNT, D, A)
		} else {
			c.mov(t0, A)
			c.popcount()
			a.MovRR(D, t0)
		}
	case isa.CountSetBits32:
		if c.feat.popcnt {
			a.BitCountRR32(amd64.POPCNT, D, A)
		} else {
			a.MovRR32(t0, A)
			c.popcount()
			a.MovRR(D, t0)
		}
	case isa.LeadingZeroBits64:
		if c.feat.lzcnt {
			a.BitCountRR(amd64.LZCNT, D, A)
		} else {
			a.MovImm(t1, 127)
			a.Bsr(t0, A)
			a.Cmov(amd64.CondE, t0, t1)
			a.ALURI32(amd64.XOR, t0, 63)
			a.MovRR(D, t0)
		}
	case isa.LeadingZeroBits32:
		if c.feat.lzcnt {
			a.BitCountRR32(amd64.LZCNT, D, A)
		} else {
			a.MovImm(t1, 63)
			a.Bsr32(t0, A)
			a.Cmov32(amd64.CondE, t0, t1)
			a.ALURI32(amd64.XOR, t0, 31)
			a.MovRR(D, t0)
		}
	case isa.TrailingZeroBits64:
		if c.feat.tzcnt {
			a.BitCountRR(amd64.TZCNT, D, A)
		} else {
			a.MovImm(t1, 64)
			a.Bsf(t0, A)
			a.Cmov(amd64.CondE, t0, t1)
			a.MovRR(D, t0)
		}
	case isa.TrailingZeroBits32:
		if c.feat.tzcnt {
			a.BitCountRR32(amd64.TZCNT, D, A)
		} else {
			a.MovImm(t1, 32)
			a.Bsf32(t0, A)
			a.Cmov32(amd64.CondE, t0, t1)
			a.MovRR(D, t0)
		}
	case isa.SignExtend8:
		a.Movsx8(D, A)
	case isa.SignExtend16:
		a.Movsx16(D, A)
	case isa.ZeroExtend16:
		a.Movzx16(D, A)
	case isa.ReverseBytes:
		c.mov(D, A)
		a.Bswap(D)

	// ---- two registers and an immediate: A = f(B, imm)
	case isa.AddImm32:
		if imm == 0 {
			a.Movsxd(A, B)
		} else {
			a.Lea32(t0, amd64.M(B, imm))
			a.Movsxd(A, t0)
		}
	case isa.AddImm64:
		switch {
		case A == B && imm != 0:
			a.ALURI(amd64.ADD, A, imm)
			c.zf = int(in.A)
		case A == B:
		case imm == 0:
			a.MovRR(A, B)
		default:
			a.Lea(A, amd64.M(B, imm))
		}
	case isa.AndImm, isa.XorImm, isa.OrImm:
		c.mov(A, B)
		a.ALURI(map3[in.Op-isa.AndImm], A, imm)
		c.zf = int(in.A)
	case isa.MulImm32:
		a.ImulImm32(t0, B, imm)
		a.Movsxd(A, t0)
	case isa.MulImm64:
		a.ImulImm(A, B, imm)
	case isa.SetLtUImm, isa.SetLtSImm, isa.SetGtUImm, isa.SetGtSImm:
		a.ALURI(amd64.CMP, B, imm)
		a.Setcc(setImmCond(in.Op), t0)
		a.Movzx8(A, t0)
	case isa.ShloLImm32, isa.ShloRImm32:
		k := uint8(imm & 31)
		if k == 0 {
			a.Movsxd(A, B)
			break
		}
		a.MovRR32(t0, B)
		if in.Op == isa.ShloLImm32 {
			a.ShiftRI32(amd64.SHL, t0, k)
		} else {
			a.ShiftRI32(amd64.SHR, t0, k)
		}
		a.Movsxd(A, t0)
	case isa.SharRImm32:
		a.Movsxd(A, B)
		if k := uint8(imm & 31); k != 0 {
			a.ShiftRI(amd64.SAR, A, k)
		}
	case isa.NegAddImm32:
		a.MovImm(t0, uint64(uint32(imm)))
		a.ALURR32(amd64.SUB, t0, B)
		a.Movsxd(A, t0)
	case isa.NegAddImm64:
		if A == B {
			a.Neg(A)
			if imm != 0 {
				a.ALURI(amd64.ADD, A, imm)
			}
		} else {
			a.MovImm(A, in.Imm)
			a.ALURR(amd64.SUB, A, B)
		}
	case isa.ShloLImmAlt32, isa.ShloRImmAlt32, isa.SharRImmAlt32:
		op := altShift(in.Op)
		if c.feat.bmi2 {
			a.MovImm(t0, uint64(uint32(imm)))
			a.ShiftX32(shiftX(op), t0, t0, B)
		} else {
			a.MovRR32(t1, B)
			a.MovImm(t0, uint64(uint32(imm)))
			a.ShiftRCL32(op, t0)
		}
		a.Movsxd(A, t0)
	case isa.ShloLImmAlt64, isa.ShloRImmAlt64, isa.SharRImmAlt64:
		op := altShift(in.Op)
		if c.feat.bmi2 {
			a.MovImm(t0, in.Imm)
			a.ShiftX(shiftX(op), A, t0, B)
		} else {
			a.MovRR32(t1, B)
			a.MovImm(t0, in.Imm)
			a.ShiftRCL(op, t0)
			a.MovRR(A, t0)
		}
	case isa.ShloLImm64, isa.ShloRImm64, isa.SharRImm64:
		c.mov(A, B)
		if k := uint8(imm & 63); k != 0 {
			a.ShiftRI([3]amd64.Shift{amd64.SHL, amd64.SHR, amd64.SAR}[in.Op-isa.ShloLImm64], A, k)
		}
	case isa.CmovIzImm, isa.CmovNzImm:
		a.MovImm(t0, in.Imm)
		a.TestRR(B, B)
		if in.Op == isa.CmovIzImm {
			a.Cmov(amd64.CondE, A, t0)
		} else {
			a.Cmov(amd64.CondNE, A, t0)
		}
	case isa.RotR64Imm:
		k := uint8(imm & 63)
		if c.feat.bmi2 {
			a.Rorx(A, B, k)
		} else {
			c.mov(A, B)
			if k != 0 {
				a.ShiftRI(amd64.ROR, A, k)
			}
		}
	case isa.RotR64ImmAlt:
		a.MovRR32(t1, B)
		a.MovImm(t0, in.Imm)
		a.ShiftRCL(amd64.ROR, t0)
		a.MovRR(A, t0)
	case isa.RotR32Imm:
		k := uint8(imm & 31)
		if c.feat.bmi2 {
			a.Rorx32(t0, B, k)
		} else {
			a.MovRR32(t0, B)
			if k != 0 {
				a.ShiftRI32(amd64.ROR, t0, k)
			}
		}
		a.Movsxd(A, t0)
	case isa.RotR32ImmAlt:
		a.MovRR32(t1, B)
		a.MovImm(t0, uint64(uint32(imm)))
		a.ShiftRCL32(amd64.ROR, t0)
		a.Movsxd(A, t0)

	// ---- three registers: D = f(A, B)
	case isa.Add32:
		a.Lea32(t0, amd64.MI(A, B, 1, 0))
		a.Movsxd(D, t0)
	case isa.Sub32:
		a.MovRR32(t0, A)
		a.ALURR32(amd64.SUB, t0, B)
		a.Movsxd(D, t0)
	case isa.Mul32:
		a.MovRR32(t0, A)
		a.Imul32(t0, B)
		a.Movsxd(D, t0)
	case isa.Add64:
		switch {
		case D == A:
			a.ALURR(amd64.ADD, D, B)
			c.zf = int(in.D)
		case D == B:
			a.ALURR(amd64.ADD, D, A)
			c.zf = int(in.D)
		default:
			a.Lea(D, amd64.MI(A, B, 1, 0))
		}
	case isa.Sub64:
		switch {
		case D == A:
			a.ALURR(amd64.SUB, D, B)
		case D == B:
			a.Neg(D)
			a.ALURR(amd64.ADD, D, A)
		default:
			a.MovRR(D, A)
			a.ALURR(amd64.SUB, D, B)
		}
		c.zf = int(in.D)
	case isa.Mul64:
		switch {
		case D == A:
			a.Imul(D, B)
		case D == B:
			a.Imul(D, A)
		default:
			a.MovRR(D, A)
			a.Imul(D, B)
		}
	case isa.And, isa.Xor, isa.Or:
		c.aluComm(map3[in.Op-isa.And], D, A, B)
		c.zf = int(in.D)
	case isa.DivU32, isa.DivS32, isa.RemU32, isa.RemS32, isa.DivU64, isa.DivS64, isa.RemU64, isa.RemS64:
		c.divRem(in.Op, in.D, in.A, in.B)
	case isa.MulUpperSS, isa.MulUpperUU, isa.MulUpperSU:
		c.mulUpper(in.Op, in.D, in.A, in.B)
	case isa.ShloL64, isa.ShloR64, isa.SharR64:
		op := [3]amd64.Shift{amd64.SHL, amd64.SHR, amd64.SAR}[in.Op-isa.ShloL64]
		if c.feat.bmi2 {
			a.ShiftX(shiftX(op), D, A, B)
		} else {
			a.MovRR32(t1, B)
			c.mov(D, A)
			a.ShiftRCL(op, D)
		}
	case isa.ShloL32, isa.ShloR32, isa.SharR32:
		op := [3]amd64.Shift{amd64.SHL, amd64.SHR, amd64.SAR}[in.Op-isa.ShloL32]
		if c.feat.bmi2 {
			a.ShiftX32(shiftX(op), t0, A, B)
		} else {
			a.MovRR32(t1, B)
			a.MovRR32(t0, A)
			a.ShiftRCL32(op, t0)
		}
		a.Movsxd(D, t0)
	case isa.RotL64, isa.RotR64:
		op := amd64.ROL
		if in.Op == isa.RotR64 {
			op = amd64.ROR
		}
		a.MovRR32(t1, B)
		c.mov(D, A)
		a.ShiftRCL(op, D)
	case isa.RotL32, isa.RotR32:
		op := amd64.ROL
		if in.Op == isa.RotR32 {
			op = amd64.ROR
		}
		a.MovRR32(t1, B)
		a.MovRR32(t0, A)
		a.ShiftRCL32(op, t0)
		a.Movsxd(D, t0)
	case isa.SetLtU, isa.SetLtS:
		a.ALURR(amd64.CMP, A, B)
		if in.Op == isa.SetLtU {
			a.Setcc(amd64.CondB, t0)
		} else {
			a.Setcc(amd64.CondL, t0)
		}
		a.Movzx8(D, t0)
	case isa.CmovIz, isa.CmovNz:
		a.TestRR(B, B)
		if in.Op == isa.CmovIz {
			a.Cmov(amd64.CondE, D, A)
		} else {
			a.Cmov(amd64.CondNE, D, A)
		}
	case isa.AndInv, isa.OrInv:
		a.MovRR(t0, B)
		a.Not(t0)
		if in.Op == isa.AndInv {
			a.ALURR(amd64.AND, t0, A)
		} else {
			a.ALURR(amd64.OR, t0, A)
		}
		a.MovRR(D, t0)
	case isa.Xnor:
		a.MovRR(t0, A)
		a.ALURR(amd64.XOR, t0, B)
		a.Not(t0)
		a.MovRR(D, t0)
	case isa.Max, isa.MaxU, isa.Min, isa.MinU:
		a.MovRR(t0, A)
		a.ALURR(amd64.CMP, t0, B)
		a.Cmov([4]amd64.Cond{amd64.CondL, amd64.CondB, amd64.CondG, amd64.CondA}[in.Op-isa.Max], t0, B)
		a.MovRR(D, t0)
	default:
		// Every defined Op is handled above; an unknown one traps.
		c.exitHere(siteTrap, idx, unspent)
	}
}

var immBranchCond = [...]amd64.Cond{
	amd64.CondE, amd64.CondNE, amd64.CondB, amd64.CondBE, amd64.CondAE,
	amd64.CondA, amd64.CondL, amd64.CondLE, amd64.CondGE, amd64.CondG,
}

var regBranchCond = [...]amd64.Cond{
	amd64.CondE, amd64.CondNE, amd64.CondB, amd64.CondL, amd64.CondAE, amd64.CondGE,
}

// map3 maps and/xor/or (in the ISA's order) to ALU operations.
var map3 = [3]amd64.ALU{amd64.AND, amd64.XOR, amd64.OR}

func setImmCond(op isa.Op) amd64.Cond {
	switch op {
	case isa.SetLtUImm:
		return amd64.CondB
	case isa.SetLtSImm:
		return amd64.CondL
	case isa.SetGtUImm:
		return amd64.CondA
	}
	return amd64.CondG
}

func altShift(op isa.Op) amd64.Shift {
	switch op {
	case isa.ShloLImmAlt32, isa.ShloLImmAlt64:
		return amd64.SHL
	case isa.ShloRImmAlt32, isa.ShloRImmAlt64:
		return amd64.SHR
	}
	return amd64.SAR
}

func shiftX(op amd64.Shift) amd64.ShiftX {
	switch op {
	case amd64.SHL:
		return amd64.SHLX
	case amd64.SHR:
		return amd64.SHRX
	}
	return amd64.SARX
}

func (c *compiler) mov(d, s amd64.Reg) {
	if d != s {
		c.a.MovRR(d, s)
	}
}

// aluComm is d = x op y for a commutative op.
func (c *compiler) aluComm(op amd64.ALU, d, x, y amd64.Reg) {
	switch {
	case d == x:
		c.a.ALURR(op, d, y)
	case d == y:
		c.a.ALURR(op, d, x)
	default:
		c.a.MovRR(d, x)
		c.a.ALURR(op, d, y)
	}
}

// accessSize is the number of bytes a load or store moves.
func accessSize(op isa.Op) int {
	switch op {
	case isa.LoadU8, isa.LoadI8, isa.LoadIndU8, isa.LoadIndI8, isa.StoreU8, isa.StoreIndU8, isa.StoreImmU8, isa.StoreImmIndU8:
		return 1
	case isa.LoadU16, isa.LoadI16, isa.LoadIndU16, isa.LoadIndI16, isa.StoreU16, isa.StoreIndU16, isa.StoreImmU16, isa.StoreImmIndU16:
		return 2
	case isa.LoadU32, isa.LoadI32, isa.LoadIndU32, isa.LoadIndI32, isa.StoreU32, isa.StoreIndU32, isa.StoreImmU32, isa.StoreImmIndU32:
		return 4
	}
	return 8
}

func isStore(op isa.Op) bool {
	return (op >= isa.StoreImmU8 && op <= isa.StoreImmU64) || (op >= isa.StoreU8 && op <= isa.StoreImmIndU64) ||
		(op >= isa.StoreIndU8 && op <= isa.StoreIndU64)
}

// spilled emits in, which names registers m lent to the bases (see
// memBases): it loads their guest values from the spill slots, runs in
// with the bases in the frame, stores the one it writes back, and restores
// the bases (with moves and lea, which leave the flags alone).
func (c *compiler) spilled(in *isa.Instruction, k int, idx, unspent uint32, m uint16) {
	a := c.a
	b := c.bases
	for r := m; r != 0; r &= r - 1 {
		g := bits.TrailingZeros16(r)
		a.Load(8, reg(uint8(g)), amd64.M(rsp, b.slot(g)))
	}
	c.bases, c.lent, c.wrapped = memBases{mem: -1, perm: -1}, 0, true
	c.emit(in, k, idx, unspent)
	c.bases, c.lent, c.wrapped = b, b.lent(), false
	if d := destOf(in); d >= 0 && m&(1<<d) != 0 {
		a.Store(8, amd64.M(rsp, b.slot(d)), reg(uint8(d)))
	}
	for r := m; r != 0; r &= r - 1 {
		g := bits.TrailingZeros16(r)
		h := reg(uint8(g))
		if int8(g) == b.mem {
			a.Load(8, h, amd64.M(rsp, fMem))
			if b.bias() != 0 {
				a.Lea(h, amd64.M(h, b.bias()))
			}
		} else {
			a.Load(8, h, amd64.M(rsp, fPerm))
			a.Lea(h, amd64.M(h, 1))
		}
	}
	c.zf = -1
}

// setImm sets guest register g to v (a sign-extended 32-bit value), in
// its spill slot if it is lent to a base.
func (c *compiler) setImm(g uint8, v uint64) {
	if c.lent&(1<<g) != 0 {
		c.a.StoreImm(8, amd64.M(rsp, c.bases.slot(int(g))), int32(v))
		return
	}
	c.a.MovImm(reg(g), v)
}

// dests says which operand names the register an instruction writes.
var dests [256]uint8

const (
	destNone = iota
	destA
	destD
)

func init() {
	for op := isa.Op(0); op < isa.NumOps; op++ {
		switch op.Format() {
		case isa.FmtRegImm64:
			dests[op] = destA
		case isa.FmtRegImm:
			if op == isa.LoadImm || (op >= isa.LoadU8 && op <= isa.LoadU64) {
				dests[op] = destA
			}
		case isa.FmtRegImmOffset, isa.FmtRegRegImmImm:
			if op == isa.LoadImmJump || op == isa.LoadImmJumpInd {
				dests[op] = destA
			}
		case isa.FmtRegRegImm:
			if !(op >= isa.StoreIndU8 && op <= isa.StoreIndU64) {
				dests[op] = destA
			}
		case isa.FmtRegReg, isa.FmtRegRegReg:
			dests[op] = destD
		}
	}
}

// destOf is the guest register in writes, or -1.
func destOf(in *isa.Instruction) int {
	switch dests[in.Op] {
	case destA:
		return int(in.A)
	case destD:
		return int(in.D)
	}
	return -1
}

// djump emits a dynamic jump to (φbase + off) mod 2^32 through the jump
// table, first setting φsetReg to setVal if setReg >= 0 (load_imm_jump_ind,
// whose register write happens even when the jump fails).
//
// The table (read-only, after the code) has one int32 per address 0..2|j|:
// the offset from the table of the block for even addresses whose
// jump-table entry is a block start, else 0. Addresses past the table (the
// halt address among them, as the table has at most 2^25 entries) exit with
// the address in rax, zero entries with 0 in rax; Go turns the halt address
// into halt and anything else into panic.
func (c *compiler) djump(idx uint32, base uint8, off uint32, setReg int, setVal uint64) {
	a := &c.hot
	b := reg(base)
	if c.lent&(1<<base) != 0 {
		a.Load(8, t0, amd64.M(rsp, c.bases.slot(int(base))))
		b = t0
	}
	if off == 0 {
		a.MovRR32(t0, b)
	} else {
		a.Lea32(t0, amd64.M(b, int32(off)))
	}
	if setReg >= 0 {
		c.setImm(uint8(setReg), setVal)
	}
	a.ALURI32(amd64.CMP, t0, int32(2*c.jumpEntries))
	j1 := a.JccRel(amd64.CondA)
	a.LeaRIP(t1, c.jtOff)
	a.LoadSX(4, t0, amd64.MI(t1, t0, 4, 0))
	a.TestRR(t0, t0)
	j2 := a.JccRel(amd64.CondE)
	a.ALURR(amd64.ADD, t0, t1)
	a.JmpR(t0)
	c.stub2(&c.hot, j1, j2, -1, c.exitOff, site{idx: idx, kind: siteJump})
}

// divRem emits the eight divisions and remainders with the PVM's rules for
// division by zero and signed overflow. rdx (φ0) is saved around the
// hardware division.
func (c *compiler) divRem(op isa.Op, d, x, y uint8) {
	a := &c.hot
	is32 := op == isa.DivU32 || op == isa.DivS32 || op == isa.RemU32 || op == isa.RemS32
	signed := op == isa.DivS32 || op == isa.DivS64 || op == isa.RemS32 || op == isa.RemS64
	rem := op == isa.RemU32 || op == isa.RemS32 || op == isa.RemU64 || op == isa.RemS64
	D := reg(d)
	rdx := amd64.RDX
	if is32 {
		a.MovRR32(t1, reg(y))
		a.MovRR32(t0, reg(x))
		a.TestRR32(t1, t1)
	} else {
		a.MovRR(t1, reg(y))
		a.MovRR(t0, reg(x))
		a.TestRR(t1, t1)
	}
	jZero := a.JccShort(amd64.CondE)
	jNeg1 := -1
	if signed {
		if is32 {
			a.ALURI32(amd64.CMP, t1, -1)
		} else {
			a.ALURI(amd64.CMP, t1, -1)
		}
		jNeg1 = a.JccShort(amd64.CondE)
	}
	a.Store(8, amd64.M(rsp, fTmp), rdx)
	switch {
	case signed && is32:
		a.Cdq()
		a.MulDivR32(amd64.IDIV, t1)
	case signed:
		a.Cqo()
		a.MulDivR(amd64.IDIV, t1)
	case is32:
		a.ALURR32(amd64.XOR, rdx, rdx)
		a.MulDivR32(amd64.DIV, t1)
	default:
		a.ALURR32(amd64.XOR, rdx, rdx)
		a.MulDivR(amd64.DIV, t1)
	}
	res := t0
	if rem {
		res = rdx
	}
	if is32 {
		a.Movsxd(D, res)
	} else {
		c.mov(D, res)
	}
	if D != rdx {
		a.Load(8, rdx, amd64.M(rsp, fTmp))
	}
	jDone1 := a.JmpShort()
	jDone2 := -1
	if signed {
		// Division by -1: the negation (which wraps for the most negative
		// value, as the PVM wants); the remainder is 0.
		a.PatchShort(jNeg1)
		switch {
		case rem:
			a.MovImm(D, 0)
		case is32:
			a.Neg32(t0)
			a.Movsxd(D, t0)
		default:
			a.Neg(t0)
			a.MovRR(D, t0)
		}
		jDone2 = a.JmpShort()
	}
	// Division by zero: all ones; the remainder is the dividend.
	a.PatchShort(jZero)
	switch {
	case !rem:
		a.MovImm(D, ^uint64(0))
	case is32:
		a.Movsxd(D, t0)
	default:
		a.MovRR(D, t0)
	}
	a.PatchShort(jDone1)
	if jDone2 >= 0 {
		a.PatchShort(jDone2)
	}
}

// mulUpper emits the high halves of 128-bit products, using rdx:rax.
func (c *compiler) mulUpper(op isa.Op, d, x, y uint8) {
	a := &c.hot
	rdx := amd64.RDX
	D, X, Y := reg(d), reg(x), reg(y)
	a.MovRR(t0, X)
	a.Store(8, amd64.M(rsp, fTmp), rdx)
	if op == isa.MulUpperSS {
		a.MulDivR(amd64.IMUL, Y)
	} else {
		a.MulDivR(amd64.MUL, Y)
	}
	if op == isa.MulUpperSU {
		// signed × unsigned = unsigned product − (x < 0 ? y << 64 : 0)
		if X == rdx {
			a.Load(8, t0, amd64.M(rsp, fTmp))
		} else {
			a.MovRR(t0, X)
		}
		a.ShiftRI(amd64.SAR, t0, 63)
		if Y == rdx {
			a.ALURM(amd64.AND, t0, amd64.M(rsp, fTmp))
		} else {
			a.ALURR(amd64.AND, t0, Y)
		}
		a.ALURR(amd64.SUB, rdx, t0)
	}
	if D != rdx {
		a.MovRR(D, rdx)
		a.Load(8, rdx, amd64.M(rsp, fTmp))
	}
}

// popcount counts the set bits of rax into rax without POPCNT, using rcx.
func (c *compiler) popcount() {
	a := &c.hot
	k := c.constOff
	a.MovRR(t1, t0)
	a.ShiftRI(amd64.SHR, t1, 1)
	a.ALURRIP(amd64.AND, t1, k)
	a.ALURR(amd64.SUB, t0, t1)
	a.MovRR(t1, t0)
	a.ShiftRI(amd64.SHR, t0, 2)
	a.ALURRIP(amd64.AND, t0, k+8)
	a.ALURRIP(amd64.AND, t1, k+8)
	a.ALURR(amd64.ADD, t0, t1)
	a.MovRR(t1, t0)
	a.ShiftRI(amd64.SHR, t1, 4)
	a.ALURR(amd64.ADD, t0, t1)
	a.ALURRIP(amd64.AND, t0, k+16)
	a.MovRIP(t1, k+24)
	a.Imul(t0, t1)
	a.ShiftRI(amd64.SHR, t0, 56)
}

// compare emits the comparison of the conditional branch in (operands in A
// and B) and returns the condition under which it is taken. reused says it
// emitted nothing: the previous instruction left the flags of φA's zero
// test (zf, see c.zf).
func (c *compiler) compare(in *isa.Instruction, A, B amd64.Reg, zf int) (cond amd64.Cond, reused bool) {
	a := c.a
	if in.Op.Format() == isa.FmtRegRegOffset {
		a.ALURR(amd64.CMP, A, B)
		return regBranchCond[in.Op-isa.BranchEq], false
	}
	cond = immBranchCond[in.Op-isa.BranchEqImm]
	imm := int32(in.Imm)
	switch {
	case imm == 0 && (cond == amd64.CondE || cond == amd64.CondNE) && zf == int(in.A):
		return cond, true
	case imm == 0 && (cond == amd64.CondE || cond == amd64.CondNE):
		a.TestRR(A, A)
	default:
		a.ALURI(amd64.CMP, A, imm)
	}
	return cond, false
}
