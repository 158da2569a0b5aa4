package gas

import "github.com/pvmd/pvmd/vm/isa"

// opInfo is an opCost laid out for the per-instruction loops. Registers are
// picked by multiplication rather than by variable shifts, which x86 can
// only do through CL: multiplying an instruction's register word
// (registerWord) by pick[r] moves the register of role r to the top byte.
type opInfo struct {
	pick    [4]uint64 // dst, src1, src2, cmp (compared with dst for the extra decode slot)
	units   uint32
	latency uint8
	slots   uint8
	kind    uint8
}

// Indexes into opInfo.pick.
const (
	pickDst = iota
	pickSrc1
	pickSrc2
	pickCmp
)

// opInfos is costTable in the form the loops read.
var opInfos = buildOpInfos()

func buildOpInfos() (t [256]opInfo) {
	for op := range costTable {
		c := &costTable[op]
		t[op] = opInfo{units: c.units, latency: c.latency, slots: c.slots, kind: c.kind}
		for r, role := range [4]uint8{c.dst, c.src1, c.src2, c.cmp} {
			t[op].pick[r] = 1 << (56 - role)
		}
	}
	return t
}

// decodeOp returns what the model needs of one instruction: its costs, the
// registers it writes and reads (noDst and noReg where there are none; all
// below 16) and its decode slots. Hot loops call its pieces themselves,
// which the compiler inlines.
func decodeOp(in *isa.Instruction) (o *opInfo, dst, src1, src2 uint8, slots uint32) {
	o = &opInfos[effectiveOp(in)]
	dst, src1, src2, cmp := o.registers(registerWord(in))
	return o, dst, src1, src2, o.slotsFor(dst, src1, cmp)
}

// effectiveOp is the op that in executes as.
func effectiveOp(in *isa.Instruction) isa.Op {
	if !in.Valid {
		// An invalid position executes as a trap and ends the block.
		return isa.Trap
	}
	return in.Op
}

// registerWord lays out in's registers at the bit offsets the roles name.
func registerWord(in *isa.Instruction) uint64 {
	return noReg | uint64(in.A)<<roleA | uint64(in.B)<<roleB | uint64(in.D)<<roleD | noDst<<roleNoDst
}

// registers picks the registers of the op's roles from an instruction's
// register word.
func (o *opInfo) registers(regs uint64) (dst, src1, src2, cmp uint8) {
	dst = uint8(regs*o.pick[pickDst]>>56) & 15
	src1 = uint8(regs*o.pick[pickSrc1]>>56) & 15
	src2 = uint8(regs*o.pick[pickSrc2]>>56) & 15
	cmp = uint8(regs*o.pick[pickCmp]>>56) & 15
	return dst, src1, src2, cmp
}

// slotsFor is the number of decode slots the op takes: the base count, plus
// one if dst differs from src1 and from cmp. (Branch-free: the outcome is
// hard to predict.)
func (o *opInfo) slotsFor(dst, src1, cmp uint8) uint32 {
	return uint32(o.slots) + b2u(dst != src1)&b2u(dst != cmp)
}
